"""The audit log in the Wagtail admin, for ministry staff: who did what to which object, when.

A Wagtail report view over portal.core's AuditEvent, newest first: filters (actor, organisation, action, object
type, date range), 50 per page with a fixed number of queries, and CSV/XLSX of every filtered event. It lives in
accounts, not core, because "organisation" means the actor's memberships (core knows no organisations).
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from portal.core.audit_labels import action_label, detail_labels, object_label
from portal.core.decisions import Decision, require
from portal.core.models import AuditEvent
from portal.core.spreadsheet import FormulaSafeExportMixin

from .models import Membership, Organisation
from .permissions import is_ministry


def can_view_audit_log(user) -> Decision:
    """Ministry staff (and superusers) only: the log names people and organisations across the whole programme."""
    if is_ministry(user):
        return True, _("Ministry staff.")
    return False, _("The audit log is for ministry staff.")


class AuditEventFilter(WagtailFilterSet):
    actor = django_filters.CharFilter(
        label=_("Actor (e-mail)"), field_name="actor__email", lookup_expr="icontains"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("kind", "name"),
        method="by_organisation",
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=[])
    object_type = django_filters.ChoiceFilter(label=_("Object type"), choices=[])
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["actor", "organisation", "action", "object_type", "at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are the values in the log (one query each), so a new kind of event needs no code here;
        # staff read them by their labels (the codes stay in the URL).
        labels = {"action": action_label, "object_type": lambda value: object_label(value, "")}
        for name in ("action", "object_type"):
            values = (
                AuditEvent.objects.exclude(**{name: ""})
                .order_by(name)
                .values_list(name, flat=True)
                .distinct()
            )
            choices = [(v, labels[name](v)) for v in values]
            self.filters[name].extra["choices"] = sorted(choices, key=lambda choice: str(choice[1]))

    def by_organisation(self, queryset, name, value):
        return queryset.filter(actor__in=Membership.objects.filter(organisation=value).values("user"))


def _when(event) -> str:
    return timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")


def _actor(event) -> str:
    return event.actor.email if event.actor else _("system")


def _organisations(event) -> str:
    if event.actor is None:
        return ""
    return ", ".join(str(m.organisation) for m in event.actor.memberships.all())


def _object(event) -> str:
    # Type and id, not the stored repr: a repr can carry private content (a startup's draft title is for nobody
    # but the startup, not even the ministry — tests/security/test_permission_matrix.py).
    return object_label(event.object_type, event.object_id)


def _details(event) -> str:
    # The names of the recorded details, not their values: values can quote private text (a draft's title).
    return detail_labels(event.data) if event.data else ""


class AuditLogView(FormulaSafeExportMixin, ReportView):
    page_title = _("Audit log")
    header_icon = "history"
    paginate_by = 50
    filterset_class = AuditEventFilter
    export_filename = "audit-log"
    list_export = ["at", "actor", "organisations", "action", "object_type", "object_id", "details", "ip"]
    export_headings = {
        "at": _("At"),
        "actor": _("Actor"),
        "organisations": _("Organisation"),
        "action": _("Action"),
        "object_type": _("Object type"),
        "object_id": _("Object id"),
        "details": _("Details"),
        "ip": _("IP address"),
    }
    columns = [
        Column("at", label=_("At"), accessor=_when),
        Column("actor", label=_("Actor"), accessor=_actor),
        Column("organisations", label=_("Organisation"), accessor=_organisations),
        Column("action", label=_("Action"), accessor=lambda event: action_label(event.action)),
        Column("object", label=_("Object"), accessor=_object),
        Column("details", label=_("Details"), accessor=_details),
    ]

    def dispatch(self, request, *args, **kwargs):
        require(can_view_audit_log(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_index_url(self):
        return reverse("audit_log")

    def get_index_results_url(self):
        return reverse("audit_log_results")

    def get_queryset(self):
        memberships = Membership.objects.select_related("organisation").order_by("organisation__name")
        return (
            AuditEvent.objects.select_related("actor")
            .prefetch_related(Prefetch("actor__memberships", queryset=memberships))
            .order_by("-at", "-id")
        )

    def to_row_dict(self, item):
        return {
            "at": _when(item),
            "actor": _actor(item),
            "organisations": _organisations(item),
            "action": action_label(item.action),
            "object_type": object_label(item.object_type, ""),
            "object_id": item.object_id,
            "details": _details(item),
            "ip": item.ip_address or "",
        }
