"""Prefectures (JIS X 0401) and local governments (全国地方公共団体コード), loaded from the data under geo/data/."""

from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.core.i18n import in_reader_language

from .validators import validate_lg_code


class Prefecture(models.Model):
    code = models.CharField(_("prefecture code"), max_length=2, primary_key=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=10, unique=True)
    name_kana = models.CharField(_("name (kana)"), max_length=20, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=20)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")
        ordering = ["code"]

    def __str__(self):
        return in_reader_language(self.name_ja, self.name_en)


class LocalGovernmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Codes in force on a date (today in JST by default): mergers and reorganisations retire codes."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class LocalGovernment(models.Model):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture")
        DESIGNATED_CITY = "designated_city", _("designated city")
        CITY = "city", _("city")
        WARD = "ward", _("ward of a designated city")
        SPECIAL_WARD = "special_ward", _("special ward (Tokyo)")
        TOWN = "town", _("town")
        VILLAGE = "village", _("village")

    code = models.CharField(
        _("local-government code"), max_length=6, primary_key=True, validators=[validate_lg_code]
    )
    prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("prefecture"), on_delete=models.PROTECT, related_name="local_governments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_ja = models.CharField(_("name (Japanese)"), max_length=40)
    name_kana = models.CharField(_("name (kana)"), max_length=80, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # True where the coordinate is not the office's own (no office, or taken from a predecessor): see docs/geo.md.
    coordinate_approximate = models.BooleanField(_("coordinate approximate"), default=False)
    # A ward's designated city.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("designated city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
    )
    # Codes change with mergers: a code is valid from/until these dates (None = open-ended).
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = LocalGovernmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")
        ordering = ["code"]

    def __str__(self):
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        if self.kind in (self.Kind.PREFECTURE,) or self.kind == self.Kind.WARD:
            return self.name_ja
        return f"{self.prefecture.name_ja}{self.name_ja}" if self.prefecture_id else self.name_ja
