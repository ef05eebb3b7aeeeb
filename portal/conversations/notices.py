"""The notifications questions send: each kind's title and body, rendered in the reader's language.

With no body template, the body is the `text` parameter (the question as typed).
"""

from django.utils.translation import gettext_lazy as _

from portal.core.notices import register

register("question.asked", title=_("New question about “%(challenge)s”"))
register(
    "question.answered",
    title=_("A question about “%(challenge)s” has been answered"),
    body=_("Read the question and its answer on the challenge page."),
)
