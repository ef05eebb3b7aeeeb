"""The ministry's dashboard: its figures, counted once and kept in the shared cache until a tracker write retires them.

Counting them takes some twenty aggregate queries over every challenge, application, review and engagement (over a
second of the database at 200,000 applications), and the admin page is opened often. `dashboard_context()` returns
the whole context of the page's body — numbers, labels and the charts' markup, in the request's language, with no
model instances — and the body's markup rendered from them, from `core.slow_figures.remembered`, per fiscal year,
language and scope:

- any write in the tracker (a tracker model saved or deleted, or a tracker audit event: every service records one,
  also after a queryset `update()`) retires every kept copy at once and again when its transaction commits (`retire()`), so a
  change the ministry makes on the tracker's screens shows on the dashboard at once;
- what the tracker does not write (challenges published, applications submitted and reviewed, messages answered)
  shows within ``TRACKER_DASHBOARD_CACHE_SECONDS`` (0 = off: each request counts), re-counted by one request
  while the others keep the previous copy.

Scope: the page is for ministry staff only (the view refuses everyone else before anything is read), who see the
whole programme; the scope is part of the key so that a narrower audience would never share their copy.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_save
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.core.calendar import current_fiscal_year
from portal.core.generations import Generation
from portal.core.models import AuditEvent
from portal.core.slow_figures import remembered

from . import charts, scorecards, selectors
from .models import FiscalBudget

GENERATION_KEY = "xact:tracker:dashboard:generation"
# the shape of a kept copy: a release that changes what `_count` returns changes it, so no copy of the old shape is read
SHAPE = 2
CACHE_KEY = "xact:tracker:dashboard:v{shape}:{generation}:{scope}:{year}:{language}"
MINISTRY = "ministry"


def cache_seconds() -> int:
    return int(getattr(settings, "TRACKER_DASHBOARD_CACHE_SECONDS", 300))


# Every kept copy is made under this generation (portal/core/generations.py).
DASHBOARD = Generation(GENERATION_KEY, enabled=lambda: cache_seconds() > 0)


def retire(*args, **kwargs) -> None:
    """Retire every kept copy of the dashboard's figures (now, and again when the current transaction commits)."""
    DASHBOARD.retire()


def connect_signals() -> None:
    """A save or deletion of any tracker model retires the figures; so does a tracker service's audit event."""
    DASHBOARD.retire_on_change(apps.get_app_config("tracker").get_models(), uid="tracker.dashboard")
    post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="tracker.dashboard.retire_on_audit")


def on_audit_event(sender, instance, created=False, **kwargs) -> None:
    """A tracker service's audit event (it writes one with every change, `update()`s included) retires them too."""
    if created and (instance.action.startswith("tracker.") or instance.object_type.startswith("tracker.")):
        retire()


def dashboard_context(fiscal_year: int, scope: str = MINISTRY) -> dict:
    """The body of the dashboard for `scope` (only the ministry's: the view admits no one else)."""
    if scope != MINISTRY:
        raise ValueError(f"no dashboard for scope {scope!r}")
    seconds = cache_seconds()
    if seconds <= 0:
        return _count(fiscal_year)
    key = CACHE_KEY.format(
        shape=SHAPE, generation=DASHBOARD.current(), scope=scope, year=fiscal_year, language=get_language()
    )
    return remembered(key, seconds, lambda: _count(fiscal_year))


def _count(year: int) -> dict:
    """Every figure of the page, as plain values (strings, numbers, dates, the charts' markup): they go to the cache."""
    figures = selectors.programme_figures(year)
    funnel = [
        selectors.FunnelStep(s.key, str(s.label), s.count, s.rate) for s in selectors.funnel(year, figures)
    ]
    found = selectors.budget_with_balances(year)
    budget = None
    budget_rows: list[tuple[str, int]] = []
    if found is not None:
        budget_model, b = found
        budget = {"amount_yen": budget_model.amount_yen}
        budget_rows = [
            (_("reserved"), b["reserved"]),
            (_("settled, awaiting payment"), b["settled"]),
            (_("paid"), b["paid"]),
            (_("free"), b["free"]),
        ]
    engagements = selectors.engagement_breakdown()
    stages, prefectures = engagements.stages, engagements.prefectures
    budget_years = FiscalBudget.objects.values_list("fiscal_year", flat=True)
    stalled = [
        {
            "pk": e.pk,
            "label": str(e),
            "stage": str(e.get_stage_display()),
            "last_activity_at": e.last_activity_at,
        }
        for e in selectors.stalled_engagements()[:50]
    ]
    fy = f"FY{year}"
    context = {
        # selectors.fiscal_years(), with the engagements' years from the breakdown above
        "years": sorted(set(budget_years) | set(engagements.years) | {current_fiscal_year()}, reverse=True),
        "funnel": funnel,
        "funnel_chart": charts.bar_chart(
            title=_("Funnel %(fy)s") % {"fy": fy},
            desc=_("From challenges posted to solutions adopted elsewhere, %(fy)s.") % {"fy": fy},
            rows=[(s.label, s.count) for s in funnel],
        ),
        "budget": budget,
        "budget_rows": budget_rows,
        "budget_chart": charts.bar_chart(
            title=_("Travel budget %(fy)s") % {"fy": fy},
            desc=_("Reserved, settled, paid and free amounts of the travel-support budget, in yen."),
            rows=budget_rows,
            yen=True,
            colour=charts.COLOURS[2],
        )
        if budget_rows
        else "",
        "stages": stages,
        "stage_chart": charts.bar_chart(
            title=_("Engagements by stage"),
            desc=_("Number of engagements currently in each stage."),
            rows=stages,
            colour=charts.COLOURS[1],
        ),
        "prefectures": prefectures,
        "prefecture_chart": charts.bar_chart(
            title=_("Engagements by prefecture"),
            desc=_("Number of engagements per prefecture of the municipality."),
            rows=prefectures,
            colour=charts.COLOURS[3],
        ),
        "stalled": stalled,
    }
    context.update(scorecards.dashboard_context(year))
    # the body's markup too (it depends on nothing but these figures, the year and the language of the key)
    context["body"] = render_to_string(
        "tracker/admin/includes/dashboard_body.html", {"year": year, **context}
    )
    return context
