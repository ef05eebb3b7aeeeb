"""Writes for accounts: registration, e-mail verification, invitations, memberships, consent.

Every service takes keyword arguments only, validates with `full_clean()`, runs in one transaction and records an
audit event. E-mails go out after the transaction has committed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from portal.core import ratelimit
from portal.core.audit import record
from portal.core.decisions import require
from portal.geo.codes import normalise_digits
from portal.geo.models import Prefecture

from . import permissions, throttle
from .models import (
    Consent,
    EmailChange,
    Invitation,
    LoginUnlock,
    Membership,
    Organisation,
    StartupProfile,
    User,
)
from .workspaces import staff_groups_sync

EMAIL_VERIFY_SALT = "xact.accounts.email-verify"
INVITATION_SALT = "xact.accounts.invitation"
LOGIN_UNLOCK_SALT = "xact.accounts.login-unlock"
EMAIL_CHANGE_SALT = "xact.accounts.email-change"


class TokenExpired(Exception):
    """A signed link whose time is up."""


class TokenInvalid(Exception):
    """A signed link that was tampered with, is unknown, or was already used."""


# ---------------------------------------------------------------------------------------------- helpers


def _absolute(base_url: str | None, path: str) -> str:
    base = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return f"{base}{path}"


def _send(*, to: str, language: str, subject_template: str, body_template: str, context: dict) -> None:
    with translation.override(language):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    send_mail(subject, body, None, [to])


def _mail_link(
    user: User, *, url_name: str, token: str, template: str, base_url: str | None, **context
) -> None:
    """Mail `user`, in their language, accounts/email/<template>_subject.txt and _body.txt with `url` the signed
    link to `url_name` (and `context`)."""
    with translation.override(user.preferred_language):
        path = reverse(url_name, kwargs={"token": token})
    _send(
        to=user.email,
        language=user.preferred_language,
        subject_template=f"accounts/email/{template}_subject.txt",
        body_template=f"accounts/email/{template}_body.txt",
        context={
            "user": user,
            "url": _absolute(base_url, path),
            "site_name": settings.WAGTAIL_SITE_NAME,
            **context,
        },
    )


def _unique_slug(*candidates: str) -> str:
    base = next((s for s in (slugify(c)[:60] for c in candidates if c) if s), "") or "org"
    slug = base
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _unverify_token(token: str, *, salt: str, max_age: int) -> int:
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    try:
        return int(value)
    except ValueError as exc:
        raise TokenInvalid from exc


def _sync_admin_language(user: User) -> None:
    """The Wagtail admin reads its language from its own user profile: keep it equal to ours."""
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != user.preferred_language:
        profile.preferred_language = user.preferred_language
        profile.save(update_fields=["preferred_language"])


# ---------------------------------------------------------------------------------------------- consent


def consent_record(
    *,
    user: User,
    document: str = Consent.Document.PRIVACY,
    version: str | None = None,
    ip_address: str | None = None,
) -> Consent:
    """Record that `user` agreed to `document` at `version` (default: the current privacy-policy version), now."""
    consent = Consent(
        user=user,
        document=document,
        version=version or settings.PRIVACY_POLICY_VERSION,
        given_at=timezone.now(),
        ip_address=ip_address or None,
    )
    consent.full_clean()
    with transaction.atomic():
        consent.save()
        record(
            actor=user, action="accounts.consent_given", obj=user, document=document, version=consent.version
        )
    return consent


# ---------------------------------------------------------------------------------------------- startups


def organisation_create_for_startup(
    *,
    user: User,
    name: str,
    name_kana: str = "",
    name_en: str = "",
    prefecture: Prefecture | None = None,
    corporate_number: str = "",
    website: str = "",
) -> Organisation:
    """Create a startup organisation with its profile and make `user` its administrator."""
    with transaction.atomic():
        org = Organisation(
            kind=Organisation.Kind.STARTUP,
            name=name.strip(),
            name_kana=name_kana.strip(),
            name_en=name_en.strip(),
            slug=_unique_slug(name_en, name_kana),
            prefecture=prefecture,
            website=website,
        )
        org.full_clean()
        org.save()
        profile = StartupProfile(organisation=org, corporate_number=normalise_digits(corporate_number))
        profile.full_clean()
        profile.save()
        membership = Membership(user=user, organisation=org, role=Membership.Role.ADMIN)
        membership.full_clean(exclude=["user"] if user.pk is None else None)
        membership.save()
        permissions.forget_cached_memberships(user)
        record(actor=user, action="accounts.startup_created", obj=org)
    return org


@dataclass(frozen=True)
class Registration:
    user: User
    organisation: Organisation


def startup_register(
    *,
    email: str,
    password: str,
    family_name: str,
    given_name: str,
    family_name_kana: str = "",
    given_name_kana: str = "",
    family_name_en: str = "",
    given_name_en: str = "",
    preferred_language: str = "ja",
    organisation_name: str,
    organisation_name_kana: str = "",
    organisation_name_en: str = "",
    prefecture: Prefecture | None = None,
    corporate_number: str = "",
    consent_privacy: bool,
    ip_address: str | None = None,
    base_url: str | None = None,
) -> Registration | None:
    """A startup registers itself: an inactive user, its organisation and profile, consent, and a verification mail.

    The user cannot log in until the e-mail address is verified through the signed link (see `email_verify`).
    If the address already has an account nothing is created (None) and its owner gets an e-mail saying someone
    tried to register with it; the caller answers exactly as for a new sign-up.
    """
    if not consent_privacy:
        raise ValidationError({"consent_privacy": _("Please agree to the privacy policy.")})
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # The same answer as a new sign-up (nobody learns who has an account); the owner is told instead.
        _signup_attempt_notify(user=existing, base_url=base_url)
        return None
    with transaction.atomic():
        user = User(
            email=email,
            family_name=family_name.strip(),
            given_name=given_name.strip(),
            family_name_kana=family_name_kana.strip(),
            given_name_kana=given_name_kana.strip(),
            family_name_en=family_name_en.strip(),
            given_name_en=given_name_en.strip(),
            preferred_language=preferred_language,
            is_active=False,  # until the e-mail address is verified
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        org = organisation_create_for_startup(
            user=user,
            name=organisation_name,
            name_kana=organisation_name_kana,
            name_en=organisation_name_en,
            prefecture=prefecture,
            corporate_number=corporate_number,
        )
        consent_record(user=user, version=settings.PRIVACY_POLICY_VERSION, ip_address=ip_address)
        record(actor=None, action="accounts.startup_registered", obj=user, organisation=org.pk)
    email_verification_send(user=user, base_url=base_url)
    return Registration(user=user, organisation=org)


def _signup_attempt_notify(*, user: User, base_url: str | None) -> None:
    """Tell an account's owner that someone tried to register with their address, or send a never-verified account
    a new verification link; at most RATE_LIMIT_SIGNUP_EXISTING mails per account (the sign-up form must not become
    a way to flood a mailbox)."""
    if ratelimit.hit("signup_existing", f"account:{user.pk}") is not None:
        return
    record(actor=None, action="accounts.signup_attempt_existing", obj=user)
    if user.email_verified_at is None and not user.is_active:
        # Registered before but never verified: most likely the same person who lost the first mail.
        email_verification_send(user=user, base_url=base_url)
        return
    with translation.override(user.preferred_language):
        login_path = reverse("accounts:login")
        reset_path = reverse("accounts:password_reset")
    _send(
        to=user.email,
        language=user.preferred_language,
        subject_template="accounts/email/signup_existing_subject.txt",
        body_template="accounts/email/signup_existing_body.txt",
        context={
            "user": user,
            "login_url": _absolute(base_url, login_path),
            "reset_url": _absolute(base_url, reset_path),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )


# ---------------------------------------------------------------------------------------------- e-mail verification


def email_verification_token(user: User) -> str:
    return signing.TimestampSigner(salt=EMAIL_VERIFY_SALT).sign(str(user.pk))


def email_verification_send(*, user: User, base_url: str | None = None) -> None:
    """Mail a fresh signed verification link to an unverified user (no-op once verified)."""
    if user.email_verified_at is not None:
        return
    _mail_link(
        user,
        url_name="accounts:verify_email",
        token=email_verification_token(user),
        template="verify",
        base_url=base_url,
        days=settings.EMAIL_VERIFICATION_MAX_AGE // 86400,
    )


def email_verify(*, token: str) -> User:
    """Check a verification link and activate its user. Raises TokenExpired or TokenInvalid.

    Verifying twice is harmless: the second time returns the already-active user.
    """
    user_pk = _unverify_token(token, salt=EMAIL_VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_pk).first()
        if user is None:
            raise TokenInvalid
        if user.email_verified_at is not None:
            return user
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.full_clean()
        user.save(update_fields=["email_verified_at", "is_active"])
        record(actor=user, action="accounts.email_verified", obj=user)
    return user


def email_verification_resend(*, email: str, base_url: str | None = None) -> None:
    """Send a new link if an unverified account has this address; silent otherwise (no account enumeration)."""
    user = User.objects.filter(
        email__iexact=(email or "").strip(), email_verified_at__isnull=True, is_active=False
    ).first()
    if user is not None:
        email_verification_send(user=user, base_url=base_url)


# ---------------------------------------------------------------------------------------------- invitations


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_send(*, invitation: Invitation, language: str = "ja", base_url: str | None = None) -> None:
    with translation.override(language):
        path = reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation)})
    _send(
        to=invitation.email,
        language=language,
        subject_template="accounts/email/invitation_subject.txt",
        body_template="accounts/email/invitation_body.txt",
        context={
            "invitation": invitation,
            "url": _absolute(base_url, path),
            "days": settings.INVITATION_MAX_AGE // 86400,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )


def invitation_create(
    *,
    invited_by: User,
    email: str,
    organisation: Organisation,
    role: str = Membership.Role.MEMBER,
    language: str = "ja",
    base_url: str | None = None,
) -> Invitation:
    """Ministry staff invite someone to a municipality or the ministry; the invitee gets a signed link."""
    require(permissions.can_invite(invited_by, organisation))
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(user__email__iexact=email, organisation=organisation).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    invitation = Invitation(email=email, organisation=organisation, role=role, invited_by=invited_by)
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        record(actor=invited_by, action="accounts.invitation_created", obj=invitation, role=role)
    invitation_send(invitation=invitation, language=language, base_url=base_url)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link points to. Raises TokenExpired or TokenInvalid (also when already accepted)."""
    pk = _unverify_token(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None or invitation.accepted_at is not None:
        raise TokenInvalid
    return invitation


def invitation_accept(
    *,
    token: str,
    password: str,
    family_name: str,
    given_name: str,
    family_name_kana: str = "",
    given_name_kana: str = "",
    family_name_en: str = "",
    given_name_en: str = "",
    preferred_language: str = "ja",
    ip_address: str | None = None,
) -> User:
    """Accept an invitation: create (or complete) the account, join the organisation, open the admin to them.

    The link proves the e-mail address, so the account is verified. Municipality and ministry users get admin
    access (is_staff) and the Wagtail group of their organisation's kind.
    """
    with transaction.atomic():
        invitation = invitation_from_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise TokenInvalid
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User(email=invitation.email)
        user.family_name = family_name.strip()
        user.given_name = given_name.strip()
        user.family_name_kana = family_name_kana.strip()
        user.given_name_kana = given_name_kana.strip()
        user.family_name_en = family_name_en.strip()
        user.given_name_en = given_name_en.strip()
        user.preferred_language = preferred_language
        user.is_active = True
        user.is_staff = invitation.organisation.kind != Organisation.Kind.STARTUP
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.set_password(password)
        user.full_clean()
        user.save()
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        staff_groups_sync(user=user)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        consent_record(user=user, ip_address=ip_address)
        _sync_admin_language(user)
        permissions.forget_cached_memberships(user)
        record(actor=user, action="accounts.invitation_accepted", obj=invitation, membership=membership.pk)
    return user


# ---------------------------------------------------------------------------------------------- memberships


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make a member an administrator or a plain member. An organisation always keeps one administrator."""
    require(permissions.can_manage_members(actor, membership.organisation))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        old = membership.role
        if old == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
            _ensure_another_admin(membership)
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
        record(actor=actor, action="accounts.membership_role_changed", obj=membership, old=old, new=role)
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member from an organisation (their account stays). The last administrator cannot be removed."""
    require(permissions.can_manage_members(actor, membership.organisation))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Membership.Role.ADMIN:
            _ensure_another_admin(membership)
        record(
            actor=actor,
            action="accounts.membership_removed",
            obj=membership.organisation,
            user=membership.user_id,
            role=membership.role,
        )
        membership.delete()
        staff_groups_sync(user=membership.user)
    permissions.forget_cached_memberships(membership.user)


def _ensure_another_admin(membership: Membership) -> None:
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(_("An organisation needs at least one administrator."))


def user_set_language(*, user: User, language: str) -> None:
    """Remember the language a signed-in user chose (the site and e-mails use it)."""
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return
    with transaction.atomic():
        user.preferred_language = language
        user.full_clean()
        user.save(update_fields=["preferred_language"])
        _sync_admin_language(user)
        record(actor=user, action="accounts.language_changed", obj=user, language=language)


# ---------------------------------------------------------------------------------------------- login unlock


def login_unlock_request(*, email: str, base_url: str | None = None, request=None) -> None:
    """Mail the owner of `email` a one-time link that lifts the failed-login lock; silent if there is no such
    active account (the same answer either way: no account enumeration)."""
    user = User.objects.filter(email__iexact=throttle.normalise_email(email), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        unlock = LoginUnlock(user=user)
        unlock.full_clean()
        unlock.save()
        record(actor=None, action="accounts.login_unlock_sent", obj=user, request=request)
    token = signing.TimestampSigner(salt=LOGIN_UNLOCK_SALT).sign(str(unlock.pk))
    _mail_link(
        user,
        url_name="accounts:login_unlock",
        token=token,
        template="login_unlock",
        base_url=base_url,
        minutes=settings.LOGIN_UNLOCK_MAX_AGE // 60,
    )


def login_unlock_check(*, token: str) -> LoginUnlock:
    """The unused unlock a link points to. Raises TokenExpired or TokenInvalid (also when already used)."""
    pk = _unverify_token(token, salt=LOGIN_UNLOCK_SALT, max_age=settings.LOGIN_UNLOCK_MAX_AGE)
    unlock = LoginUnlock.objects.select_related("user").filter(pk=pk, used_at__isnull=True).first()
    if unlock is None:
        raise TokenInvalid
    return unlock


def login_unlock_use(*, token: str, request=None) -> User:
    """Follow an unlock link: once only. Clears the account's failed-login ceiling and its count from this address.

    The view then gives this browser a signed cookie that exempts it from the per-account ceiling.
    """
    unlock = login_unlock_check(token=token)
    with transaction.atomic():
        # The conditional update is the single-use guarantee: of two concurrent uses one updates the row.
        if not LoginUnlock.objects.filter(pk=unlock.pk, used_at__isnull=True).update(used_at=timezone.now()):
            raise TokenInvalid
        record(actor=None, action="accounts.login_unlocked", obj=unlock.user, request=request)
    throttle.forget_account(unlock.user.email, request)
    return unlock.user


# ---------------------------------------------------------------------------------------------- e-mail address change


def email_change_request(
    *, user: User, new_email: str, actor: User | None, base_url: str | None = None, request=None
) -> EmailChange:
    """Start changing `user`'s e-mail address (by the user on the site, or by an administrator in the admin).

    Nothing changes yet: a link goes to the new address and the change applies when it is followed
    (`email_change_confirm`); the old address is told now. An address another account uses is refused.
    """
    new_email = User.objects.normalize_email(new_email or "").strip().lower()
    if new_email == user.email.lower():
        raise ValidationError({"new_email": _("This is already your e-mail address.")})
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError({"new_email": _("This e-mail address cannot be used.")}, code="taken")
    change = EmailChange(user=user, new_email=new_email, requested_by=actor)
    change.full_clean()
    with transaction.atomic():
        change.save()
        record(
            actor=actor,
            action="accounts.email_change_requested",
            obj=user,
            request=request,
            new_email=new_email,
            old_email=user.email,
        )
    token = signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).sign(str(change.pk))
    with translation.override(user.preferred_language):
        path = reverse("accounts:email_change_confirm", kwargs={"token": token})
    context = {
        "user": user,
        "old_email": user.email,
        "new_email": new_email,
        "url": _absolute(base_url, path),
        "days": settings.EMAIL_VERIFICATION_MAX_AGE // 86400,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    _send(
        to=new_email,
        language=user.preferred_language,
        subject_template="accounts/email/email_change_subject.txt",
        body_template="accounts/email/email_change_body.txt",
        context=context,
    )
    _send(
        to=user.email,
        language=user.preferred_language,
        subject_template="accounts/email/email_change_notice_subject.txt",
        body_template="accounts/email/email_change_notice_body.txt",
        context=context,
    )
    return change


def email_change_confirm(*, token: str, request=None) -> User:
    """Follow the link mailed to the new address: the change applies, once. Raises TokenExpired or TokenInvalid
    (also when already used, superseded by a newer request, or the address was taken meanwhile)."""
    pk = _unverify_token(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    with transaction.atomic():
        change = EmailChange.objects.select_for_update().filter(pk=pk, confirmed_at__isnull=True).first()
        if change is None:
            raise TokenInvalid
        newer = EmailChange.objects.filter(user_id=change.user_id, created_at__gt=change.created_at).exists()
        user = User.objects.select_for_update().get(pk=change.user_id)
        if newer or User.objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
            raise TokenInvalid
        old_email = user.email
        user.email = change.new_email
        user.full_clean()
        user.save(update_fields=["email"])
        change.confirmed_at = timezone.now()
        change.save(update_fields=["confirmed_at"])
        record(
            actor=user,
            action="accounts.email_changed",
            obj=user,
            request=request,
            old_email=old_email,
            new_email=user.email,
        )
    _send(
        to=old_email,
        language=user.preferred_language,
        subject_template="accounts/email/email_changed_subject.txt",
        body_template="accounts/email/email_changed_body.txt",
        context={
            "user": user,
            "old_email": old_email,
            "new_email": user.email,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    return user
