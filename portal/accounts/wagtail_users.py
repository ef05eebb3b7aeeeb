"""Wagtail's user screens on our User model: its "first/last name" fields map to our given/family names.

Wagtail's own forms expect `first_name`/`last_name` model fields; ours are `given_name`/`family_name` (with kana),
so the forms read and write those. Only superusers manage users here (ministry staff invite people instead), which
also keeps the "administrator" (superuser) checkbox out of everyone else's reach.
"""

from django.contrib import messages
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView, UserViewSet

from . import services


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
    """Editing a user: a new e-mail address is not saved here; it is mailed a link and applies when followed."""

    requested_email = None

    def save(self, commit=True):
        if "email" in self.changed_data:
            self.requested_email = self.cleaned_data["email"]
            self.instance.email = self.initial["email"]
        return super().save(commit=commit)


class AccountsUserEditView(EditView):
    def save_instance(self):
        instance = super().save_instance()
        if self.form.requested_email:
            services.email_change_request(
                user=instance,
                new_email=self.form.requested_email,
                actor=self.request.user,
                base_url=self.request.build_absolute_uri("/"),
                request=self.request,
            )
            messages.info(
                self.request,
                gettext_now(
                    "The e-mail address changes to %(email)s when the link we sent there is opened; "
                    "the current address has been told."
                )
                % {"email": self.form.requested_email},
            )
        return instance


class AccountsUserViewSet(UserViewSet):
    edit_view_class = AccountsUserEditView

    def get_form_class(self, for_update=False):
        return AccountsUserEditForm if for_update else AccountsUserCreationForm
