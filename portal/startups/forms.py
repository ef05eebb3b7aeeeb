"""The startup's profile pages: the profile with its private contact, a track-record entry, a team member.
They validate; the applications services write (the models are applications' and accounts')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, StartupProfile
from portal.applications.models import StartupContact, TeamMember, TrackRecordEntry
from portal.core.forms import ModelChoiceField, ModelMultipleChoiceField
from portal.core.models import Theme
from portal.geo.forms import LocalGovernmentField


class ProfileForm(forms.Form):
    """The organisation's and profile's fields plus the private contact, on one page."""

    # public
    name = Organisation._meta.get_field("name").formfield()
    name_kana = Organisation._meta.get_field("name_kana").formfield()
    name_en = Organisation._meta.get_field("name_en").formfield()
    prefecture = Organisation._meta.get_field("prefecture").formfield()
    website = Organisation._meta.get_field("website").formfield(assume_scheme="https")
    stage = StartupProfile._meta.get_field("stage").formfield()
    themes = ModelMultipleChoiceField(
        label=_("themes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    technology = StartupProfile._meta.get_field("technology").formfield()
    description = StartupProfile._meta.get_field("description").formfield()
    founded_year = StartupProfile._meta.get_field("founded_year").formfield()
    employees = StartupProfile._meta.get_field("employees").formfield()
    is_public = StartupProfile._meta.get_field("is_public").formfield()
    # private
    corporate_number = StartupProfile._meta.get_field("corporate_number").formfield()
    contact_person = StartupContact._meta.get_field("person").formfield()
    contact_email = StartupContact._meta.get_field("email").formfield()
    contact_phone = StartupContact._meta.get_field("phone").formfield()
    contact_address = StartupContact._meta.get_field("address").formfield()

    PUBLIC = (
        "name",
        "name_kana",
        "name_en",
        "prefecture",
        "website",
        "stage",
        "themes",
        "technology",
        "description",
        "founded_year",
        "employees",
        "is_public",
    )
    PRIVATE = ("corporate_number", "contact_person", "contact_email", "contact_phone", "contact_address")

    def public_fields(self):
        return [self[name] for name in self.PUBLIC]

    def private_fields(self):
        return [self[name] for name in self.PRIVATE]

    @classmethod
    def initial_for(cls, profile: StartupProfile, contact: StartupContact | None) -> dict:
        org = profile.organisation
        data = {
            name: getattr(org, name) for name in ("name", "name_kana", "name_en", "prefecture", "website")
        }
        data |= {
            name: getattr(profile, name)
            for name in (
                "stage",
                "technology",
                "description",
                "founded_year",
                "employees",
                "is_public",
                "corporate_number",
            )
        }
        data["themes"] = list(profile.themes.all()) if profile.pk else []
        if contact:
            data |= {f"contact_{n}": getattr(contact, n) for n in ("person", "email", "phone", "address")}
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in self.PUBLIC if name != "themes"}
        kwargs["corporate_number"] = data["corporate_number"]
        kwargs["themes"] = data["themes"]
        kwargs["contact"] = {n: data[f"contact_{n}"] for n in ("person", "email", "phone", "address")}
        return kwargs


class TrackRecordForm(forms.ModelForm):
    local_government = LocalGovernmentField(
        allow_prefecture=True,
        label=_("municipality"),
        help_text=_(
            "Type the name (e.g. 高松市 or Takamatsu) and choose from the list; the 6-digit code (372013) "
            "works too."
        ),
    )

    class Meta:
        model = TrackRecordEntry
        fields = ["local_government", "year", "theme", "outcome", "summary"]
        field_classes = {"theme": ModelChoiceField}


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "role", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
