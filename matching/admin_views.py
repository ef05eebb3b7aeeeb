"""The matching runs' list as a Wagtail viewset (Wagtail's listing, columns, status filter and pagination), with the
form that starts a run above it. Ministry staff only: everybody else with admin access gets 403 with the reason, as
on the other matching screens (views.py); a run's own screens stay in views.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from . import permissions as rules
from . import selectors, tasks
from .filters import MatchRunFilter
from .forms import RunStartForm
from .models import MatchRun


class MatchRunPolicy(ModelPermissionPolicy):
    """Ministry staff look at runs; runs are started by the form on the list (a service), never edited or deleted."""

    def user_has_permission(self, user, action):
        return action == "view" and rules.can_view_matching(user)[0]

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" not in actions or not rules.can_view_matching(user)[0]:
            return MatchRun.objects.none()
        return MatchRun.objects.all()


class MatchRunIndexView(IndexView):
    """Runs, newest first (filter by status), and the form that starts a new one (POST here)."""

    template_name = "matching/admin/run_index.html"
    start_form = None

    def dispatch(self, request, *args, **kwargs):
        allowed, reason = rules.can_view_matching(request.user)
        if not allowed:  # 403 with the rule's reason (Wagtail would only redirect to the dashboard)
            return TemplateResponse(request, "matching/admin/forbidden.html", {"reason": reason}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return selectors.runs()

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return reverse("matching_admin:run", args=[instance.pk])

    def post(self, request, *args, **kwargs):
        form = RunStartForm(request.POST)
        if form.is_valid():
            try:
                run = tasks.match_run_start(actor=request.user, **form.parameters)
            except ValidationError as exc:
                form.add_error(None, list(exc.messages))
            else:
                messages.success(request, _("The matching run has started."))
                return redirect("matching_admin:run", run.pk)
        self.start_form = form
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.start_form or RunStartForm()
        return context


def _status(run) -> str:
    label = run.get_status_display()
    return label if run.is_finished else f"{label} ({run.progress}%)"


def _started_by(run) -> str:
    return str(run.started_by) if run.started_by_id else _("the system")


def _objective(run) -> str:
    return f"{run.objective:.3f}" if run.objective is not None else "—"


class MatchRunViewSet(ModelViewSet):
    model = MatchRun
    icon = "resubmit"
    menu_label = gettext_lazy("Matching")
    add_to_admin_menu = False  # the menu item is shown to ministry staff only (wagtail_hooks)
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = MatchRunIndexView
    filterset_class = MatchRunFilter
    ordering = ["-created_at", "-pk"]
    exclude_form_fields = []
    list_per_page = 20

    @property
    def list_display(self):
        return [
            TitleColumn(
                "run",
                label=gettext_lazy("run"),
                accessor=str,
                get_url=lambda obj: reverse("matching_admin:run", args=[obj.pk]),
            ),
            Column("status", label=gettext_lazy("status"), accessor=_status),
            Column(
                "created_at",
                label=gettext_lazy("created"),
                accessor=lambda run: date_format(run.created_at, "DATETIME_FORMAT"),
                sort_key="created_at",
            ),
            Column("started_by", label=gettext_lazy("started by"), accessor=_started_by),
            Column("proposal_count", label=gettext_lazy("proposals")),
            Column("assigned_count", label=gettext_lazy("assigned")),
            Column("accepted_count", label=gettext_lazy("accepted proposals")),
            Column("objective", label=gettext_lazy("total score"), accessor=_objective),
        ]
