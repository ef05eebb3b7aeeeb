"""Staff screens in the Wagtail admin: questions to answer (a ModelViewSet list + one question's screen) and
conversations (a ModelViewSet list + one thread's screen, with internal notes).

Municipality staff see their own challenges' questions and their own organisation's threads; ministry staff all.
Nothing is added, edited or deleted through Wagtail's generic forms: every write is a service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.admin_listing import NoRowEditsIndexView
from portal.core.decisions import require
from portal.core.policies import ViewOnlyPolicy

from . import permissions as rules
from . import selectors, services
from .filters import QuestionFilter, ThreadFilter
from .forms import AnswerForm, HideForm, MergeForm, MessageForm, QuestionEditForm
from .models import Question, Thread
from .services.threads import thread_title

# --------------------------------------------------------------------------------------------- policies


class QuestionPolicy(ViewOnlyPolicy):
    """Staff may look at the list; answering and moderating are this module's own views."""

    def may_view(self, user):
        return rules.can_manage_questions(user)[0]

    def visible(self, user):
        return selectors.questions_for_staff(user)


class ThreadPolicy(ViewOnlyPolicy):
    def may_view(self, user):
        return rules.can_use_staff_inbox(user)[0]

    def visible(self, user):
        return selectors.visible_threads(user)


# --------------------------------------------------------------------------------------------- questions


class QuestionIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return selectors.questions_for_staff(self.request.user)

    def get_inspect_url(self, instance):
        return reverse("conversations_question", args=[instance.pk])


def _question_text(question) -> str:
    return question.text if len(question.text) <= 80 else question.text[:79] + "…"


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = gettext_lazy("Questions")
    menu_order = 252
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = QuestionIndexView
    filterset_class = QuestionFilter
    ordering = ["state", "-created_at"]
    exclude_form_fields = []

    @property
    def list_display(self):
        return [
            TitleColumn(
                "text",
                label=gettext_lazy("question"),
                accessor=_question_text,
                get_url=lambda obj: reverse("conversations_question", args=[obj.pk]),
            ),
            Column("challenge", label=gettext_lazy("challenge"), accessor="challenge.title"),
            Column("state", label=gettext_lazy("state"), accessor="get_state_display"),
            DateColumn("created_at", label=gettext_lazy("asked on"), sort_key="created_at"),
        ]


def question(request, pk: int):
    """One question: answer it (publishes it); the ministry also edits, merges or hides it."""
    require(rules.can_manage_questions(request.user))
    found = selectors.question_for_staff(request.user, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    post = request.POST if request.method == "POST" else None
    answer_form = AnswerForm(
        post if action == "answer" else None, initial={"answer": found.answer}, prefix="answer"
    )
    edit_form = QuestionEditForm(
        post if action == "edit" else None, initial={"text": found.text}, prefix="edit"
    )
    hide_form = HideForm(post if action == "hide" else None, prefix="hide")
    merge_form = MergeForm(post if action == "merge" else None, question=found, prefix="merge")
    forms_by_action = {"answer": answer_form, "edit": edit_form, "hide": hide_form, "merge": merge_form}
    status = 200
    if action in forms_by_action:
        form = forms_by_action[action]
        if form.is_valid():
            try:
                if action == "answer":
                    services.question_answer(
                        question=found, actor=request.user, answer=form.cleaned_data["answer"]
                    )
                    messages.success(request, _("The answer is published on the challenge page."))
                elif action == "edit":
                    services.question_edit(question=found, actor=request.user, text=form.cleaned_data["text"])
                    messages.success(request, _("The question has been changed."))
                elif action == "hide":
                    services.question_hide(
                        question=found, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The question has been hidden."))
                else:
                    services.question_merge(
                        question=found, into=form.cleaned_data["into"], actor=request.user
                    )
                    messages.success(request, _("The question has been merged."))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                return redirect("conversations_question", pk=pk)
        status = 400
    context = {
        "question": found,
        "answer_form": answer_form,
        "edit_form": edit_form,
        "hide_form": hide_form,
        "merge_form": merge_form,
        "can_answer": rules.can_answer(request.user, found)[0],
        "can_moderate": rules.can_moderate_question(request.user, found)[0],
        "closes_at": rules.questions_close_at(found.challenge),
        "header_title": _("Question"),
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("question:index"), "label": _("Questions")},
            {"url": "", "label": _question_text(found)},
        ],
    }
    return TemplateResponse(request, "conversations/admin/question.html", context, status=status)


# --------------------------------------------------------------------------------------------- conversations


class ThreadIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return selectors.threads_with_unread(self.request.user)

    def get_inspect_url(self, instance):
        return admin_thread_url(instance)


def admin_thread_url(thread: Thread) -> str:
    if thread.application_id:
        return reverse("conversations_application_thread", args=[thread.application_id])
    return reverse("conversations_engagement_thread", args=[thread.engagement_id])


def _with(thread: Thread) -> str:
    if thread.application_id:
        return f"{thread.application.startup} → {thread.application.challenge.title}"
    return f"{thread.engagement.startup} × {thread.engagement.municipality}"


class UnreadMessagesMenuItem(MenuItem):
    """The sidebar's "Messages" with the user's unread count: the admin's unread indicator (one query)."""

    def is_shown(self, request):
        return rules.can_use_staff_inbox(request.user)[0]

    def render_component(self, request):
        count = selectors.unread_message_count(request.user)
        label = f"{self.label} ({count})" if count else self.label
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class ThreadViewSet(ModelViewSet):
    model = Thread
    icon = "mail"
    menu_label = gettext_lazy("Messages")
    menu_order = 251
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ThreadIndexView
    filterset_class = ThreadFilter
    exclude_form_fields = []
    menu_item_class = UnreadMessagesMenuItem

    @property
    def list_display(self):
        return [
            TitleColumn(
                "about", label=gettext_lazy("conversation"), accessor=_with, get_url=admin_thread_url
            ),
            Column("unread", label=gettext_lazy("unread")),
            DateColumn("last_message_at", label=gettext_lazy("last message"), sort_key="last_message_at"),
        ]


def _admin_thread(request, thread: Thread):
    require(rules.can_use_staff_inbox(request.user))
    allow_note = rules.can_add_note(request.user, thread)[0]
    form = MessageForm(request.POST or None, request.FILES or None, allow_note=allow_note)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if thread.pk is None:
                    thread = (
                        services.thread_for_application(application=thread.application)
                        if thread.application_id
                        else services.thread_for_engagement(engagement=thread.engagement)
                    )
                services.message_post(
                    thread=thread,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data.get("files") or [],
                    internal=bool(form.cleaned_data.get("internal")),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Your internal note has been saved.")
                    if form.cleaned_data.get("internal")
                    else _("Your message has been sent."),
                )
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
        "about": _with(thread),
        "header_title": thread_title(thread),
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("message_thread:index"), "label": _("Messages")},
            {"url": "", "label": _with(thread)},
        ],
    }
    return TemplateResponse(request, "conversations/admin/thread.html", context, status=status)


def application_thread(request, pk: int):
    return _admin_thread(request, selectors.thread_about(request.user, application_pk=pk))


def engagement_thread(request, pk: int):
    return _admin_thread(request, selectors.thread_about(request.user, engagement_pk=pk))
