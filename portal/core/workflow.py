"""State machines, declared one way: a table of transitions (from which states, to which state, who may take
it, why not) and one function that takes a transition.

    APPLICATION = Workflow((
        Transition("shortlist", _("Shortlist"), (SUBMITTED,), SHORTLISTED,
                   refusal=_("Only a submitted application can be shortlisted.")),
        ...
    ))
    allowed, reason = APPLICATION.allows(application.state, "shortlist")   # in permissions.py
    previous = APPLICATION.move(application, "shortlist")                 # in the service, inside its transaction

Declared this way: engagements (portal/tracker/workflow.py), travel requests (portal/tracker/travel_workflow.py),
meetings (portal/tracker/meeting_workflow.py), adoption requests (portal/tracker/adoption_workflow.py), applications
(portal/applications/workflow.py), questions (portal/conversations/question_workflow.py). A service never writes the
state field itself. (Background jobs' progress — a match run's or a report file's status — is not a workflow: no one
takes a step on it, the worker records how the job went.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .decisions import Decision
from .i18n import StrOrPromise


@dataclass(frozen=True)
class Transition:
    name: str
    label: StrOrPromise
    sources: tuple[str, ...]
    target: str
    # Who may take it, by side (engagements: "municipality", "startup", "ministry", "system"); machines whose
    # rules are by role leave it empty and check a rule of their app's permissions.py.
    sides: frozenset[str] = frozenset()
    # Why not, from a state outside `sources` (may name the state: "%(state)s"); per state where it differs.
    refusal: StrOrPromise = ""
    refusal_from: tuple[tuple[str, StrOrPromise], ...] = ()


class Workflow:
    """A table of transitions over one state field of a model."""

    def __init__(
        self, transitions: Iterable[Transition], *, field: str = "state", refusal: StrOrPromise = ""
    ) -> None:
        self.transitions = tuple(transitions)
        self.field = field
        self.refusal = refusal  # why not, for transitions that declare no reason of their own
        self.by_name = {t.name: t for t in self.transitions}
        if len(self.by_name) != len(self.transitions):
            raise ValueError("two transitions share a name")

    def __getitem__(self, name: str) -> Transition:
        return self.by_name[name]

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def allows(self, state: str, name: str, *, state_label: str = "") -> Decision:
        """May `name` be taken from `state`? With the declared reason when not."""
        transition = self.by_name[name]
        if state in transition.sources:
            return True, str(transition.label)
        reason = dict(transition.refusal_from).get(state) or transition.refusal or self.refusal
        if "%(state)s" in str(reason):
            reason = str(reason) % {"state": state_label or state}
        return False, reason

    def move(self, obj, name: str) -> str:
        """Take transition `name` on `obj` (not saved): check its state, set the target; the previous state.

        Refused with a ValidationError (code "wrong_state") and the declared reason. Call it inside the
        service's transaction, on the row it locked."""
        previous = getattr(obj, self.field)
        label = getattr(obj, f"get_{self.field}_display", lambda: previous)()
        allowed, reason = self.allows(previous, name, state_label=str(label))
        if not allowed:
            raise ValidationError(reason, code="wrong_state")
        setattr(obj, self.field, self[name].target)
        return previous
