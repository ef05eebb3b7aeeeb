"""Shared models: the site's home page and the audit log every state change writes to."""

from django.conf import settings
from django.db import models
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from . import notices
from .i18n import in_reader_language, reader_language
from .media_choice import PageForm
from .routing import CachedViewRestrictionsMixin, route_from_cache


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site root: what the programme is, and the ways in for each kind of user."""

    base_form_class = PageForm  # only images and documents the editor may choose (core/media_choice.py)

    lead = models.CharField(_("lead"), max_length=255, blank=True)
    lead_en = models.CharField(_("lead (English)"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)
    body_en = RichTextField(_("body (English)"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("lead"),
        FieldPanel("lead_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Wagtail's routing from this site root, with the path → page answer kept in the cache (core/routing.py)."""
        return route_from_cache(self, request, path_components, super().route)


class AuditEvent(models.Model):
    """One state change: who did what to which object, when, with which details. Append-only."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Theme(models.Model):
    """A policy area a challenge or a startup belongs to (観光, 除雪, …). Bilingual; registered as a Wagtail snippet.

    It lives in core, not challenges, because startups' profiles (accounts) use it too and imports flow one way.
    """

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [
        FieldPanel("slug"),
        FieldPanel("name_ja"),
        FieldPanel("name_en"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["sort_order", "slug"]

    def __str__(self):
        return in_reader_language(self.name_ja, self.name_en)


class Notification(models.Model):
    """An in-app notice for one user (the e-mail twin is sent by the e-mail adapter). Unread until read_at is set.

    What it says is its `kind` plus `params`, rendered in the reader's language when shown (core/notices.py);
    `title` and `body` keep the text as first written for the recipient, shown only when the kind cannot be
    rendered (rows from before kinds had templates, or a kind no longer registered).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.display_title

    def rendered(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in `language` (the active language by default)."""
        return notices.render(self.kind, self.params, language) or (self.title, self.body)

    @property
    def display_title(self) -> str:
        return self.rendered()[0]

    @property
    def display_body(self) -> str:
        return self.rendered()[1]

    @property
    def display_url(self) -> str:
        """The link in the active language: a site page under /en/… for an English reader, /… for a Japanese one."""
        if not self.url.startswith("/"):
            return self.url
        # Stored in the recipient's language at sending time; resolve it in that language, reverse in the reader's.
        reader = reader_language()
        written_in = next(
            (code for code, _name in settings.LANGUAGES if self.url.startswith(f"/{code}/")),
            settings.LANGUAGE_CODE,
        )
        with translation.override(written_in):
            return translate_url(self.url, reader)


class RateCounter(models.Model):
    """A count in a time window (failed logins, rate limits) kept in the database: where no shared cache is
    configured, and while Redis cannot be reached (portal/core/counters.py)."""

    key = models.CharField(_("key"), max_length=150, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    started = models.FloatField(_("window started (epoch seconds)"))
    expires = models.FloatField(_("window ends (epoch seconds)"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.key}: {self.count}"
