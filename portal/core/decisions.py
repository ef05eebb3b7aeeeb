"""The answer of every permission rule: `(allowed, reason)`.

Each app's `permissions.py` holds one function per rule (`can_<verb>_<thing>(user, obj) -> Decision`); the reason is
a sentence a person can read ("Only the municipality that owns the challenge may review it."), shown when the
answer is no and written to the audit log where a service refuses. Services raise `PermissionDenied(reason)` on a
no; views hide a button whose rule says no. docs/permissions.md lists the rules and where each lives.

    from portal.core.decisions import Decision

    def can_review_application(user, application) -> Decision:
        ...
        return False, _("Only the municipality that owns the challenge may review it.")
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from .i18n import StrOrPromise

# The reason may be a lazy translation (gettext_lazy); it is rendered in the reader's language when shown.
Decision = tuple[bool, StrOrPromise]


def require(decision: Decision, *, refusal: type[Exception] = PermissionDenied) -> None:
    """Go on when the rule said yes; otherwise raise `refusal` with its reason (a ValidationError kind, such as an
    app's `…Refused`, with the code "refused", shown on the form; PermissionDenied, a 403 page)."""
    allowed, reason = decision
    if allowed:
        return
    if issubclass(refusal, ValidationError):
        raise refusal(reason, code="refused")
    raise refusal(reason)
