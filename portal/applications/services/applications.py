"""An application's life: start a draft, edit it, attach files, submit, and every state change after.

draft → submitted → shortlisted → matched | declined | withdrawn, plus "more information requested" (the startup
may edit and resubmit). Each change: its permission rule (refusals raise ApplicationRefused with the rule's
reason), the row locked and re-checked inside one transaction, an audit event, and a notification.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.selectors import active_members
from portal.challenges.models import ChallengePage
from portal.core.audit import record
from portal.core.decisions import Decision, require
from portal.core.i18n import localized
from portal.core.notifications import notify
from portal.core.storage import storage_error

from .. import permissions as rules
from ..models import Application, ApplicationAttachment, ApplicationState, TeamMember
from ..signals import info_requested
from ..uploads import check_upload
from ..workflow import APPLICATION
from .answers import save_answers

PROPOSAL_FIELDS = ("approach", "expected_outcome", "timeline", "cost_estimate_yen", "needs_from_municipality")


class ApplicationRefused(ValidationError):
    """A permission rule said no; the message is the rule's reason, ready for the user."""


def _check(decision: Decision) -> None:
    require(decision, refusal=ApplicationRefused)


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("challenge", "startup", "challenge__municipality")
        .get(pk=application.pk)
    )


def _sync(target: Application, source: Application) -> Application:
    for field in (
        "state",
        "submitted_at",
        "decided_at",
        "decision_reason",
        "info_request",
        "preference",
        "preference_year",
        "updated_at",
    ):
        setattr(target, field, getattr(source, field))
    return target


# --------------------------------------------------------------------------------------------- who is told


def startup_members(application: Application) -> list[User]:
    return active_members(application.startup_id)


def municipality_staff(application: Application) -> list[User]:
    return active_members(application.challenge.municipality_id)


def _tell(recipients: Iterable[User], *, kind: str, params: dict, url_for: Callable[[], str]) -> None:
    """notify() per language group, so each link carries the recipient's language prefix (the text itself is
    rendered in the reader's language when read: applications/notices.py)."""
    by_language: dict[str, list[User]] = {}
    for user in recipients:
        by_language.setdefault(user.preferred_language or "ja", []).append(user)
    for language, group in by_language.items():
        with translation.override(language):
            url = url_for()
        notify(group, kind=kind, params=params, url=url)


def _site_url(application: Application) -> Callable[[], str]:
    return lambda: reverse("applications:detail", args=[application.pk])


def _admin_url(application: Application) -> Callable[[], str]:
    return lambda: reverse("applications_review", args=[application.pk])


def _title_args(application: Application) -> dict:
    """The notification parameters naming the challenge and the startup (in each language)."""
    return {"challenge": localized(application.challenge, "title"), "startup": application.startup}


# --------------------------------------------------------------------------------------------- drafts


def application_start(
    *,
    challenge: ChallengePage,
    actor: User,
    team: Iterable[TeamMember] = (),
    answers: dict | None = None,
    **fields,
) -> Application:
    """Create the startup's draft application for an open challenge. One per startup and challenge.

    `answers` (question id → text) answers the challenge's own questions (services/answers.py)."""
    _check(rules.can_apply_to(actor, challenge))
    startup = rules.startup_of(actor)
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    application = Application(challenge=challenge, startup=startup, created_by=actor, **fields)
    try:
        with transaction.atomic():
            application.full_clean()
            application.save()
            application.team.set(_own_team(application, team))
            answered = save_answers(application=application, answers=answers or {})
            record(
                actor=actor,
                action="application.start",
                obj=application,
                challenge=challenge.pk,
                **({"answers": answered} if answered else {}),
            )
    except IntegrityError as exc:  # a second click or a second tab got there first
        raise ApplicationRefused(
            _("Your organisation has already applied to this challenge."), code="duplicate"
        ) from exc
    return application


def _own_team(application: Application, team: Iterable[TeamMember]) -> list[TeamMember]:
    members = list(team)
    if any(m.profile.organisation_id != application.startup_id for m in members):
        raise ValidationError({"team": _("Choose members of your own team.")})
    return members


def application_update(
    *,
    application: Application,
    actor: User,
    team: Iterable[TeamMember] | None = None,
    answers: dict | None = None,
    **fields,
) -> Application:
    """Change the proposal of a draft (or of an application the municipality asked more information about),
    and its answers to the challenge's own questions (`answers`: question id → text)."""
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(application)
        _check(rules.can_edit_application(actor, locked))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        if team is not None:
            locked.team.set(_own_team(locked, team))
        answered = save_answers(application=locked, answers=answers or {})
        record(
            actor=actor,
            action="application.update",
            obj=locked,
            fields=sorted(fields),
            **({"answers": answered} if answered else {}),
        )
    for name in fields:
        setattr(application, name, getattr(locked, name))
    return _sync(application, locked)


# --------------------------------------------------------------------------------------------- attachments


def attachment_add(*, application: Application, actor: User, uploaded) -> ApplicationAttachment:
    """Attach one file after checking its size, the application's total and its content (not its name)."""
    with transaction.atomic():
        locked = _locked(application)
        _check(rules.can_edit_application(actor, locked))
        stored = locked.attachments.aggregate(total=Sum("size"))["total"] or 0
        checked = check_upload(uploaded, already_stored_bytes=stored)
        attachment = ApplicationAttachment(
            application=locked,
            original_name=(getattr(uploaded, "name", "") or "file")[:255],
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=actor,
        )
        uploaded.seek(0)
        try:
            attachment.file.save(f"{uuid.uuid4().hex}.{checked.extension}", uploaded, save=False)
        except (
            OSError
        ) as exc:  # disk full, …: the storage kept nothing, the draft and other files are unchanged
            raise storage_error(exc) from exc
        try:
            attachment.full_clean()
            attachment.save()
            record(
                actor=actor,
                action="application.attachment_add",
                obj=locked,
                attachment=attachment.pk,
                name=attachment.original_name,
                size=attachment.size,
                content_type=attachment.content_type,
            )
        except Exception:
            attachment.file.delete(save=False)  # no orphan file when the row is not saved
            raise
    return attachment


def attachment_remove(*, attachment: ApplicationAttachment, actor: User) -> None:
    with transaction.atomic():
        locked = _locked(attachment.application)
        _check(rules.can_edit_application(actor, locked))
        name = attachment.file.name
        storage = attachment.file.storage
        record(actor=actor, action="application.attachment_remove", obj=locked, name=attachment.original_name)
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --------------------------------------------------------------------------------------------- the startup's moves


def application_submit(*, application: Application, actor: User, now=None) -> bool:
    """Submit (or, after a request for more information, resubmit). Returns False if it was already submitted.

    Idempotent: a second click finds the application submitted and changes nothing. After the challenge's
    deadline (JST instants compared server-side) a first submission is refused; the draft stays as it is.
    """
    with transaction.atomic():
        locked = _locked(application)
        if locked.state == ApplicationState.SUBMITTED and rules.is_member_of_applicant(actor, locked):
            _sync(application, locked)
            return False
        _check(rules.can_submit(actor, locked, now=now))
        resubmission = locked.state == ApplicationState.MORE_INFO
        APPLICATION.move(locked, "submit")
        locked.submitted_at = locked.submitted_at or (now or timezone.now())
        locked.full_clean()
        locked.save()
        record(actor=actor, action="application.submit", obj=locked, resubmission=resubmission)
        args = _title_args(locked)
        _tell(startup_members(locked), kind="application.submitted", params=args, url_for=_site_url(locked))
        _tell(
            municipality_staff(locked),
            kind="application.received",
            params=args | ({"variant": "resubmitted"} if resubmission else {}),
            url_for=_admin_url(locked),
        )
    _sync(application, locked)
    return True


def application_withdraw(*, application: Application, actor: User) -> Application:
    with transaction.atomic():
        locked = _locked(application)
        _check(rules.can_withdraw(actor, locked))
        previous = APPLICATION.move(locked, "withdraw")
        locked.decided_at = timezone.now()
        # A withdrawn application no longer holds a rank: the startup may give it to another application.
        locked.preference = locked.preference_year = None
        locked.save()
        record(actor=actor, action="application.withdraw", obj=locked, previous=previous)
        args = _title_args(locked)
        _tell(
            municipality_staff(locked), kind="application.withdrawn", params=args, url_for=_admin_url(locked)
        )
    return _sync(application, locked)


# --------------------------------------------------------------------------------------------- the municipality's


def _decide(*, application, actor, rule, transition, action, reason, kind) -> Application:
    with transaction.atomic():
        locked = _locked(application)
        _check(rule(actor, locked))
        previous = APPLICATION.move(locked, transition)
        state = locked.state
        if state == ApplicationState.MORE_INFO:
            locked.info_request = reason
        else:
            locked.decision_reason = reason
        if state in {ApplicationState.MATCHED, ApplicationState.DECLINED}:
            locked.decided_at = timezone.now()
        locked.full_clean()
        locked.save()
        record(actor=actor, action=action, obj=locked, previous=previous, reason=reason)
        if state == ApplicationState.MORE_INFO:
            # The request becomes a message in the application's thread, where the startup answers it.
            info_requested.send(sender=Application, application=locked, actor=actor, message=reason)
        _tell(
            startup_members(locked),
            kind=kind,
            params=_title_args(locked) | {"text": reason},
            url_for=_site_url(locked),
        )
    return _sync(application, locked)


def application_shortlist(*, application: Application, actor: User, reason: str = "") -> Application:
    """The municipality puts a submitted application on its shortlist (the reason, if any, is shown to the startup)."""
    return _decide(
        application=application,
        actor=actor,
        rule=rules.can_shortlist,
        transition="shortlist",
        action="application.shortlist",
        reason=reason.strip(),
        kind="application.shortlisted",
    )


def application_decline(*, application: Application, actor: User, reason: str) -> Application:
    """Decline with a reason the startup sees (required: selection without tender must be explainable)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give the startup a reason.")})
    return _decide(
        application=application,
        actor=actor,
        rule=rules.can_decline,
        transition="decline",
        action="application.decline",
        reason=reason.strip(),
        kind="application.declined",
    )


def application_request_more_info(*, application: Application, actor: User, message: str) -> Application:
    """Ask the startup for more: it may then edit its application and resubmit (even after the deadline)."""
    if not (message or "").strip():
        raise ValidationError({"message": _("Please say what information you need.")})
    return _decide(
        application=application,
        actor=actor,
        rule=rules.can_request_more_info,
        transition="request_more_info",
        action="application.request_more_info",
        reason=message.strip(),
        kind="application.more_info",
    )


def application_mark_matched(*, application: Application, actor: User | None) -> Application:
    """Record that the application became a match. Public API for the matching module (actor None = the system).

    Both sides are told: the startup, and the municipality's staff.
    """
    matched = _decide(
        application=application,
        actor=actor,
        rule=rules.can_mark_matched,
        transition="match",
        action="application.match",
        reason="",
        kind="application.matched",
    )
    args = _title_args(matched)
    with transaction.atomic():
        _tell(
            municipality_staff(matched),
            kind="application.matched",
            params=args | {"variant": "staff"},
            url_for=_admin_url(matched),
        )
    return matched
