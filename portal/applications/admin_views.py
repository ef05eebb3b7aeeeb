"""The municipal review in the Wagtail admin: the list (a ModelViewSet) and one application's review screen.

Municipality staff see what was sent to their own organisation's challenges only; ministry staff see everything.
The list never links to an edit form: applications are the startups' words, reviewers only score and decide.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.model import ModelViewSet

from portal.core.admin_listing import (
    NoRowEditsIndexView,
    PlainColumn,
    PlainDateColumn,
    PlainTable,
    PlainTitleColumn,
)
from portal.core.decisions import require
from portal.core.policies import ViewOnlyPolicy
from portal.core.spreadsheet import FormulaSafeExportMixin

from . import permissions as rules
from . import selectors, services
from .filters import ReviewFilter
from .forms import DecisionForm, ReviewForm
from .models import Application, ApplicationState


class ApplicationReviewPolicy(ViewOnlyPolicy):
    """Staff may look (the review list); nobody adds, edits or deletes an application in the admin."""

    def may_view(self, user):
        return rules.can_review(user)[0]

    def visible(self, user):
        return rules.reviewable_applications(Application.objects.all(), user)


class ApplicationIndexView(FormulaSafeExportMixin, NoRowEditsIndexView):
    # Wagtail's CSV export writes text as it is: a startup named '=HYPERLINK(…)' would run in Excel.

    table_class = PlainTable  # the table and its cells written in Python (portal/core/admin_listing.py)
    export_headings = {"answers_text": gettext_lazy("answers to the challenge's questions")}

    def get_base_queryset(self):
        return selectors.applications_for_review(self.request.user, export=self.is_export)

    def get_inspect_url(self, instance):
        return reverse("applications_review", args=[instance.pk])


class ApplicationViewSet(ModelViewSet):
    model = Application
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Applications")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = ApplicationIndexView
    filterset_class = ReviewFilter
    ordering = ["-submitted_at", "-pk"]
    exclude_form_fields = []
    list_export = [
        "challenge",
        "startup",
        "state",
        "preference",
        "submitted_at",
        "review_count",
        "average_score",
        "answers_text",
    ]

    @property
    def list_display(self):
        return [
            PlainTitleColumn(
                "startup",
                label=gettext_lazy("startup"),
                accessor="startup",
                get_url=lambda obj: reverse("applications_review", args=[obj.pk]),
            ),
            # cells written in Python, as Wagtail's templates would write them (a page has 140 of them)
            PlainColumn("challenge", label=gettext_lazy("challenge"), accessor="challenge_title"),
            PlainColumn("state", label=gettext_lazy("state"), accessor="get_state_display"),
            PlainColumn("preference", label=gettext_lazy("startup's preference"), accessor=_preference),
            PlainDateColumn("submitted_at", label=gettext_lazy("submitted on"), sort_key="submitted_at"),
            PlainColumn("review_count", label=gettext_lazy("reviews")),
            PlainColumn("average_score", label=gettext_lazy("average score"), accessor=_average),
        ]


def _preference(application) -> str:
    return application.get_preference_display() or "—"


def _average(application) -> str:
    value = getattr(application, "average_score", None)
    return f"{value:.2f}" if value is not None else "—"


# --------------------------------------------------------------------------------------------- one application


def _decide(request, application, form: DecisionForm) -> None:
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    if action == "shortlist":
        services.application_shortlist(application=application, actor=request.user, reason=reason)
        messages.success(request, _("The application has been shortlisted; the startup has been told."))
    elif action == "decline":
        services.application_decline(application=application, actor=request.user, reason=reason)
        messages.success(request, _("The application has been declined; the startup has been told why."))
    else:
        services.application_request_more_info(application=application, actor=request.user, message=reason)
        messages.success(request, _("The startup has been asked for more information."))


def review(request, pk: int):
    """Read the application, score it on the challenge's rubric, and shortlist / decline / ask for more."""
    require(rules.can_review(request.user))
    application = selectors.application_for(request.user, pk)  # 404 outside the user's scope
    if not rules.is_reviewer_of(request.user, application) or application.state == ApplicationState.DRAFT:
        raise Http404
    rubric = selectors.rubric_for(application.challenge)
    reviews = selectors.reviews_of(application)
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    initial = {}
    if mine:
        initial = {f"score_{s.criterion_id}": s.score for s in mine.scores.all()} | {"comment": mine.comment}
    review_form = ReviewForm(
        request.POST if "score" in request.POST else None, rubric=rubric, initial=initial, prefix="review"
    )
    decision_form = DecisionForm(request.POST if "decide" in request.POST else None, prefix="decision")
    if request.method == "POST":
        form = review_form if "score" in request.POST else decision_form
        if form.is_valid():
            try:
                if form is review_form:
                    services.review_save(
                        application=application,
                        reviewer=request.user,
                        scores=review_form.scores(),
                        comment=review_form.cleaned_data["comment"],
                    )
                    messages.success(request, _("Your scores have been saved."))
                else:
                    _decide(request, application, decision_form)
            except ValidationError as error:
                for m in error.messages:
                    messages.error(request, m)
            return redirect("applications_review", pk=pk)
    context = {
        "application": application,
        "rubric": rubric,
        "reviews": reviews,
        "review_form": review_form,
        "decision_form": decision_form,
        "can_score": rules.can_score(request.user, application)[0],
        # A reviewer who declared a conflict with the startup sees why instead of the forms.
        "recused": (rules.recused_from(request.user, application) or (True, ""))[1],
        "grade": selectors.municipal_grades([application])[application.pk],
        "can_decide": any(
            rule(request.user, application)[0]
            for rule in (rules.can_shortlist, rules.can_decline, rules.can_request_more_info)
        ),
        "header_title": str(application),
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("application:index"), "label": _("Applications")},
            {"url": "", "label": str(application.startup)},
        ],
    }
    return TemplateResponse(request, "applications/admin/review.html", context)
