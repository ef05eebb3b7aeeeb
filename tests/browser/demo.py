"""The demo programme (rounds, guides, news) for the browser tests, with its current round open today."""

import datetime as dt

from django.utils import timezone

from portal.core.models import HomePage
from portal.programme.demo import create_demo_programme
from portal.programme.models import RoundStep

DEMO_TODAY = dt.date(2026, 11, 26)  # the day the demo's FY2026 round takes applications


def demo_programme_open_today(municipality):
    """Create the demo programme with ``municipality`` as 高松市 (372013) and move the FY2026 round's schedule so
    that today is the day it takes applications."""
    demo = create_demo_programme(HomePage.objects.get(), {"372013": municipality})
    shift = timezone.localdate() - DEMO_TODAY
    for step in RoundStep.objects.filter(page=demo.rounds[2026]):
        step.starts += shift
        step.ends = step.ends + shift if step.ends else None
        step.save()
    return demo
