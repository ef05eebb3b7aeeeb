"""Questions and conversations on the site. Thin: rules, selectors and services decide.

Whatever is outside the user's scope (another startup's or municipality's thread, a draft, an attachment of an
internal note) answers 404. A refused or invalid post comes back with what was typed and the reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.challenges.models import ChallengePage
from portal.core.ratelimit import rate_limited

from .. import permissions as rules
from .. import selectors, services
from ..forms import MessageForm, PreferenceForm, QuestionForm

PAGE_SIZE = 20


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _live_challenge(challenge_id: int) -> ChallengePage:
    challenge = ChallengePage.objects.live().filter(pk=challenge_id).select_related("municipality").first()
    if challenge is None:
        raise Http404
    return challenge


# --------------------------------------------------------------------------------------------- questions


@login_required
@rate_limited("question", key="user")
def ask(request, challenge_id: int):
    """Ask a question about a published challenge (the form page; errors come back here with the text)."""
    challenge = _live_challenge(challenge_id)
    allowed, reason = rules.can_ask(request.user, challenge)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.question_ask(challenge=challenge, actor=request.user, text=form.cleaned_data["text"])
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your question has been sent. Once the municipality answers it, the answer is published "
                        "on this page without your name, and you are told."
                    ),
                )
                return redirect(challenge.url + "#questions")
        status = 400
    return render(
        request,
        "conversations/ask.html",
        {
            "challenge": challenge,
            "form": form,
            "allowed": allowed,
            "reason": reason,
            "closes_at": rules.questions_close_at(challenge),
        },
        status=status if allowed or request.method == "POST" else 403,
    )


@login_required
@require_POST
def follow(request, challenge_id: int):
    challenge = _live_challenge(challenge_id)
    wanted = request.POST.get("follow") == "1"
    try:
        services.challenge_follow(challenge=challenge, actor=request.user, follow=wanted)
    except ValidationError as error:
        for m in error.messages:
            messages.error(request, m)
    else:
        messages.success(
            request,
            _("You will be told of new answers to questions about this challenge.")
            if wanted
            else _("You will no longer be told of new answers about this challenge."),
        )
    return redirect(challenge.url + "#questions")


# --------------------------------------------------------------------------------------------- threads


@login_required
def thread_list(request):
    """The user's conversations, newest first, with their unread counts."""
    paginator = Paginator(selectors.threads_with_unread(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "conversations/thread_list.html", {"threads": page, "paginator": paginator})


def _thread_page(request, thread, *, back_url: str):
    allow_note = rules.can_add_note(request.user, thread)[0]
    form = MessageForm(request.POST or None, request.FILES or None, allow_note=allow_note)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if thread.pk is None:
                    about = {"application": thread.application} if thread.application_id else None
                    thread = (
                        services.thread_for_application(application=thread.application)
                        if about
                        else services.thread_for_engagement(engagement=thread.engagement)
                    )
                message = services.message_post(
                    thread=thread,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data.get("files") or [],
                    internal=bool(form.cleaned_data.get("internal")),
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                if getattr(message, "answered_info_request", False):
                    messages.success(
                        request,
                        _("Your reply has been sent; the municipality has the information it asked for."),
                    )
                else:
                    messages.success(request, _("Your message has been sent."))
                return redirect(request.path)
        status = 400
    elif thread.pk is not None:
        services.thread_mark_read(thread=thread, user=request.user)
    context = {
        "thread": thread,
        "thread_messages": selectors.thread_messages(request.user, thread),
        "form": form,
        "can_post": rules.can_post(request.user, thread)[0],
        "post_refusal": rules.can_post(request.user, thread)[1],
        "back_url": back_url,
        "title": services.threads.thread_title(thread),
    }
    return render(request, "conversations/thread.html", context, status=status)


@login_required
@rate_limited("message", key="user")
def application_thread(request, pk: int):
    thread = selectors.thread_about(request.user, application_pk=pk)
    return _thread_page(request, thread, back_url=reverse("applications:detail", args=[pk]))


@login_required
@rate_limited("message", key="user")
def engagement_thread(request, pk: int):
    thread = selectors.thread_about(request.user, engagement_pk=pk)
    return _thread_page(request, thread, back_url=reverse("tracker:engagement", args=[pk]))


def attachment(request, thread_pk: int, pk: int):
    """A message's file, to those who may read the message: always as a download, never sniffed."""
    if not request.user.is_authenticated:
        raise Http404
    found = selectors.attachment_for(request.user, thread_pk, pk)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def preferences(request):
    """How the user hears of new messages by e-mail."""
    form = PreferenceForm(
        request.POST or None, initial={"email": services.message_preference_of(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        services.message_preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Your choice has been saved."))
        return redirect("conversations:preferences")
    return render(
        request, "conversations/preferences.html", {"form": form}, status=400 if form.errors else 200
    )
