"""The challenge editor's near-duplicate panel offers to join a solved challenge (「この取組みに参加する」): for the
similar challenges whose engagement became a solution others may join (selectors.solved_for_joining), the URL of
the join screen, carrying the challenge being written so the form starts filled in. Registered with
portal.challenges.similar (challenges never imports the tracker)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from .selectors import solved_for_joining


def join_urls(similar_pages, writing_page) -> dict[int, str]:
    """similar page pk → the URL to join its solution (the most recently advanced one when a challenge has several);
    one query whatever the number of pages. A solution of the writer's own municipality is not offered."""
    pks = [p.pk for p in similar_pages]
    if not pks:
        return {}
    solutions = (
        solved_for_joining()
        .filter(challenge_id__in=pks)
        .exclude(municipality_id=writing_page.municipality_id)
    )
    query = f"?{urlencode({'challenge': writing_page.pk})}" if writing_page.pk else ""
    urls: dict[int, str] = {}
    for engagement in solutions:  # newest first (solved_for_joining's order)
        if engagement.challenge_id not in urls:
            urls[engagement.challenge_id] = reverse("solution:inspect", args=[engagement.pk]) + query
    return urls
