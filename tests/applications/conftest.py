"""Fixtures for applications: two startups, two municipalities with staff, the ministry, and open challenges
(the builders are in tests/applications/factories.py)."""

from __future__ import annotations

import pytest

from .factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level messages are compared in English (the source); pages choose their language by URL."""
    from django.utils import translation

    with translation.override("en"):
        yield
