"""The application workflow, declared once (the shape of every state machine: portal/core/workflow.py).

    draft ─submit→ submitted ─shortlist→ shortlisted ─match→ matched
                     │   └─request_more_info→ more_info ─submit (resubmit)→ submitted
                     ├─decline (also from more_info, shortlisted)→ declined
                     └─withdraw (from any sent state before a decision)→ withdrawn

Who may take a step, and the other conditions (the deadline, a complete form, a declared conflict of interest),
are the rules of applications/permissions.py (`can_submit`, `can_shortlist`, …); they ask this table whether the
state allows it, and give its reason when not. The services take a step with `APPLICATION.move`; nothing else
writes `Application.state`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.core.workflow import Transition, Workflow

from .models import DECIDED_STATES, SENT_STATES, ApplicationState

S = ApplicationState

APPLICATION = Workflow(
    (
        Transition(
            "submit",
            _("Submit the application"),
            (S.DRAFT, S.MORE_INFO),
            S.SUBMITTED,
            refusal=_("This application has already been submitted."),
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            tuple(sorted(SENT_STATES - DECIDED_STATES)),
            S.WITHDRAWN,
            refusal=_("A decision has already been made on this application."),
            refusal_from=((S.DRAFT, _("A draft has not been sent; there is nothing to withdraw.")),),
        ),
        Transition(
            "shortlist",
            _("Shortlist"),
            (S.SUBMITTED,),
            S.SHORTLISTED,
            refusal=_("Only a submitted application can be shortlisted."),
        ),
        Transition(
            "decline",
            _("Decline"),
            (S.SUBMITTED, S.MORE_INFO, S.SHORTLISTED),
            S.DECLINED,
            refusal=_("This application can no longer be declined."),
        ),
        Transition(
            "request_more_info",
            _("Request more information"),
            (S.SUBMITTED, S.SHORTLISTED),
            S.MORE_INFO,
            refusal=_("More information can only be requested on a submitted or shortlisted application."),
        ),
        Transition(
            "match",
            _("matched"),
            (S.SUBMITTED, S.SHORTLISTED),
            S.MATCHED,
            refusal=_("Only a submitted or shortlisted application can be matched."),
        ),
    )
)
