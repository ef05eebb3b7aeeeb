"""Agreements (実証協定書 / 契約) and budget-request deadlines (予算要求) in the admin, as Wagtail viewsets.

- AgreementViewSet: the listing (Wagtail's columns, filters and pagination), one agreement's screen at <pk>/ (inspect)
  with its amendments, "record an amendment" as an action view (<pk>/amend/) and "record an agreement" as the create
  view, which takes the engagement (new/<engagement pk>/).
- BudgetRequestDeadlineViewSet: the deadlines of the municipalities one may see (listing) and "set the deadline" as
  the create view (services.budget_request_deadline_set creates or changes the municipality's row).

Scoping is the selectors' and the permission rules' as before: municipality staff see and act for their own
organisation, the ministry for all; startups never reach the admin. Nobody edits or deletes rows through a model form
(the policies grant "view" only; "add", "change" and "delete" would also open Wagtail's history and usage views):
every change goes through a service, which writes its audit event in its own transaction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry, organisation_ids_of
from portal.challenges.templatetags.challenges_tags import yen

from .. import permissions, selectors, services
from ..agreement_forms import AgreementForm, AmendmentForm, BudgetRequestDeadlineForm
from ..filters import AgreementFilter
from ..models import Agreement, BudgetRequestDeadline, Engagement
from .admin_generic import NoRowEditsIndexView, ServiceCreateView
from .admin_lists import StaffReadOnlyPolicy
from .common import add_service_errors

# --- agreements ---------------------------------------------------------------------------------------------------


class AgreementPolicy(StaffReadOnlyPolicy):
    """Staff look at the agreements of their organisations' engagements (the ministry at all of them)."""

    scope = staticmethod(selectors.agreements_for)


class AgreementIndexView(NoRowEditsIndexView):
    def get_base_queryset(self):
        return selectors.agreements_for(self.request.user)

    def get_inspect_url(self, instance):
        return reverse("agreement:inspect", args=[instance.pk])


class AgreementInspectView(InspectView):
    """One agreement: its facts, signed copies and amendments, and the form that records an amendment.

    A template of our own: Wagtail's inspect view lists a model's fields, and this screen shows the amendments with
    their files and carries a form (posted to the amend action view)."""

    template_name = "tracker/admin/agreement_detail.html"

    def get_object(self, queryset=None):
        try:
            return selectors.agreement_detail(self.pk, self.request.user)
        except Agreement.DoesNotExist as exc:
            raise Http404 from exc

    def get_fields(self):
        return []

    def get_page_title(self):
        return self.object.title

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("agreement:index"), "label": _("Agreements")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            agreement=self.object,
            title=self.object.title,
            form=getattr(self, "form", None) or AmendmentForm(prefix="amend"),
            can_manage=permissions.can_manage_agreements(self.request.user, self.object.engagement)[0],
        )
        return context


class AmendView(AgreementInspectView):
    """Record an amendment (POST only): services.agreement_amend, then back to the agreement's screen; the screen
    with the form's errors (400) when it does not validate; 403 for those who may look but not amend."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        allowed, why = permissions.can_manage_agreements(request.user, self.object.engagement)
        if not allowed:
            raise PermissionDenied(why)
        self.form = AmendmentForm(request.POST, request.FILES, prefix="amend")
        if self.form.is_valid():
            try:
                services.agreement_amend(agreement=self.object, actor=request.user, **self.form.cleaned_data)
                messages.success(request, _("The amendment has been recorded."))
                return redirect("agreement:inspect", self.object.pk)
            except ValidationError as exc:
                add_service_errors(self.form, exc)
        return self.render_to_response(self.get_context_data(), status=400)


class RecordAgreementView(ServiceCreateView):
    """Record an agreement for an engagement: the viewset's create view, saving through services.agreement_record.
    The engagement must be one the user sees (404 otherwise) and the user must act for its municipality or the
    ministry (403 otherwise)."""

    form_class = AgreementForm
    submit_button_label = gettext_lazy("Record the agreement")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.engagement_pk = kwargs["engagement_pk"]

    def dispatch(self, request, *args, **kwargs):
        # the policy first (Wagtail's "no permission" for non-staff), then the engagement and the rule
        if not self.permission_policy.user_has_permission(request.user, "view"):
            return super().dispatch(request, *args, **kwargs)
        try:
            self.engagement = selectors.engagements_for(request.user).get(pk=self.engagement_pk)
        except Engagement.DoesNotExist as exc:
            raise Http404 from exc
        allowed, why = permissions.can_manage_agreements(request.user, self.engagement)
        if not allowed:
            raise PermissionDenied(why)
        return super().dispatch(request, *args, **kwargs)

    def get_add_url(self):
        return reverse("agreement:add", args=[self.engagement.pk])

    def get_page_title(self):
        return _("Record an agreement")

    def get_page_subtitle(self):
        return str(self.engagement)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("engagement:inspect", args=[self.engagement.pk]), "label": str(self.engagement)},
            {"url": "", "label": self.get_page_title()},
        ]

    def save(self, form):
        agreement = services.agreement_record(
            engagement=self.engagement, actor=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, _("The agreement has been recorded."))
        return redirect("agreement:inspect", agreement.pk)


def _period(agreement) -> str:
    return (
        f"{date_format(agreement.starts_on, 'DATE_FORMAT')} – {date_format(agreement.ends_on, 'DATE_FORMAT')}"
    )


def _amount(agreement) -> str:
    return "—" if agreement.amount_yen is None else yen(agreement.amount_yen)


class AgreementViewSet(ModelViewSet):
    model = Agreement
    icon = "doc-full"
    menu_label = gettext_lazy("Agreements")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = AgreementIndexView
    inspect_view_class = AgreementInspectView
    add_view_class = RecordAgreementView
    filterset_class = AgreementFilter
    ordering = ["-signed_on", "-pk"]
    exclude_form_fields = []
    list_per_page = 20

    @property
    def list_display(self):
        return [
            TitleColumn(
                "title",
                label=gettext_lazy("agreement"),
                get_url=lambda a: reverse("agreement:inspect", args=[a.pk]),
            ),
            Column("kind", label=gettext_lazy("kind of agreement"), accessor="get_kind_display"),
            TitleColumn(
                "engagement",
                label=gettext_lazy("engagement"),
                accessor="engagement",
                get_url=lambda a: reverse("engagement:inspect", args=[a.engagement_id]),
            ),
            Column("period", label=gettext_lazy("period"), accessor=_period, sort_key="ends_on"),
            Column("amount_yen", label=gettext_lazy("amount (yen)"), accessor=_amount),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": RecordAgreementView.template_name, **kwargs}

    def get_urlpatterns(self):
        kwargs = self.get_inspect_view_kwargs(template_name=AgreementInspectView.template_name)
        kept = [p for p in super().get_urlpatterns() if p.name not in ("inspect", "add")]
        return [
            *kept,
            path("new/<int:engagement_pk>/", self.add_view, name="add"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/amend/", self.construct_view(AmendView, **kwargs), name="amend"),
        ]


# --- budget-request deadlines -------------------------------------------------------------------------------------


def deadline_municipalities(user):
    """The municipalities whose deadline a user sees and sets: the ministry all, staff their own."""
    qs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name")
    return qs if is_ministry(user) else qs.filter(pk__in=organisation_ids_of(user))


class BudgetRequestDeadlinePolicy(StaffReadOnlyPolicy):
    scope = staticmethod(
        lambda user: BudgetRequestDeadline.objects.filter(municipality__in=deadline_municipalities(user))
    )


class BudgetRequestDeadlineIndexView(NoRowEditsIndexView):
    """A template of our own (the generic listing's, with a sentence above it): Wagtail's listing has no place for
    an explanation of what the rows mean."""

    template_name = "tracker/admin/budget_request.html"

    def get_base_queryset(self):
        return BudgetRequestDeadline.objects.filter(
            municipality__in=deadline_municipalities(self.request.user)
        ).select_related("municipality")

    def get_inspect_url(self, instance):
        return None

    @property
    def header_buttons(self):
        if not deadline_municipalities(self.request.user).exists():
            return []
        return [
            HeaderButton(
                gettext_lazy("Set the deadline"), url=reverse("budget_request_deadline:add"), icon_name="plus"
            )
        ]


class SetDeadlineView(ServiceCreateView):
    """Set a municipality's budget-request deadline: the viewset's create view, saving through
    services.budget_request_deadline_set (which checks that the user acts for that municipality; the form offers
    only the municipalities one may set)."""

    form_class = BudgetRequestDeadlineForm

    def get_page_title(self):
        return _("Set the deadline")

    def get_page_subtitle(self):
        return _("Budget-request deadlines")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("budget_request_deadline:index"), "label": _("Budget-request deadlines")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        municipalities = deadline_municipalities(self.request.user)
        kwargs["municipalities"] = municipalities
        kwargs["initial"] = {"municipality": municipalities.first(), **kwargs.get("initial", {})}
        return kwargs

    def save(self, form):
        services.budget_request_deadline_set(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The budget-request deadline has been saved."))
        return redirect("budget_request_deadline:index")


def _due(row) -> str:
    return _("%(m)s/%(d)s every year") % {"m": row.month, "d": row.day}


class BudgetRequestDeadlineViewSet(ModelViewSet):
    model = BudgetRequestDeadline
    icon = "date"
    menu_label = gettext_lazy("Budget-request deadlines")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = BudgetRequestDeadlineIndexView
    add_view_class = SetDeadlineView
    ordering = ["month", "day", "municipality__name"]
    exclude_form_fields = []
    list_per_page = 100

    @property
    def list_display(self):
        return [
            Column("municipality", label=gettext_lazy("municipality"), accessor="municipality"),
            Column("due", label=gettext_lazy("budget request due"), accessor=_due),
            Column("note", label=gettext_lazy("note"), accessor="note"),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": SetDeadlineView.template_name, **kwargs}
