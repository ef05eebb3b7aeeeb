"""Forms for the Wagtail admin's organisation, membership and invitation screens."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.geo.codes import normalise_digits
from portal.geo.models import LocalGovernment
from portal.geo.validators import validate_lg_code

from . import permissions
from .forms import NormalisingFormMixin
from .models import Invitation, Membership, Organisation


class OrganisationAdminForm(NormalisingFormMixin, WagtailAdminModelForm):
    """Ministry staff create and edit any organisation; a municipality's administrator edits only its names and
    website (kind, code and slug stay as the ministry set them)."""

    local_government_code = forms.CharField(
        label=_("Local-government code"),
        required=False,
        max_length=20,
        help_text=_("Municipalities only: 6 digits with the check digit, e.g. 372013 for Takamatsu."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "name_kana",
            "name_en",
            "slug",
            "local_government_code",
            "prefecture",
            "website",
            "is_active",
        ]

    locked_for_municipality = ["kind", "slug", "local_government_code", "prefecture", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.local_government_id:
            self.fields["local_government_code"].initial = self.instance.local_government_id
        if not permissions.is_ministry(self.for_user):
            for name in self.locked_for_municipality:
                self.fields[name].disabled = True

    def clean_local_government_code(self):
        if self.fields["local_government_code"].disabled:
            return self.instance.local_government_id or ""
        code = normalise_digits(self.cleaned_data.get("local_government_code", ""))
        self.show_normalised("local_government_code", code)
        if not code:
            return ""
        validate_lg_code(code)
        if not LocalGovernment.objects.filter(code=code).exists():
            raise ValidationError(
                _("No local government with the code %(code)s is known."),
                code="lg_unknown",
                params={"code": code},
            )
        return code

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        code = cleaned.get("local_government_code")
        if "local_government_code" in self.errors:
            return cleaned
        if kind == Organisation.Kind.MUNICIPALITY and not code:
            self.add_error("local_government_code", _("A municipality needs its local-government code."))
        elif kind and kind != Organisation.Kind.MUNICIPALITY and code:
            self.add_error("local_government_code", _("Only municipalities have a local-government code."))
        elif code:
            lg = LocalGovernment.objects.select_related("prefecture").get(code=code)
            other = Organisation.objects.filter(local_government=lg).exclude(pk=self.instance.pk).first()
            if other is not None:
                self.add_error(
                    "local_government_code",
                    _("%(organisation)s already uses this code.") % {"organisation": other},
                )
            else:
                self.instance.local_government = lg
                # The prefecture follows from the code.
                self.instance.prefecture = lg.prefecture
                cleaned["prefecture"] = lg.prefecture
        else:
            self.instance.local_government = None
        return cleaned


class MembershipAdminForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class InvitationAdminForm(WagtailAdminModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "organisation", "role"]

    language = forms.ChoiceField(
        label=_("Language of the invitation e-mail"), choices=[("ja", "日本語"), ("en", "English")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Startups register themselves; invitations are for municipalities and the ministry.
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.STARTUP
        ).order_by("kind", "name")
