"""The notifications matching sends: each kind's title and body, rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from portal.core.notices import register

register("matching.run_finished", title=_("Matching run %(id)s finished: %(n)s proposals"))
register("matching.run_finished", variant="failed", title=_("Matching run %(id)s failed"))
register("matching.proposal_accepted", title=_("The ministry matched you with a challenge: %(challenge)s"))
register(
    "matching.proposal_accepted",
    variant="staff",
    title=_("The ministry matched %(startup)s with your challenge: %(challenge)s"),
)
register("matching.proposal_rejected", title=_("Proposal rejected: %(startup)s for %(challenge)s"))
