"""What the site search (/search/) covers: a list in settings, so apps add their models without code here.

    SITE_SEARCH_MODELS = [
        {"model": "challenges.ChallengePage", "theme_field": "themes", "snippet_fields": ["summary", "background"]},
        {"model": "accounts.StartupProfile", "queryset": "portal.accounts.selectors.public_startup_profiles"},
    ]

Page models are searched live and public only; other models through ``queryset`` (a dotted path to a function
returning the public objects), or all their objects.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
from wagtail.models import Page


@dataclass(frozen=True)
class SearchableModel:
    key: str  # "app_label.modelname", used in URLs
    model: type
    theme_field: str | None = None
    snippet_fields: tuple[str, ...] = field(default_factory=tuple)
    queryset_path: str | None = None

    @property
    def label(self):
        return self.model._meta.verbose_name_plural

    def queryset(self):
        if self.queryset_path:
            return import_string(self.queryset_path)()
        if issubclass(self.model, Page):
            return self.model.objects.live().public()
        return self.model._default_manager.all()

    def snippet_text(self, obj) -> str:
        names = self.snippet_fields or [
            f.field_name for f in self.model.get_searchable_search_fields() if f.field_name != "title"
        ]
        parts = []
        for name in names:
            value = getattr(obj, name, "")
            parts.append(str(value() if callable(value) else value or ""))
        return " ".join(p for p in parts if p)


def searchable_models() -> list[SearchableModel]:
    out = []
    for entry in getattr(settings, "SITE_SEARCH_MODELS", []):
        try:
            model = apps.get_model(entry["model"])
        except LookupError:
            continue  # an app not installed in this deployment
        out.append(
            SearchableModel(
                key=model._meta.label_lower,
                model=model,
                theme_field=entry.get("theme_field"),
                snippet_fields=tuple(entry.get("snippet_fields", ())),
                queryset_path=entry.get("queryset"),
            )
        )
    return out
