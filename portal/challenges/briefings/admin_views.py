"""Briefing sessions in the Wagtail admin: a ModelViewSet scoped to the user's municipality (the ministry sees all,
and alone the round-wide sessions), whose create and edit go through the services, and one session's screen:
its registrations, attendance (checkboxes, one POST) and cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.accounts.permissions import OrganisationScopedViewSetMixin, is_ministry, is_municipality_staff

from . import permissions as rules
from . import selectors, services
from .forms import AttendanceForm, BriefingSessionForm, CancelBriefingForm
from .models import BriefingSession


def _staff(user) -> bool:
    return is_ministry(user) or is_municipality_staff(user)


class BriefingPolicy(ModelPermissionPolicy):
    """Staff list, announce and edit sessions (scoped per object by the viewset and the services); a session is
    cancelled, never deleted."""

    def user_has_permission(self, user, action):
        return action in ("view", "add", "change") and _staff(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ("view", "change") and rules.can_manage_briefing(user, instance)[0]

    def instances_user_has_any_permission_for(self, user, actions):
        if not set(actions) & {"view", "change"}:
            return BriefingSession.objects.none()
        return selectors.sessions_for_staff(user)


def _service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else ("slides_upload" if field == "slides" else None)
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class BriefingCreateView(CreateView):
    def save_instance(self):
        return services.briefing_session_announce(
            actor=self.request.user,
            session=self.form.instance,
            slides=self.form.cleaned_data.get("slides_upload"),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            _service_errors(form, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class BriefingEditView(EditView):
    def save_instance(self):
        changes = {
            name: self.form.cleaned_data[name]
            for name in services.EDITABLE_FIELDS
            if name in self.form.cleaned_data
        }
        return services.briefing_session_update(
            actor=self.request.user,
            session=self.object,
            changes=changes,
            slides=self.form.cleaned_data.get("slides_upload"),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            _service_errors(form, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["briefing_url"] = reverse("briefings_admin_session", args=[self.object.pk])
        return context


class BriefingIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.sessions_for_staff(self.request.user)


def _seats(session) -> str:
    return f"{session.seats_taken()} / {session.capacity}"


def _belongs_to(session) -> str:
    return str(session.challenge.title) if session.challenge_id else str(session.round.title)


class BriefingViewSet(OrganisationScopedViewSetMixin, ModelViewSet):
    model = BriefingSession
    scope_org_field = "challenge__municipality"
    icon = "group"
    menu_label = gettext_lazy("Briefing sessions")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = BriefingSessionForm.Meta.fields
    index_view_class = BriefingIndexView
    add_view_class = BriefingCreateView
    edit_view_class = BriefingEditView
    ordering = ["-starts_at", "-pk"]
    search_fields = None

    def get_form_class(self, for_update=False):
        return BriefingSessionForm

    @property
    def permission_policy(self):
        return BriefingPolicy(BriefingSession)

    @property
    def list_display(self):
        return [
            TitleColumn(
                "title",
                label=gettext_lazy("title"),
                get_url=lambda obj: reverse("briefings_admin_session", args=[obj.pk]),
            ),
            Column("belongs_to", label=gettext_lazy("challenge or round"), accessor=_belongs_to),
            Column("starts_at", label=gettext_lazy("starts (JST)"), accessor="starts_at"),
            Column("format", label=gettext_lazy("format"), accessor="get_format_display"),
            Column("state", label=gettext_lazy("state"), accessor="get_state_display"),
            Column("seats", label=gettext_lazy("registered / capacity"), accessor=_seats),
        ]


# ------------------------------------------------------------------------------------------------ one session


def session_admin(request, pk: int):
    """Registrations, attendance (one POST of checkboxes) and cancelling, for the session's staff."""
    if not _staff(request.user):
        raise PermissionDenied(_("Only staff can open this page."))
    try:
        session = selectors.sessions_for_staff(request.user).get(pk=pk)
    except BriefingSession.DoesNotExist as exc:
        raise Http404 from exc
    registrations = selectors.registrations_of(session)
    attendance_form = AttendanceForm(registrations=registrations, prefix="attendance")
    cancel_form = CancelBriefingForm(prefix="cancel")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "attendance":
                attendance_form = AttendanceForm(
                    request.POST, registrations=registrations, prefix="attendance"
                )
                if attendance_form.is_valid():
                    services.briefing_attendance_record(
                        actor=request.user,
                        session=session,
                        attended_ids=attendance_form.cleaned_data["attended"],
                    )
                    messages.success(request, _("Attendance has been recorded."))
                    return redirect(request.path)
            elif action == "cancel":
                cancel_form = CancelBriefingForm(request.POST, prefix="cancel")
                if cancel_form.is_valid():
                    services.briefing_session_cancel(
                        actor=request.user, session=session, reason=cancel_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request, _("The briefing has been cancelled; registered startups have been told.")
                    )
                    return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        if status == 200:
            status = 400
    context = {
        "session": session,
        "title": str(session),
        "registrations": registrations,
        "attendance_form": attendance_form,
        "cancel_form": cancel_form,
        "edit_url": reverse("briefing:edit", args=[session.pk]),
        "site_url": reverse("briefings:detail", args=[session.pk]),
        "started": not session.is_cancelled and session.starts_at <= timezone.now(),
    }
    return TemplateResponse(request, "challenges/briefings/admin/session.html", context, status=status)
