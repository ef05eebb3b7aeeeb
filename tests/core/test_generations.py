"""The one mechanism behind every cache's retirement (portal/core/generations.py): a write makes every entry kept
under the old token stale, at once and again when its transaction commits, and a save of any page type counts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from portal.core import generations, pagecache, routing, usercache
from portal.search import results_cache
from tests import factories
from tests.programme import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def on():
    state = {"on": True}
    generation = generations.Generation("test:generation", enabled=lambda: state["on"])
    return generation, state


def test_an_entry_is_current_until_the_generation_is_retired(on):
    generation, _ = on
    token = generation.current()
    cache.set("test:entry", (token, "kept"))
    read_token, found = generation.read("test:entry")
    assert read_token == token and found["test:entry"] == (token, "kept")
    generation.retire()
    new_token, found = generation.read("test:entry")
    assert new_token != token and found["test:entry"][0] != new_token


def test_a_write_retires_now_and_again_when_it_commits(on, django_capture_on_commit_callbacks):
    generation, _ = on
    before = generation.current()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        generation.retire()
        during = generation.current()
        # Another request, still seeing the rows before the commit, keeps its render under the current token ...
        cache.set("test:entry", (during, "made from the old rows"))
    assert during != before and len(callbacks) == 1
    callbacks[0]()
    # ... and the commit retires it.
    assert generation.current() not in (before, during)


def test_nothing_is_written_while_the_cache_is_off(on):
    generation, state = on
    token = generation.current()
    state["on"] = False
    generation.retire()
    assert generation.current() == token


def test_tokens_never_retired_read_as_empty_and_renewed_ones_as_new():
    tokens, found = generations.read_tokens(["test:a", "test:b"], "test:entry")
    assert tokens == {"test:a": "", "test:b": ""} and found == {}
    generations.renew_keys(["test:a"])
    tokens, _ = generations.read_tokens(["test:a", "test:b"])
    assert tokens["test:a"] != "" and tokens["test:b"] == ""


def test_a_save_of_any_page_type_retires_the_content_and_search_generations(settings):
    """Signals are sent by the concrete class: each page type is connected, not only `Page`."""
    settings.PAGE_CACHE_SECONDS = settings.SEARCH_CACHE_SECONDS = settings.ROUTE_CACHE_SECONDS = 300
    page = pf.content("制度について", "about-generations")
    content, search, route = (
        pagecache.CONTENT.current(),
        results_cache.SEARCH.current(),
        routing.ROUTING.current(),
    )
    page.title = "制度について（改）"
    page.save()
    assert pagecache.CONTENT.current() != content
    assert results_cache.SEARCH.current() != search
    # An edit of an existing page changes nothing routing keeps (each hit checks live, locale and url_path).
    assert routing.ROUTING.current() == route


def test_an_unrelated_write_retires_nothing(settings):
    settings.PAGE_CACHE_SECONDS = settings.ROUTE_CACHE_SECONDS = 300
    content, route = pagecache.CONTENT.current(), routing.ROUTING.current()
    factories.organisation("startup", name="株式会社ゆきみち")
    assert pagecache.CONTENT.current() == content and routing.ROUTING.current() == route


def test_a_process_of_the_previous_release_can_still_count_its_own_versions(settings, client):
    """During a rolling deployment, processes of the previous release share the cache: they kept these generations
    as counters moved on by `incr`, and fail on a string. This release's tokens live under other keys."""
    settings.PAGE_CACHE_SECONDS = settings.ROUTE_CACHE_SECONDS = settings.SHELL_CACHE_SECONDS = 300
    user = factories.staff(factories.organisation("municipality", name="高松市"))
    previous = [
        "pagecache:version",
        "routing:version",
        f"usercache:unread:v:{user.pk}",
        "usercache:scope:all",
    ]
    cache.set_many(dict.fromkeys(previous, 1), None)
    pf.content("制度について", "about-rolling")  # retires the content and routing generations
    usercache.invalidate_user("unread", user)
    usercache.invalidate_scope("all")
    client.force_login(user)
    client.get("/about-rolling/")  # reads and starts what this release keeps
    for key in previous:
        assert cache.incr(key) == 2, key
