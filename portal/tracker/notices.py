"""The notifications the tracker sends: each kind's title and body, rendered in the reader's language.

With no body template, the body is the `text` parameter (a reason or a message as typed, or a page's title).
"""

from django.utils.translation import gettext_lazy as _

from portal.core.notices import register

register("tracker.adoption_requested", title=_("%(m)s wants to adopt your solution"))
register("tracker.adoption_linked", title=_("Your adoption of %(o)s is under way"))
register("tracker.adoption_declined", title=_("Adoption request declined"))
register("tracker.case_study_drafted", title=_("A case study of your engagement awaits your approval"))
register("tracker.case_study_published", title=_("Your case study is published"))
register(
    "tracker.engagement_opened",
    title=_("A new engagement: %(m)s × %(s)s"),
    body=_(
        "Plan the first visit. The ministry can pay the startup's travel costs: request support on your page."
    ),
)
register("tracker.stage_changed", title=_("%(engagement)s: now “%(stage)s”"))
register("tracker.progress_reported", title=_("New progress report: %(engagement)s"))
register(
    "tracker.stalled_reminder",
    title=_("No news for %(days)d days: %(engagement)s"),
    body=_("Please post a progress report, or record that the engagement is stalled or has ended."),
)
register("tracker.travel_requested", title=_("%(startup)s plans a visit on %(date)s"))
register("tracker.travel_approved", title=_("Travel support approved: ¥%(amount)s"))
register("tracker.travel_rejected", title=_("Travel support not granted"))
register("tracker.travel_settled", title=_("Your settlement of ¥%(a)s is approved"))
register("tracker.travel_settled", variant="at_approval", title=_("Settled at the approved ¥%(a)s"))
register("tracker.travel_paid", title=_("¥%(a)s paid on %(d)s"))
register("tracker.travel_excess", title=_("A settlement is above its approval: ¥%(a)s of ¥%(b)s"))
# Visits and meetings (the agreed ones also arrive by e-mail with their .ics: services/meetings.py)
register("tracker.meeting_proposed", title=_("%(m)s proposes times for “%(title)s”: please pick one"))
register(
    "tracker.meeting_proposed",
    variant="again",
    title=_("%(m)s proposes new times for “%(title)s”: please pick one"),
)
register("tracker.meeting_confirmed", title=_("“%(title)s” is agreed for %(when)s"))
register("tracker.meeting_confirmed", variant="municipality", title=_("%(s)s chose %(when)s for “%(title)s”"))
register("tracker.meeting_other_slots_asked", title=_("%(s)s asks for other times for “%(title)s”"))
register("tracker.meeting_changed", title=_("“%(title)s” moved to %(when)s"))
register("tracker.meeting_cancelled", title=_("“%(title)s” is cancelled"))
# Agreements (実証協定書 / 契約): recorded, amended, and the reminders before the renewal decision and the end
register("tracker.agreement_recorded", title=_("%(kind)s recorded: %(title)s"))
register("tracker.agreement_amended", title=_("Agreement amended: %(title)s"))
register(
    "tracker.agreement_renewal_due",
    title=_("Decide on renewal of “%(title)s” by %(date)s"),
    body=_("%(days)d days left. Record the renewal as an amendment, or let the agreement end."),
)
register(
    "tracker.agreement_ending",
    title=_("“%(title)s” ends on %(date)s"),
    body=_("%(days)d days left. Record an amendment if it is extended, or plan what follows."),
)
# Budget-request deadlines (予算要求): the reminder to the municipality's staff
register(
    "tracker.budget_request_due",
    title=_("Budget requests for %(fy)s are due on %(date)s"),
    body=_(
        "%(days)d days left. %(n)d of your engagements will need money next fiscal year: include them in the request."
    ),
)
