"""The notifications a challenge sends: each kind's title and body, rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from portal.core.notices import register

# The body is the challenge's title, in the reader's language.
register("challenge.outcome", title=_("The outcome of your challenge was recorded"))
