"""Sign-up, sign-in, e-mail verification, invitations and the account page. Thin: forms validate, services write."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.core import ratelimit
from portal.core.ratelimit import rate_limited

from . import permissions, selectors, services, throttle
from .forms import (
    EmailChangeForm,
    EmailOnlyForm,
    InvitationAcceptForm,
    LoginForm,
    PasswordResetForm,
    RegistrationForm,
    ResendVerificationForm,
)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _with_language_cookie(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


def landing_url(user) -> str:
    """Where a user belongs after logging in: staff in the admin, startups on My page, in their own language."""
    if permissions.can_access_admin(user)[0]:
        return reverse("wagtailadmin_home")
    with translation.override(user.preferred_language):
        if permissions.is_startup_member(user):
            return reverse("startups:mypage")
        return reverse("wagtail_serve", args=[""])


# ---------------------------------------------------------------------------------------------- sign-in


class SiteLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The user's language from now on: LocaleMiddleware reads the cookie.
        return _with_language_cookie(response, form.get_user().preferred_language)


@login_required
def after_login(request):
    """Send each kind of user where they work: staff to the admin, startups to My page."""
    return _with_language_cookie(
        HttpResponseRedirect(landing_url(request.user)), request.user.preferred_language
    )


class SiteLogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have logged out."))
        return response


@require_POST
def set_language(request):
    """The language switch: Django's set_language, remembered on the account of a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


# ---------------------------------------------------------------------------------------------- unlocking a login


@rate_limited("login_unlock", key="ip")
def login_unlock_request(request):
    """Ask for a one-time link that lifts the failed-login lock on one's own account (the same answer for any
    address; at most RATE_LIMIT_LOGIN_UNLOCK mails per address and per account)."""
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = throttle.normalise_email(form.cleaned_data["email"])
        if ratelimit.hit("login_unlock", f"account:{email}") is None:
            services.login_unlock_request(email=email, base_url=_base_url(request), request=request)
        messages.info(
            request,
            _(
                "If an account uses this address, we have sent it a link that lifts the lock. "
                "Please check your e-mail and open the link in this browser."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/login_unlock_request.html", {"form": form})


def login_unlock(request, token: str):
    """The link from the unlock e-mail: a button (mail scanners that follow links do not use it up), then once."""
    try:
        unlock = services.login_unlock_check(token=token)
        if request.method == "POST":
            user = services.login_unlock_use(token=token, request=request)
        else:
            return render(request, "accounts/login_unlock.html", {"unlock_email": unlock.user.email})
    except services.TokenExpired:
        return render(request, "accounts/link_refused.html", {"reason": "unlock_expired"}, status=400)
    except services.TokenInvalid:
        return render(request, "accounts/link_refused.html", {"reason": "unlock_invalid"}, status=400)
    messages.success(request, _("Your account is unlocked in this browser. You can log in now."))
    response = redirect("accounts:login")
    response.set_cookie(
        throttle.UNLOCK_COOKIE,
        throttle.unlock_cookie_value(user.pk),
        max_age=settings.LOGIN_UNLOCK_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# ---------------------------------------------------------------------------------------------- sign-up


AFTER_VERIFY_SESSION_KEY = "xact_after_verify"


def _safe_next(request) -> str | None:
    """The `next` path of a request when it is a path on this site (never another host)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@rate_limited("signup", key="ip")
def register(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or landing_url(request.user))
    # Where to come back after verification and log-in (a challenge's application form), kept in this browser.
    if target := _safe_next(request):
        request.session[AFTER_VERIFY_SESSION_KEY] = target
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.startup_register(
                email=data["email"],
                password=data["password1"],
                family_name=data["family_name"],
                given_name=data["given_name"],
                family_name_kana=data["family_name_kana"],
                given_name_kana=data["given_name_kana"],
                family_name_en=data["family_name_en"],
                given_name_en=data["given_name_en"],
                preferred_language=data["preferred_language"],
                organisation_name=data["organisation_name"],
                organisation_name_kana=data["organisation_name_kana"],
                organisation_name_en=data["organisation_name_en"],
                prefecture=data["prefecture"],
                corporate_number=data["corporate_number"],
                consent_privacy=data["consent_privacy"],
                ip_address=throttle.client_ip(request) or None,
                base_url=_base_url(request),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            request.session["xact_registered_email"] = data["email"]
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def register_done(request):
    return render(
        request, "accounts/register_done.html", {"email": request.session.get("xact_registered_email", "")}
    )


def verify_email(request, token: str):
    try:
        user = services.email_verify(token=token)
    except services.TokenExpired:
        return render(
            request,
            "accounts/link_refused.html",
            {"reason": "expired", "form": ResendVerificationForm()},
            status=400,
        )
    except services.TokenInvalid:
        return render(
            request,
            "accounts/link_refused.html",
            {"reason": "invalid", "form": ResendVerificationForm()},
            status=400,
        )
    messages.success(request, _("Thank you: your e-mail address is verified. You can log in now."))
    with translation.override(user.preferred_language):
        url = reverse("accounts:login")
    # Registered from a challenge in this browser: the log-in goes on to its application form.
    target = request.session.pop(AFTER_VERIFY_SESSION_KEY, None)
    if target:
        url = f"{url}?{urlencode({'next': target})}"
    return _with_language_cookie(redirect(url), user.preferred_language)


def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(email=form.cleaned_data["email"], base_url=_base_url(request))
        # The same answer whether or not the address is known: nobody learns who has an account.
        messages.info(
            request,
            _(
                "If an unverified account uses this address, we have sent it a new link. Please check your e-mail."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend_verification.html", {"form": form})


# ---------------------------------------------------------------------------------------------- invitations


def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_from_token(token)
    except services.TokenExpired:
        return render(request, "accounts/link_refused.html", {"reason": "invitation_expired"}, status=400)
    except services.TokenInvalid:
        return render(request, "accounts/link_refused.html", {"reason": "invitation_invalid"}, status=400)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                token=token,
                password=data["password1"],
                family_name=data["family_name"],
                given_name=data["given_name"],
                family_name_kana=data["family_name_kana"],
                given_name_kana=data["given_name_kana"],
                family_name_en=data["family_name_en"],
                given_name_en=data["given_name_en"],
                preferred_language=data["preferred_language"],
                ip_address=throttle.client_ip(request) or None,
            )
        except (services.TokenExpired, services.TokenInvalid):
            return render(request, "accounts/link_refused.html", {"reason": "invitation_invalid"}, status=400)
        login(request, user, backend="portal.accounts.backends.EmailBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return _with_language_cookie(redirect(landing_url(user)), user.preferred_language)
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


# ---------------------------------------------------------------------------------------------- password reset


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm  # rate-limited per address and per account, with the same answer
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.WAGTAIL_SITE_NAME}
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# ---------------------------------------------------------------------------------------------- the account page


@login_required
def account(request):
    """The signed-in user's own account: e-mail address (changed only through a link to the new address)."""
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_request(
                user=request.user,
                new_email=form.cleaned_data["new_email"],
                actor=request.user,
                base_url=_base_url(request),
                request=request,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "We have sent a link to the new address. Your e-mail address changes when you open it; "
                    "until then you log in with the current one."
                ),
            )
            return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"form": form, "pending": selectors.email_change_pending(request.user)},
    )


def email_change_confirm(request, token: str):
    try:
        user = services.email_change_confirm(token=token, request=request)
    except services.TokenExpired:
        return render(request, "accounts/link_refused.html", {"reason": "email_change_expired"}, status=400)
    except services.TokenInvalid:
        return render(request, "accounts/link_refused.html", {"reason": "email_change_invalid"}, status=400)
    messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": user.email})
    return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")
