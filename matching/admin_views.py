"""Ministry staff's matching screens, one Wagtail viewset (MatchRunViewSet, /admin/matching/):

- the runs' list (Wagtail's listing, columns, status filter, pagination) with the form that starts a run above it;
- a run: how it was made, its progress, what changed since the previous run, and its proposals as a Wagtail listing
  (columns, filters in the header's drawer, pagination; the filtered results are refreshed from `run_results`);
- one challenge's ranked proposals with their reasons and factor bars (a page of our own: Wagtail has no component
  for a card with an explanation), with the accept / reject forms posting to the two action views;
- the comparison of two runs, its rank moves as a Wagtail listing.

Ministry staff only: everybody else with admin access gets 403 with the rule's reason (permissions.py says why
municipalities see nothing here) before any object is looked up, so an unknown number is no different from a known
one. Raising PermissionDenied inside the admin would only redirect to the dashboard.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import (
    BaseListingView,
    BaseObjectMixin,
    BaseOperationView,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.viewsets.model import ModelViewSet

from portal.applications.models import ApplicationState
from portal.challenges.models import ChallengePage
from portal.challenges.templatetags.challenges_tags import yen
from portal.core.admin_listing import NoRowEditsIndexView, PlainColumn, PlainTable
from portal.core.i18n import in_reader_language
from portal.core.params import positive_id
from portal.core.policies import ViewOnlyPolicy
from portal.core.templatetags.typeset import join_list

from . import permissions as rules
from . import selectors, services, tasks
from .filters import MatchRunFilter, ProposalFilter
from .forms import AcceptForm, RejectForm, RunStartForm
from .models import MatchProposal, MatchRun, ReviewStatus
from .presentation import challenge_alternates

PROPOSALS_PER_PAGE = 50
MOVES_PER_PAGE = 100


class MatchRunPolicy(ViewOnlyPolicy):
    """Ministry staff look at runs; runs are started by the form on the list (a service), never edited or deleted."""

    def may_view(self, user):
        return rules.can_view_matching(user)[0]

    def visible(self, user):
        return MatchRun.objects.all() if self.may_view(user) else MatchRun.objects.none()


def forbidden(request, reason) -> TemplateResponse:
    return TemplateResponse(request, "matching/admin/forbidden.html", {"reason": reason}, status=403)


class MinistryOnlyMixin:
    """403 with the rule's reason for everybody but ministry staff, decided before the view looks anything up
    (BaseObjectMixin fetches its object in setup); a PermissionDenied from a service is a 403 with its message."""

    def setup(self, request, *args, **kwargs):
        self.allowed, self.refusal = rules.can_view_matching(request.user)
        if self.allowed:
            super().setup(request, *args, **kwargs)
        else:
            self.request, self.args, self.kwargs = request, args, kwargs

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed:
            return forbidden(request, self.refusal)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))


class RunObjectMixin(BaseObjectMixin):
    """The run of the URL, with who started it and the previous run (both shown)."""

    model = MatchRun

    def get_base_object_queryset(self):
        return MatchRun.objects.select_related("started_by", "previous")

    @property
    def run(self) -> MatchRun:
        return self.object


# ------------------------------------------------------------------------------------------------------ the runs


class MatchRunIndexView(MinistryOnlyMixin, NoRowEditsIndexView):
    """Runs, newest first (filter by status), and the form that starts a new one (POST here)."""

    template_name = "matching/admin/run_index.html"
    start_form = None

    def get_base_queryset(self):
        return selectors.runs()

    def get_inspect_url(self, instance):
        return reverse("match_run:run", args=[instance.pk])

    def post(self, request, *args, **kwargs):
        form = RunStartForm(request.POST)
        if form.is_valid():
            try:
                run = tasks.match_run_start(actor=request.user, **form.parameters)
            except ValidationError as exc:
                form.add_error(None, list(exc.messages))
            else:
                messages.success(request, _("The matching run has started."))
                return redirect("match_run:run", run.pk)
        self.start_form = form
        response = self.get(request, *args, **kwargs)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.start_form or RunStartForm()
        return context


# ------------------------------------------------------------------------------------------- a run's proposals


class ChallengeColumn(PlainColumn):
    """The challenge, linked to its ranked proposals, and its municipality below (on a challenge's first row of the
    page only: the rows are grouped by challenge)."""

    def __init__(self, name, run, **kwargs):
        super().__init__(name, **kwargs)
        self.url = reverse("match_run:challenge", args=[run.pk, 0]).removesuffix("0/")

    def get_value(self, instance):
        if not getattr(instance, "first_of_challenge", True):
            return ""
        return format_html(
            '<a href="{}{}/">{}</a><br><small>{}</small>',
            self.url,
            instance.challenge_id,
            instance.challenge_title,
            in_reader_language(instance.municipality_name, instance.municipality_name_en),
        )


def _badges(p) -> str:
    """The proposal's badges: assigned, applied / shortlisted / scouted, accepted or rejected earlier, its review."""
    badges = []
    if p.assigned:
        badges.append(("badge badge--assigned", _("assigned")))
    if p.application_id:
        shortlisted = p.application.state == ApplicationState.SHORTLISTED
        badges.append(("badge", _("shortlisted") if shortlisted else _("applied")))
    else:
        badges.append(("badge", _("scouted")))
    if p.fixed:
        badges.append(("badge", _("accepted earlier")))
    if p.excluded:
        badges.append(("badge", _("rejected earlier")))
    if p.review_status in (ReviewStatus.ACCEPTED, ReviewStatus.REJECTED):
        badges.append((f"badge badge--{p.review_status}", p.get_review_status_display()))
    return format_html_join("", '<span class="{}">{}</span>', badges)


def _score(proposal) -> str:
    return f"{proposal.score:.3f}"


def _keywords(proposal) -> str:
    return join_list(proposal.keywords)


def _proposal_columns(run: MatchRun) -> list[Column]:
    return [
        ChallengeColumn("challenge", run, label=gettext_lazy("challenge")),
        PlainColumn("rank", label=gettext_lazy("rank")),
        PlainColumn("startup", label=gettext_lazy("startup")),
        PlainColumn("score", label=gettext_lazy("score"), accessor=_score),
        PlainColumn(
            "travel_cost_yen",
            label=gettext_lazy("travel cost (yen)"),
            accessor=lambda p: yen(p.travel_cost_yen),
        ),
        PlainColumn("keywords", label=gettext_lazy("shared words"), accessor=_keywords),
        PlainColumn("status", label=gettext_lazy("status"), accessor=_badges),
    ]


class RunProposalsView(MinistryOnlyMixin, RunObjectMixin, BaseListingView):
    """A finished run's proposals, challenge by challenge, best first: Wagtail's table, filters and pagination."""

    results_only = True
    table_class = PlainTable  # the table and its cells written in Python (portal/core/admin_listing.py)
    filterset_class = ProposalFilter
    page_kwarg = "page"
    paginate_by = PROPOSALS_PER_PAGE
    index_url_name = "match_run:run"
    index_results_url_name = "match_run:run_results"
    verbose_name_plural = gettext_lazy("proposals")

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.run.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.run.pk])

    @cached_property
    def filters(self):
        if self.run.status != MatchRun.Status.DONE:
            return None
        return self.filterset_class(**self.get_filterset_kwargs())

    def get_filterset_kwargs(self):
        return super().get_filterset_kwargs() | {"run": self.run}

    def get_base_queryset(self):
        return selectors.proposals_listed(self.run)

    @property
    def columns(self):
        return _proposal_columns(self.run)

    def get_table_kwargs(self):
        return super().get_table_kwargs() | {"attrs": {"id": "proposals"}}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        previous = None
        for proposal in context["object_list"]:  # the challenge is named on its first row of the page only
            proposal.first_of_challenge = proposal.challenge_id != previous
            previous = proposal.challenge_id
        return context


class RunView(RunProposalsView):
    """A run: how it was made, its progress, what changed since the previous run, its proposals."""

    results_only = False
    template_name = "matching/admin/run_detail.html"
    results_template_name = "wagtailadmin/generic/listing_results.html"
    header_icon = "resubmit"

    def get_page_title(self):
        return str(self.run)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("match_run:index"), "label": _("Matching")},
            {"url": "", "label": str(self.run)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        comparison = None
        if (
            run.previous_id
            and run.status == MatchRun.Status.DONE
            and run.previous.status == MatchRun.Status.DONE
        ):
            comparison = services.run_comparison(run=run, other=run.previous)  # stored when the run finished
        context |= {
            "run": run,
            "comparison": comparison,
            "step_label": services.STEPS.get(run.progress_message, (0, ""))[1],
        }
        return context


# ------------------------------------------------------------------------------------- one challenge's proposals


class RunChallengeView(MinistryOnlyMixin, RunObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """One challenge's ranked proposals in a run, with their reasons and factor bars, and the accept / reject forms
    (posted to ProposalAcceptView / ProposalRejectView, which show this page again with the error when refused)."""

    template_name = "matching/admin/run_challenge.html"
    header_icon = "resubmit"
    error: dict | None = None
    status = 200

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.allowed:
            self.challenge = get_object_or_404(
                ChallengePage.objects.select_related("municipality"), pk=self.kwargs["challenge_pk"]
            )
            self.proposals = selectors.proposals_of_run(self.run).filter(challenge=self.challenge)

    def get(self, request, *args, **kwargs):
        proposals = list(self.proposals)
        if not proposals:
            raise Http404
        for p in proposals:  # a recused reviewer sees why instead of the buttons
            refused = rules.recused_from_proposal(request.user, p)
            p.recused = refused[1] if refused else ""
        context = self.get_context_data(
            proposals=proposals,
            alternates=challenge_alternates(proposals),
            partners=selectors.accepted_count_for_challenge(self.challenge.pk),
        )
        return self.render_to_response(context, status=self.status)

    def get_page_title(self):
        return self.challenge.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("match_run:index"), "label": _("Matching")},
            {"url": reverse("match_run:run", args=[self.run.pk]), "label": str(self.run)},
            {"url": "", "label": self.challenge.title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "run": self.run,
            "challenge": self.challenge,
            "error": self.error,
        }


class ProposalReviewView(MinistryOnlyMixin, BaseOperationView):
    """Accept or reject one proposal with the reason (or note) typed beside it; back to its challenge's proposals.
    Refused (no reason, already reviewed, no free slot, recused…): that page again, the messages by the proposal,
    400."""

    model = MatchProposal
    form_class: type = AcceptForm
    action = ""

    def get_base_object_queryset(self):
        return MatchProposal.objects.select_related("run", "challenge", "startup")

    def get_success_url(self):
        return reverse("match_run:challenge", args=[self.object.run_id, self.object.challenge_id])

    def review(self, reason: str) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([m for errors in form.errors.values() for m in errors])
            self.review(form.cleaned_data["reason"])
        except ValidationError as exc:
            page = RunChallengeView(
                error={"proposal": self.object.pk, "action": self.action, "messages": list(exc.messages)},
                status=400,
            )
            page.setup(request, pk=self.object.run_id, challenge_pk=self.object.challenge_id)
            return page.get(request)
        self.add_success_message()
        return redirect(self.get_success_url())


class ProposalAcceptView(ProposalReviewView):
    form_class = AcceptForm
    action = "accept"
    success_message = gettext_lazy("Accepted: the match is made and the engagement has been opened.")

    def review(self, reason: str) -> None:
        services.proposal_accept(proposal=self.object, actor=self.request.user, reason=reason)


class ProposalRejectView(ProposalReviewView):
    form_class = RejectForm
    action = "reject"
    success_message = gettext_lazy("Rejected: the pair will not be proposed again.")

    def review(self, reason: str) -> None:
        services.proposal_reject(proposal=self.object, actor=self.request.user, reason=reason)


# ------------------------------------------------------------------------------------------------ two runs compared


class RankMoveAfterColumn(Column):
    def get_value(self, instance):
        return f"{instance.after} {'↑' if (instance.change or 0) > 0 else '↓'}"


class RunCompareView(MinistryOnlyMixin, RunObjectMixin, BaseListingView):
    """What changed from another run (the previous one by default) to this one; the rank moves paginated from the
    stored comparison."""

    template_name = "matching/admin/run_compare.html"
    page_kwarg = "page"
    paginate_by = MOVES_PER_PAGE
    index_url_name = "match_run:compare"
    header_icon = "resubmit"
    columns = [
        Column("challenge", label=gettext_lazy("challenge"), accessor=lambda m: m.challenge.title),
        Column("startup", label=gettext_lazy("startup")),
        Column("before", label=gettext_lazy("before")),
        RankMoveAfterColumn("after", label=gettext_lazy("after")),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.allowed:
            other_pk = positive_id(request.GET.get("against") or self.run.previous_id)
            if other_pk is None:
                raise Http404
            other = get_object_or_404(MatchRun, pk=other_pk)
            # computed once per pair of runs, then read
            self.comparison = services.run_comparison(run=self.run, other=other)

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.run.pk])

    @cached_property
    def no_results_message(self):
        return _("No rank changed.")

    def get_base_queryset(self):
        return self.comparison.rank_moves

    def get_page_title(self):
        return _("%(run)s compared with %(other)s") % {
            "run": self.comparison.run,
            "other": self.comparison.other,
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("match_run:index"), "label": _("Matching")},
            {"url": reverse("match_run:run", args=[self.run.pk]), "label": str(self.run)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_table_kwargs(self):
        return super().get_table_kwargs() | {"attrs": {"id": "rank-moves-table"}}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"run": self.run, "comparison": self.comparison}


# --------------------------------------------------------------------------------------------------- the viewset


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
                get_url=lambda obj: reverse("match_run:run", args=[obj.pk]),
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

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("runs/<int:pk>/", RunView.as_view(), name="run"),
            path("runs/<int:pk>/results/", RunProposalsView.as_view(), name="run_results"),
            path("runs/<int:pk>/compare/", RunCompareView.as_view(), name="compare"),
            path(
                "runs/<int:pk>/challenges/<int:challenge_pk>/", RunChallengeView.as_view(), name="challenge"
            ),
            path("proposals/<int:pk>/accept/", ProposalAcceptView.as_view(), name="proposal_accept"),
            path("proposals/<int:pk>/reject/", ProposalRejectView.as_view(), name="proposal_reject"),
        ]
