"""People and the organisations they act for.

A User logs in by e-mail. An Organisation is a startup, a municipality or the ministry; a Membership gives a user
a role in one. Startups keep their extra public/private details in StartupProfile.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.i18n import in_reader_language, localized_value
from portal.core.models import Theme
from portal.geo.models import LocalGovernment, Prefecture
from portal.geo.validators import validate_corporate_number

from .managers import UserManager


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    family_name = models.CharField(_("family name"), max_length=60, blank=True)
    given_name = models.CharField(_("given name"), max_length=60, blank=True)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=60, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=60, blank=True)
    # The name as the person writes it in English (Makoto Tanaka), used on English pages when given.
    family_name_en = models.CharField(_("family name (English)"), max_length=60, blank=True)
    given_name_en = models.CharField(_("given name (English)"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ja"
    )
    is_staff = models.BooleanField(_("admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    # Wagtail's admin and Django's auth call these.
    @property
    def first_name(self):
        return self.given_name

    @property
    def last_name(self):
        return self.family_name

    def get_full_name(self):
        """The name in the active language's order: 田中 誠 in Japanese; in English the English name the person
        gave (Makoto Tanaka), else the Japanese name as written (a name in kanji keeps its own order)."""
        return in_reader_language(
            " ".join(p for p in (self.family_name, self.given_name) if p),
            " ".join(p for p in (self.given_name_en, self.family_name_en) if p),
        )

    def get_short_name(self):
        return self.family_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STARTUP = "startup", _("startup")
        MUNICIPALITY = "municipality", _("municipality")
        MINISTRY = "ministry", _("ministry")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    # Municipalities: their local-government code; the prefecture follows from it.
    local_government = models.OneToOneField(
        LocalGovernment,
        verbose_name=_("local government"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation",
    )
    prefecture = models.ForeignKey(
        Prefecture,
        verbose_name=_("prefecture"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Municipalities: their own Wagtail collection (images, documents) and the group holding the rights on it
    # (portal/accounts/workspaces.py creates both with the organisation).
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="organisation",
    )
    staff_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("staff group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="organisation",
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name_kana", "name"]
        constraints = [
            models.CheckConstraint(
                name="municipality_has_local_government",
                condition=~Q(kind="municipality") | Q(local_government__isnull=False),
            ),
        ]

    def __str__(self):
        return localized_value(self, "name")

    @property
    def is_startup(self):
        return self.kind == self.Kind.STARTUP

    @property
    def is_municipality(self):
        return self.kind == self.Kind.MUNICIPALITY

    @property
    def is_ministry(self):
        return self.kind == self.Kind.MINISTRY


class StartupProfile(models.Model):
    """What a startup tells the programme about itself. Public fields are shown on its profile page."""

    class Stage(models.TextChoices):
        SEED = "seed", _("seed")
        EARLY = "early", _("early")
        GROWTH = "growth", _("growth")
        ESTABLISHED = "established", _("established")

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="startup_profile"
    )
    # Optional: teams not yet incorporated have none.
    corporate_number = models.CharField(
        _("corporate number"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    founded_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="startups")
    technology = models.TextField(_("technology"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("public profile"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The sentence embedding of the profile's matching text (384 float32, little-endian: 1,536 bytes), written by
    # matching's background task, with the SHA-256 of the exact text and the model it came from: an embedding whose
    # text or model differs from the current one is stale and never used (matching/embeddings.py).
    embedding = models.BinaryField(
        _("text embedding"), max_length=1536, null=True, blank=True, editable=False
    )
    embedding_text_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    embedding_model = models.CharField(max_length=100, blank=True, editable=False)
    embedding_computed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("startup profile")
        verbose_name_plural = _("startup profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~Q(corporate_number=""),
                name="unique_corporate_number",
                violation_error_message=_("A startup with this corporate number is already registered."),
            ),
        ]

    def __str__(self):
        return str(self.organisation)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Consent(models.Model):
    """A user's agreement to a document (the privacy policy, terms) at a given version. Never edited."""

    class Document(models.TextChoices):
        PRIVACY = "privacy", _("privacy policy")
        TERMS = "terms", _("terms of use")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="consents")
    document = models.CharField(_("document"), max_length=20, choices=Document.choices)
    version = models.CharField(_("version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.user} {self.get_document_display()} {self.version}"


class Invitation(models.Model):
    """Ministry staff invite municipality and ministry users; the link carries a signed token of this row's id."""

    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class LoginUnlock(models.Model):
    """A one-time link e-mailed to an account's owner to lift the failed-login lock (portal/accounts/throttle.py).

    The link carries a signed, expiring token of this row's id; `used_at` makes it single use.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("login unlock link")
        verbose_name_plural = _("login unlock links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class EmailChange(models.Model):
    """A requested change of a user's e-mail address. It applies only when the link mailed to the new address is
    followed (the token is a signed id of this row); the old address is told at request and at change."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    new_email = models.EmailField(_("new e-mail address"))
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail address change")
        verbose_name_plural = _("e-mail address changes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} → {self.new_email}"
