"""The evidence pack's and the solutions' staff screens as Wagtail viewsets.

- EvidencePackViewSet (`evidence_pack:*`, /admin/tracker/evidence/): the ministry's overview — one row per engagement
  past its PoC, those without a pack first — as the listing, and "build a new version of the pack" for one engagement
  (the engagement's municipality staff) as the create view at <engagement pk>/new/.
- SolutionViewSet (`solution:*`, /admin/tracker/solutions/): the solved challenges other municipalities may join
  (横展開) as the listing, one solution's screen at <pk>/ (its scope, the towns using it, 「この取組みに参加する」) and
  the join itself as an action view at <pk>/join/.

Who may do what is as before: EvidencePackPolicy (the overview for the ministry, building for municipality staff,
then permissions.can_build_evidence_pack on the engagement) and EngagementPolicy (staff) for the solutions; the
join's municipality is one the user acts for (or any, for the ministry), checked again by services.adoption_join.

Templates of our own where Wagtail has no component: the pack's form (each clause is a radio button with its own
conditions under it), a solution's screen (the towns and the join form) and the listings' help line."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.accounts.models import Organisation
from portal.accounts.permissions import is_ministry, is_municipality_staff, organisation_ids_of
from portal.challenges.models import ChallengePage
from portal.core.calendar import today_jst

from .. import permissions, selectors, services
from ..evidence import ORDER_NAME, next_fiscal_year, pilot_figures
from ..evidence_forms import EvidencePackForm, JoinForm
from ..filters import EvidenceOverviewFilter, SolutionFilter
from ..models import ConsentPurpose, Engagement, EvidencePack, consent_missing
from .admin_lists import ListOnlyIndexView, engagement_columns
from .common import add_service_errors

# --- the evidence pack --------------------------------------------------------------------------------------------


class EvidencePackPolicy(ModelPermissionPolicy):
    """ "view" is the ministry's overview; "build" (a version of an engagement's pack, through the create view) is for
    municipality staff, then for the engagement's own municipality once its PoC is done
    (permissions.can_build_evidence_pack). Nobody adds, edits or deletes packs through a model form: a pack is made
    by services.evidence_pack_create and never changed ("add", "change", "delete" would also open Wagtail's history
    and usage views)."""

    def user_has_permission(self, user, action):
        if action == "view":
            return is_ministry(user)
        if action == "build":
            return is_municipality_staff(user)
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if "view" in actions and is_ministry(user):
            return self.model.objects.all()
        return self.model.objects.none()


class HelpedIndexView(ListOnlyIndexView):
    """A listing with a line above it saying what its rows are, and its own words when it has none."""

    template_name = "tracker/admin/index_with_help.html"
    help_text = ""
    empty_text = ""

    @property
    def no_results_message(self):
        return self.empty_text

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["help_text"] = self.help_text
        return context


class EvidenceOverviewIndexView(HelpedIndexView):
    """The ministry's overview: its rows are the engagements past their PoC (selectors.evidence_overview), each with
    its number of pack versions, so the row's screen is the engagement's."""

    detail_url_name = "engagement:inspect"
    page_title = gettext_lazy("Evidence packs")
    help_text = gettext_lazy("Engagements whose PoC is done, those without an evidence pack first.")
    empty_text = gettext_lazy("No engagement has finished a PoC yet.")

    def get_base_queryset(self):
        return selectors.evidence_overview()


def _packs(engagement) -> str:
    if not engagement.packs:
        return _("none")
    versions = ngettext("%(n)s version", "%(n)s versions", engagement.packs) % {"n": engagement.packs}
    return f"{versions} ({date_format(engagement.last_pack_at, 'DATE_FORMAT')})"


class EvidencePackCreateView(CreateView):
    """A new version of an engagement's evidence pack, starting from the previous one (or the next fiscal year and
    item 2 for the first). Saved through services.evidence_pack_create, which writes the audit event."""

    permission_required = "build"
    form_class = EvidencePackForm
    template_name = "tracker/admin/evidence_form.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.engagement = selectors.engagement_detail(kwargs["pk"], request.user)
        except Engagement.DoesNotExist as exc:
            raise Http404 from exc
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self._check_engagement()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._check_engagement()
        return super().post(request, *args, **kwargs)

    def _check_engagement(self):
        allowed, why = permissions.can_build_evidence_pack(self.request.user, self.engagement)
        if not allowed:
            raise PermissionDenied(why)
        self.latest = self.engagement.evidence_packs.order_by("-version").first()

    def get_panel(self):
        return None

    def get_initial_form_instance(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_initial(self):
        latest = self.latest
        if latest is None:
            return {"next_fiscal_year": next_fiscal_year(today_jst()), "clause": 2}
        return {  # the previous version is the starting point
            "clause": latest.clause,
            "conditions_met": [f"{latest.clause}:{key}" for key in latest.conditions_met],
            "price_note": latest.price_note,
            "alternatives_note": latest.alternatives_note,
            "next_fiscal_year": latest.next_fiscal_year,
            "budget_request_deadline": latest.budget_request_deadline,
        }

    def get_add_url(self):
        return reverse("evidence_pack:add", args=[self.engagement.pk])

    def get_page_title(self):
        return _("Evidence pack for a contract without open tender")

    def get_page_subtitle(self):
        return str(self.engagement)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("engagement:index"), "label": _("Engagements")},
            {"url": reverse("engagement:inspect", args=[self.engagement.pk]), "label": str(self.engagement)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            engagement=self.engagement,
            order_name=ORDER_NAME,
            latest=self.latest,
            figures=pilot_figures(self.engagement),
            title=self.get_page_title(),
        )
        return context

    def form_valid(self, form):
        self.form = form
        try:
            pack = services.evidence_pack_create(
                engagement=self.engagement, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Version %(v)s of the evidence pack has been made.") % {"v": pack.version}
        )
        return redirect("engagement:inspect", pk=self.engagement.pk)

    def form_invalid(self, form):
        self.form = form
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvidencePackViewSet(ModelViewSet):
    """The ministry's overview of evidence packs (listing) and the municipality's "build a version" (create view at
    <engagement pk>/new/)."""

    model = EvidencePack
    icon = "doc-full"
    menu_label = gettext_lazy("Evidence packs")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = EvidenceOverviewIndexView
    add_view_class = EvidencePackCreateView
    filterset_class = EvidenceOverviewFilter
    ordering = ["packs", "stage_changed_at", "pk"]
    exclude_form_fields = []
    list_per_page = 30

    @property
    def list_display(self):
        return [
            *engagement_columns(),
            Column("packs", label=gettext_lazy("evidence pack"), accessor=_packs),
            DateColumn("stage_changed_at", label=gettext_lazy("since")),
        ]

    def get_add_view_kwargs(self, **kwargs):
        return {"template_name": EvidencePackCreateView.template_name, **kwargs}

    def get_urlpatterns(self):
        kept = [p for p in super().get_urlpatterns() if p.name != "add"]
        return [*kept, path("<int:pk>/new/", self.add_view, name="add")]


# --- solutions to join --------------------------------------------------------------------------------------------


class SolutionIndexView(HelpedIndexView):
    detail_url_name = "solution:inspect"
    page_title = gettext_lazy("Solutions to join")
    help_text = gettext_lazy(
        "Challenges another municipality has solved (under contract or deployed). Join one to start from its scope "
        "and evidence: a linked engagement opens with the same startup."
    )

    empty_text = gettext_lazy("No solved challenges yet.")

    def get_base_queryset(self):
        return selectors.solved_for_joining()


def _my_municipalities(user, *, exclude=None):
    qs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if not is_ministry(user):
        qs = qs.filter(pk__in=organisation_ids_of(user))
    return qs.exclude(pk=exclude) if exclude else qs


def _join_initial(request, municipalities, origin) -> dict:
    """The join form filled in from the challenge editor's offer (?challenge=<the challenge being written>): the
    challenge's municipality, if the user acts for it, and a message naming both challenges; else the user's only
    municipality."""
    initial: dict = {}
    choices = list(municipalities[:2])
    if len(choices) == 1:
        initial["municipality"] = choices[0].pk
    try:
        challenge_pk = int(request.GET.get("challenge", ""))
    except ValueError:
        return initial
    challenge = ChallengePage.objects.filter(pk=challenge_pk, municipality__in=municipalities).first()
    if challenge is None:
        return initial
    initial["municipality"] = challenge.municipality_id
    initial["message"] = _(
        "Our challenge 「%(ours)s」 asks for what 「%(theirs)s」 solved in %(place)s; we would like to join this "
        "solution rather than start again."
    ) % {
        "ours": challenge.title,
        "theirs": origin.challenge.title if origin.challenge_id else origin,
        "place": origin.municipality,
    }
    return initial


class SolutionInspectView(InspectView):
    """One solved challenge: its scope, the towns using it, and 「この取組みに参加する」 (the join form, posted to the
    join view). A template of our own: the towns and the form, which Wagtail's inspect view has no component for."""

    template_name = "tracker/admin/solution.html"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.solved_for_joining(), pk=self.pk)

    def get_fields(self):
        return []

    def get_page_title(self):
        return _("Join this solution")

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("solution:index"), "label": _("Solutions to join")},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def municipalities(self):
        return _my_municipalities(self.request.user, exclude=self.object.municipality_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        origin = self.object
        municipalities = self.municipalities()
        form = getattr(self, "form", None) or JoinForm(
            municipalities=municipalities, initial=_join_initial(self.request, municipalities, origin)
        )
        has_pack = origin.evidence_packs.exists()
        context.update(
            origin=origin,
            form=form,
            join_url=reverse("solution:join", args=[origin.pk]),
            can_join=municipalities.exists(),
            towns=selectors.pooled_demand(origin).rows,
            has_pack=has_pack,
            pack_shared=not consent_missing(origin.pk, ConsentPurpose.SHARE_WITH_MUNICIPALITIES),
            title=self.get_page_title(),
        )
        return context


class JoinSolutionView(SolutionInspectView):
    """「この取組みに参加する」 (POST only): a linked engagement opens (services.adoption_join) and the user lands on it;
    else the solution's screen with the form's errors (400, or 403 when the service refuses the user)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.form = JoinForm(request.POST, municipalities=self.municipalities())
        status = 400
        if self.form.is_valid():
            try:
                engagement = services.adoption_join(
                    origin=self.object, actor=request.user, **self.form.cleaned_data
                )
                messages.success(request, _("Your municipality has joined; a linked engagement is open."))
                return redirect("engagement:inspect", pk=engagement.pk)
            except ValidationError as exc:
                add_service_errors(self.form, exc)
            except PermissionDenied as exc:
                self.form.add_error(None, str(exc))
                status = 403
        return self.render_to_response(self.get_context_data(), status=status)


class SolutionViewSet(ModelViewSet):
    """Solved challenges to join: the listing, one solution's screen at <pk>/ and the join at <pk>/join/. Its rows
    are engagements, under Engagement's registered policy (staff look; nobody adds, edits or deletes here)."""

    model = Engagement
    icon = "repeat"
    menu_label = gettext_lazy("Solutions to join")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = SolutionIndexView
    inspect_view_class = SolutionInspectView
    filterset_class = SolutionFilter
    ordering = ["-stage_changed_at", "-pk"]
    exclude_form_fields = []
    list_per_page = 30

    def register_admin_url_finder(self):
        """Engagement's admin URL finder stays EngagementViewSet's (an engagement's screen is engagement:inspect)."""

    @property
    def list_display(self):
        return [
            TitleColumn(
                "solution",
                label=gettext_lazy("solution"),
                accessor=lambda e: e.title or (e.challenge.title if e.challenge_id else str(e)),
                get_url=lambda e: reverse("solution:inspect", args=[e.pk]),
            ),
            Column("municipality", label=gettext_lazy("municipality"), accessor="municipality"),
            Column("startup", label=gettext_lazy("startup"), accessor="startup"),
            Column("stage", label=gettext_lazy("stage"), accessor="get_stage_display"),
            Column("joined", label=gettext_lazy("municipalities joined"), accessor="joined"),
        ]

    def get_urlpatterns(self):
        join = self.construct_view(
            JoinSolutionView, **self.get_inspect_view_kwargs(template_name=SolutionInspectView.template_name)
        )
        kept = [p for p in super().get_urlpatterns() if p.name != "inspect"]
        return [
            *kept,
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/join/", join, name="join"),
        ]
