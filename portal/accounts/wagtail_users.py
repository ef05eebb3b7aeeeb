"""Wagtail's user screens on our User model: its "first/last name" fields map to our given/family names.

Wagtail's own forms expect `first_name`/`last_name` model fields; ours are `given_name`/`family_name` (with kana),
so the forms read and write those. Only superusers manage users here (ministry staff invite people instead), which
also keeps the "administrator" (superuser) checkbox out of everyone else's reach.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet


class _OurNames:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_name"].label = _("Family name")
        self.fields["first_name"].label = _("Given name")
        if self.instance.pk:
            self.initial.setdefault("last_name", self.instance.family_name)
            self.initial.setdefault("first_name", self.instance.given_name)

    def save(self, commit=True):
        self.instance.family_name = self.cleaned_data["last_name"]
        self.instance.given_name = self.cleaned_data["first_name"]
        return super().save(commit=commit)


class AccountsUserCreationForm(_OurNames, UserCreationForm):
    pass


class AccountsUserEditForm(_OurNames, UserEditForm):
    pass


class AccountsUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return AccountsUserEditForm if for_update else AccountsUserCreationForm
