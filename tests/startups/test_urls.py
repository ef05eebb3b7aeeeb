"""The startup's screens kept their addresses when they moved into portal/startups: bookmarks still work."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse
from django.utils import translation


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/mypage/", "startups:mypage"),
        ("/mypage/profile/", "startups:profile"),
        ("/mypage/profile/track-record/", "startups:track_record_add"),
        ("/mypage/profile/track-record/7/delete/", "startups:track_record_remove"),
        ("/mypage/profile/team/", "startups:team_add"),
        ("/mypage/profile/team/7/delete/", "startups:team_remove"),
        ("/mypage/notifications/", "startups:notifications"),
        ("/startups/", "startups:startup_list"),
        ("/startups/startup-a/", "startups:startup_detail"),
    ],
)
def test_the_old_paths_lead_to_the_startups_screens(path, name):
    with translation.override("ja"):  # Japanese at /…, English at /en/…
        match = resolve(path)
        assert reverse(name, kwargs=match.kwargs) == path
    assert match.view_name == name
    assert match.func.__module__.startswith("portal.startups.views.")
    with translation.override("en"):
        assert resolve("/en" + path).view_name == name
