"""Fixtures for the startup's screens: the applications' world (two startups, municipalities, the ministry, open
challenges — tests/applications/factories.py), since the screens show what applications and the tracker hold."""

from __future__ import annotations

import pytest

from tests.applications.factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level messages are compared in English (the source); pages choose their language by URL."""
    from django.utils import translation

    with translation.override("en"):
        yield
