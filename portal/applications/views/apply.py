"""A startup's applications on the site: start, edit, attach, submit, withdraw, download. Thin: rules and services decide.

Another startup's application answers 404 (selectors.application_for), never a hint that it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.challenges.models import ChallengePage
from portal.challenges.questions import questions_of
from portal.core import ratelimit
from portal.core.ratelimit import rate_limited

from .. import eligibility, next_steps, selectors, services
from .. import permissions as rules
from ..forms import AnswersForm, ApplicationFilesForm, ApplicationForm, AttachmentForm, PreferenceForm
from ..models import ApplicationState
from ..uploads import MAX_APPLICATION_BYTES
from .common import messages_of, paginate, refused, startup_or_none


@login_required
def my_applications(request):
    organisation = startup_or_none(request)
    if organisation is None:
        return refused(request, _("Only startup members can apply."))
    paginator, page = paginate(request, selectors.applications_of_startup(organisation))
    return render(
        request,
        "applications/my_applications.html",
        {"applications": page, "paginator": paginator, "organisation": organisation, "for_startup": True},
    )


@login_required
@rate_limited("application", key="user")
def apply_start(request, challenge_id: int):
    challenge = ChallengePage.objects.filter(pk=challenge_id).first()
    if challenge is None:
        raise Http404
    organisation = startup_or_none(request)
    existing = selectors.existing_application(organisation, challenge)
    if existing is not None:
        messages.info(request, _("Your organisation has already applied to this challenge."))
        return redirect("applications:detail", pk=existing.pk)
    allowed, reason = rules.can_apply_to(request.user, challenge)
    if not allowed:
        return refused(request, reason, status=404 if not challenge.live else 403)
    form = ApplicationForm(request.POST or None, startup=organisation)
    files_form = ApplicationFilesForm(request.POST or None, request.FILES or None)
    answers_form = AnswersForm(request.POST or None, request.FILES or None, questions=questions_of(challenge))
    if request.method == "POST" and _all_valid(form, files_form, answers_form):
        try:
            application = services.application_start(
                challenge=challenge,
                actor=request.user,
                answers=answers_form.text_answers(),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            existing = selectors.existing_application(organisation, challenge)
            for m in messages_of(error):
                messages.error(request, m)
            if existing is not None:
                return redirect("applications:detail", pk=existing.pk)
        else:
            files_saved = _save_files(request, application, files_form, answers_form)
            if "submit" in request.POST and files_saved:
                return _submit(request, application)
            messages.success(request, _("Your draft has been saved."))
            return redirect("applications:edit", pk=application.pk)
    _files_not_kept(request, files_form, answers_form)
    return render(
        request,
        "applications/application_form.html",
        _form_context(challenge, None, form, files_form, answers_form, organisation),
    )


def _all_valid(*forms) -> bool:
    return all([f.is_valid() for f in forms])  # a list, not a generator: every form shows its errors


def _form_context(challenge, application, form, files_form, answers_form, organisation) -> dict:
    total = sum(a.size for a in application.attachments.all()) if application else 0
    conditions = eligibility.eligibility_for(organisation, challenge)
    return {
        "form": form,
        "files_form": files_form,
        "answers_form": answers_form,
        "conditions": conditions,
        "eligible": all(c.met for c in conditions),
        "application": application,
        "for_startup": True,
        "challenge": challenge,
        "attachments_total_mb": f"{total / 1048576:.1f}",
        "attachments_limit_mb": MAX_APPLICATION_BYTES // 1048576,
        "deadline": next_steps.deadline_label(challenge.application_closes),
        "time_left": next_steps.time_left(challenge.application_closes),
    }


def _save_files(request, application, files_form, answers_form) -> bool:
    """After the text is saved: remove the file asked for, attach the files chosen (and the files answering the
    challenge's file questions). False if a file was refused."""
    saved = True
    for question_id, uploaded in answers_form.file_answers().items():
        try:
            services.answer_file_set(
                application=application, actor=request.user, question_id=question_id, uploaded=uploaded
            )
        except ValidationError as error:
            saved = False
            for m in messages_of(error):
                messages.error(request, f"{uploaded.name}: {m}")
        else:
            messages.success(request, _("“%(name)s” has been attached.") % {"name": uploaded.name})
    remove = request.POST.get("remove_attachment", "")
    if remove.isdigit():
        attachment = application.attachments.filter(pk=int(remove)).first()
        if attachment is not None:
            try:
                services.attachment_remove(attachment=attachment, actor=request.user)
            except ValidationError as error:
                saved = False
                for m in messages_of(error):
                    messages.error(request, m)
            else:
                messages.success(request, _("The file has been removed."))
    for uploaded in files_form.cleaned_data["files"]:
        try:
            attachment = services.attachment_add(
                application=application, actor=request.user, uploaded=uploaded
            )
        except ValidationError as error:
            saved = False
            for m in messages_of(error):
                messages.error(request, f"{uploaded.name}: {m}")
        else:
            messages.success(request, _("“%(name)s” has been attached.") % {"name": attachment.original_name})
    return saved


def _files_not_kept(request, files_form, answers_form) -> None:
    """A browser cannot send back chosen files with a form that had errors: say so next to the file field."""
    if request.method == "POST" and request.FILES and files_form.is_bound and not files_form.errors:
        files_form.add_error("files", _("Correct the errors above, then choose the files again."))
    if request.method == "POST" and answers_form.is_bound:
        for name in answers_form.fields:
            if name in request.FILES and not answers_form.errors.get(name):
                answers_form.add_error(name, _("Correct the errors above, then choose the files again."))


@login_required
def detail(request, pk: int):
    application = selectors.application_for(request.user, pk)
    member = rules.is_member_of_applicant(request.user, application)
    matched = member and application.state == ApplicationState.MATCHED
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "is_applicant": member,
            "for_startup": member,  # the state badge says what the startup must do next
            "deadline": next_steps.deadline_label(application.challenge.application_closes),
            "time_left": next_steps.time_left(application.challenge.application_closes),
            # What a match becomes (the tracker's engagement): the startup's next steps start there.
            "engagement": application.engagements.order_by("pk").first() if matched else None,
            "can_edit": rules.can_edit_application(request.user, application)[0],
            "can_withdraw": rules.can_withdraw(request.user, application)[0],
            "preference_rule": rules.can_set_preference(request.user, application) if member else None,
        },
    )


@login_required
def edit(request, pk: int):
    application = selectors.application_for(request.user, pk)
    if not rules.is_member_of_applicant(request.user, application):
        raise Http404
    submitting = request.method == "POST" and "submit" in request.POST
    if request.method == "POST" and submitting and application.state == ApplicationState.SUBMITTED:
        # A second click on "submit": already done, nothing to change.
        messages.info(request, _("This application has already been submitted."))
        return redirect("applications:detail", pk=pk)
    if submitting and (refused := ratelimit.check(request, "application", key="user")):
        return refused
    allowed, reason = rules.can_edit_application(request.user, application)
    if not allowed:
        messages.error(request, reason)
        return redirect("applications:detail", pk=pk)
    form = ApplicationForm(request.POST or None, instance=application, startup=application.startup)
    files_form = ApplicationFilesForm(request.POST or None, request.FILES or None)
    answers_form = AnswersForm(
        request.POST or None,
        request.FILES or None,
        questions=questions_of(application.challenge),
        answers=eligibility.answers_by_question(application),
    )
    if request.method == "POST" and _all_valid(form, files_form, answers_form):
        try:
            services.application_update(
                application=application,
                actor=request.user,
                answers=answers_form.text_answers(),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            if submitting and _already_submitted(request, application):
                return redirect("applications:detail", pk=pk)
            for m in messages_of(error):
                messages.error(request, m)
            return redirect("applications:detail", pk=pk)
        files_saved = _save_files(request, application, files_form, answers_form)
        if submitting and files_saved:
            return _submit(request, application)
        messages.success(request, _("Your draft has been saved."))
        return redirect("applications:edit", pk=pk)
    _files_not_kept(request, files_form, answers_form)
    return render(
        request,
        "applications/application_form.html",
        _form_context(
            application.challenge, application, form, files_form, answers_form, application.startup
        ),
    )


def _already_submitted(request, application) -> bool:
    application.refresh_from_db(fields=["state"])
    if application.state == ApplicationState.SUBMITTED:
        messages.info(request, _("This application has already been submitted."))
        return True
    return False


def _submit(request, application):
    try:
        changed = services.application_submit(application=application, actor=request.user)
    except ValidationError as error:
        for m in messages_of(error):
            messages.error(request, m)
        # The draft (and its files) stay as they are; the user can fix and try again.
        return redirect(
            "applications:edit" if application.is_editable else "applications:detail", pk=application.pk
        )
    if changed:
        messages.success(request, _("Your application has been submitted."))
    else:
        messages.info(request, _("This application has already been submitted."))
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
@rate_limited("application", key="user")
def submit(request, pk: int):
    application = selectors.application_for(request.user, pk)
    if not rules.is_member_of_applicant(request.user, application):
        raise Http404
    return _submit(request, application)


@login_required
@require_POST
def preference(request, pk: int):
    """Set or change the application's rank (第1–第3希望) among the startup's applications in its round."""
    application = selectors.application_for(request.user, pk)
    if not rules.is_member_of_applicant(request.user, application):
        raise Http404
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.application_set_preference(
                application=application, rank=form.cleaned_data["rank"], by=request.user
            )
        except ValidationError as error:
            for m in messages_of(error):
                messages.error(request, m)
        else:
            if application.preference:
                messages.success(
                    request,
                    _("“%(challenge)s” is now your %(rank)s.")
                    % {
                        "challenge": application.challenge.title,
                        "rank": application.get_preference_display(),
                    },
                )
            else:
                messages.success(
                    request,
                    _("“%(challenge)s” is no longer ranked.") % {"challenge": application.challenge.title},
                )
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return HttpResponseRedirect(_next_or_detail(request, application))


def _next_or_detail(request, application) -> str:
    """Back to the list the form was on (My page or the applications list), else the application."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("applications:detail", args=[application.pk])


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """GET asks for confirmation (withdrawing is final: the organisation cannot apply to the challenge again)."""
    application = selectors.application_for(request.user, pk)
    if not rules.is_member_of_applicant(request.user, application):
        raise Http404
    if request.method == "GET":
        allowed, reason = rules.can_withdraw(request.user, application)
        if not allowed:
            messages.error(request, reason)
            return redirect("applications:detail", pk=pk)
        return render(request, "applications/withdraw_confirm.html", {"application": application})
    try:
        services.application_withdraw(application=application, actor=request.user)
    except ValidationError as error:
        for m in messages_of(error):
            messages.error(request, m)
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request, pk: int):
    application = selectors.application_for(request.user, pk)
    if not rules.is_member_of_applicant(request.user, application):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                application=application, actor=request.user, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as error:
            for m in messages_of(error):
                messages.error(request, m)
        else:
            messages.success(request, _("“%(name)s” has been attached.") % {"name": attachment.original_name})
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("applications:edit" if application.is_editable else "applications:detail", pk=pk)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    attachment = selectors.attachment_for(request.user, pk, attachment_pk)
    if not rules.is_member_of_applicant(request.user, attachment.application):
        raise Http404
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except ValidationError as error:
        for m in messages_of(error):
            messages.error(request, m)
    else:
        messages.success(request, _("The file has been removed."))
    return redirect(
        "applications:edit" if attachment.application.is_editable else "applications:detail", pk=pk
    )


def attachment_download(request, pk: int, attachment_pk: int):
    """Serve a private file to those who may see the application: always as a download, never sniffed."""
    if not request.user.is_authenticated:
        raise Http404
    attachment = selectors.attachment_for(request.user, pk, attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
