"""The engagement's staff screens as views of the EngagementViewSet: its inspect screen (everything about one
engagement, with a form per thing staff can do), one action view per form (each posts to its own address and calls
its service), and the ministry's "record an outside match" as the viewset's create view.

Scoping stays the selectors' (selectors.engagement_detail: municipality staff see their own organisation's
engagements, the ministry all; anyone else gets a 404); the services check who may do what."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from matching.selectors import accepted_proposal_id
from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry, organisation_ids_of

from .. import permissions, selectors, services
from ..agreement_forms import PulseForm
from ..evidence_forms import ConsentForm, ReviewerInviteForm
from ..forms import (
    AdoptionRequestForm,
    EngagementDescriptionForm,
    OutsideMatchForm,
    ProgressReportForm,
    TransitionForm,
)
from ..models import CaseStudyPage, Engagement
from .admin_generic import InspectActionView, ScreenInspectView, ServiceCreateView
from .site import engagement_context


def my_municipalities(user, *, exclude=None):
    """The municipalities a user may ask to adopt a solution for: the ministry any, staff their own."""
    qs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if not is_ministry(user):
        qs = qs.filter(pk__in=organisation_ids_of(user))
    return qs.exclude(pk=exclude) if exclude else qs


class EngagementInspectView(ScreenInspectView):
    """One engagement: its stage, reports, agreements, consent, meetings, trips, case study and the forms.

    A template of our own: Wagtail's inspect view lists a model's fields, and this screen is a composite of many."""

    template_name = "tracker/admin/engagement_detail.html"

    detail = staticmethod(selectors.engagement_detail)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forms = getattr(self, "forms", {})
        request, engagement = self.request, self.object
        context.update(
            engagement_context(
                request,
                engagement,
                report_form=forms.get("report_form"),
                transition_form=forms.get("transition_form"),
                pulse_form=forms.get("pulse_form"),
            )
        )
        if forms.get("reviewer_form") is not None:
            context["reviewer_form"] = forms["reviewer_form"]
        context["adoption_form"] = forms.get("adoption_form") or AdoptionRequestForm(
            municipalities=my_municipalities(request.user, exclude=engagement.municipality_id)
        )
        context["description_form"] = forms.get("description_form") or EngagementDescriptionForm(
            initial={f: getattr(engagement, f) for f in ("title", "title_en", "summary", "summary_en")}
        )
        context["consent_url"] = reverse("engagement:consent", args=[engagement.pk])
        context["reviewer_url"] = reverse("engagement:invite_reviewer", args=[engagement.pk])
        context["admin_links"] = True  # each agreement links to its own screen (amendments)
        context["can_describe"] = permissions.can_describe_engagement(request.user, engagement)[0]
        context["travel_requests"] = engagement.travel_requests.all()
        # the proposal sheet (提案書) of the match that opened it, for the municipality's selection record
        context["proposal_sheet_id"] = accepted_proposal_id(engagement.challenge_id, engagement.startup_id)
        return context


class EngagementActionView(InspectActionView, EngagementInspectView):
    """One thing done on the engagement screen (POST only), posted to <pk>/<action>/."""


class TransitionView(EngagementActionView):
    form_name = "transition_form"

    def get_form(self):
        sides = permissions.sides_of(self.request.user, self.object)
        return TransitionForm(
            self.request.POST, transitions=selectors.available_transitions(self.object, sides)
        )

    def perform(self, form):
        services.engagement_transition(
            engagement=self.object,
            actor=self.request.user,
            transition=form.cleaned_data["transition"],
            reason=form.cleaned_data["reason"],
        )
        return _("The stage has been changed.")


class ReportView(EngagementActionView):
    form_name = "report_form"

    def get_form(self):
        return ProgressReportForm(self.request.POST, self.request.FILES)

    def perform(self, form):
        d = form.cleaned_data
        services.progress_report_create(
            engagement=self.object,
            actor=self.request.user,
            text=d["text"],
            residents_served=d["residents_served"],
            cost_saved_yen=d["cost_saved_yen"],
            contract_value_yen=d["contract_value_yen"],
            files=d["files"],
        )
        return _("Your report has been posted.")


class DescribeView(EngagementActionView):
    form_name = "description_form"

    def get_form(self):
        return EngagementDescriptionForm(self.request.POST)

    def perform(self, form):
        services.engagement_describe(engagement=self.object, actor=self.request.user, **form.cleaned_data)
        return _("The title and summary have been saved.")


class DraftCaseStudyView(EngagementActionView):
    def perform(self, form):
        services.case_study_draft(engagement=self.object, actor=self.request.user)
        return _("A case study has been drafted; both parties are asked to approve it.")


class ApproveCaseStudyView(EngagementActionView):
    def perform(self, form):
        case_study = CaseStudyPage.objects.filter(engagement=self.object).first()
        if case_study is None:  # nothing to approve yet
            raise Http404
        services.case_study_approve(page=case_study, actor=self.request.user)
        return _("Your approval has been recorded.")


class ConsentView(EngagementActionView):
    def perform(self, form):
        consent = ConsentForm(self.request.POST)
        if not consent.is_valid():
            raise ValidationError(_("Choose one of the purposes listed."))
        services.consent_set(
            engagement=self.object,
            actor=self.request.user,
            purpose=consent.cleaned_data["purpose"],
            granted=consent.cleaned_data["granted"],
        )
        return _("Your organisation's answer has been recorded.")


class InviteReviewerView(EngagementActionView):
    form_name = "reviewer_form"

    def get_form(self):
        return ReviewerInviteForm(self.request.POST, prefix="reviewer")

    def perform(self, form):
        services.reviewer_invite(engagement=self.object, actor=self.request.user, **form.cleaned_data)
        return _("The reviewer has been sent the invitation by e-mail.")


class PulseView(EngagementActionView):
    form_name = "pulse_form"

    def get_form(self):
        allowed, why = permissions.can_answer_pulse(self.request.user, self.object)
        if not allowed:
            raise PermissionDenied(why)
        return PulseForm(
            self.request.POST, prefix="pulse"
        )  # refused before the form exists: 403 all the same

    def perform(self, form):
        services.pulse_submit(engagement=self.object, actor=self.request.user, **form.cleaned_data)
        return _("Thank you: your answer has been recorded.")


class AdoptView(EngagementActionView):
    form_name = "adoption_form"

    def get_form(self):
        return AdoptionRequestForm(
            self.request.POST,
            municipalities=my_municipalities(self.request.user, exclude=self.object.municipality_id),
        )

    def perform(self, form):
        services.adoption_request_create(
            origin=self.object,
            actor=self.request.user,
            municipality=form.cleaned_data["municipality"],
            message=form.cleaned_data["message"],
        )
        return _("Your request has been sent to the ministry.")


ACTION_VIEWS = {
    "transition": TransitionView,
    "report": ReportView,
    "describe": DescribeView,
    "draft_case_study": DraftCaseStudyView,
    "approve_case_study": ApproveCaseStudyView,
    "consent": ConsentView,
    "invite_reviewer": InviteReviewerView,
    "pulse": PulseView,
    "adopt": AdoptView,
}


class OutsideMatchView(ServiceCreateView):
    """The ministry records a match made outside the portal: the viewset's create view, opening the engagement
    through the service (not a model form). Only the ministry may (is_ministry, as the service checks)."""

    permission_required = None
    form_class = OutsideMatchForm

    def dispatch(self, request, *args, **kwargs):
        if not is_ministry(request.user):
            raise PermissionDenied(_("Only ministry staff can open this page."))
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Record a match made outside the portal")

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("engagement:index"), "label": _("Engagements")},
            {"url": "", "label": self.get_page_title()},
        ]

    def save(self, form):
        d = form.cleaned_data
        self.object = services.engagement_open(
            municipality=d["municipality"],
            startup=d["startup"],
            source=Engagement.Source.OUTSIDE,
            actor=self.request.user,
            reason=d["reason"],
            title=d["title"],
        )
        messages.success(self.request, _("The engagement has been opened."))
        return redirect("engagement:inspect", self.object.pk)
