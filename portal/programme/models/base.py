"""What every programme page shares: an English title and description beside the Japanese ones.

Wagtail's own localisation is off (one page tree), so each page carries both languages and templates pick the one
of the request (`|localized:"field"` in programme_tags, or the properties below). English falls back to Japanese.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

from portal.core.i18n import in_reader_language, localized_value
from portal.core.media_choice import PageForm
from portal.core.routing import CachedViewRestrictionsMixin


class BilingualPage(CachedViewRestrictionsMixin, Page):
    base_form_class = PageForm  # only images and documents the editor may choose (core/media_choice.py)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two sentences, shown in lists and as the page's description."),
    )
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    search_description_en = models.TextField(_("search description (English)"), blank=True)

    title_panels = [FieldPanel("title_en")]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel([FieldPanel("search_description_en")], heading=_("English")),
    ]

    class Meta:
        abstract = True

    @property
    def localized_title(self) -> str:
        return localized_value(self, "title")

    @property
    def localized_intro(self) -> str:
        return localized_value(self, "intro")

    @property
    def localized_description(self) -> str:
        """For <meta name=description> and Open Graph: the search description, else the introduction."""
        return in_reader_language(
            self.search_description or self.intro,
            self.search_description_en or self.intro_en or self.search_description or self.intro,
        )
