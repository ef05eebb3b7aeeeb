from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "portal.tracker"
    label = "tracker"
    verbose_name = _("Tracker")

    def ready(self):
        # Matching announces accepted proposals; the tracker opens the engagement (matching never imports tracker).
        from matching.signals import proposal_accepted

        from .receivers import on_proposal_accepted

        proposal_accepted.connect(on_proposal_accepted, dispatch_uid="tracker.open_engagement_on_acceptance")

        # Each round's page shows what became of its matches (programme never imports tracker).
        from portal.programme.results import register_results_provider, register_years_provider

        from .round_results import result_years, round_figures

        register_results_provider(round_figures)
        register_years_provider(result_years)

        # Matching's evaluation grades pairs whose engagement showed results (matching never imports tracker).
        from matching.outcomes import register_outcome_provider

        from .selectors import engagement_outcomes

        register_outcome_provider(engagement_outcomes)

        # "Pick a time" on the startup's My page (core never imports tracker).
        from portal.core.actions import register_action_source

        from . import notices  # noqa: F401 — registers the kinds of notification this app sends
        from .meeting_actions import SOURCE as meeting_source

        register_action_source(meeting_source)

        # The evidence pack shows the engagement's agreements (実証協定書・契約) as one of its sections.
        from .evidence_agreements import register as register_agreements_in_evidence

        register_agreements_in_evidence()

        # The challenge editor's near-duplicate panel offers to join a solved one (challenges never imports tracker).
        from portal.challenges.similar import register_join_provider

        from .solution_offers import join_urls

        register_join_provider(join_urls)

        # The ministry's dashboard keeps its figures until a tracker write commits (tracker/dashboard.py).
        from . import dashboard

        dashboard.connect_signals()
