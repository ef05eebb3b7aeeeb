"""The notifications an application's life sends: each kind's title and body, rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from portal.core.notices import register

register(
    "application.submitted",
    title=_("Application received: %(challenge)s"),
    body=_("Your application to “%(challenge)s” has been received. We will tell you when it is reviewed."),
)
register(
    "application.received",
    title=_("New application from %(startup)s: %(challenge)s"),
    body=_("%(startup)s applied to your challenge “%(challenge)s”."),
)
register(
    "application.received",
    variant="resubmitted",
    title=_("Information received from %(startup)s: %(challenge)s"),
    body=_("%(startup)s applied to your challenge “%(challenge)s”."),
)
register("application.withdrawn", title=_("%(startup)s withdrew its application: %(challenge)s"))
# The startup's view of a decision; the body is the municipality's reason as typed.
register("application.shortlisted", title=_("Shortlisted: %(challenge)s"))
register("application.declined", title=_("Not selected: %(challenge)s"))
register("application.more_info", title=_("More information requested: %(challenge)s"))
register("application.matched", title=_("Matched: %(challenge)s"))
register("application.matched", variant="staff", title=_("Matched with %(startup)s: %(challenge)s"))
