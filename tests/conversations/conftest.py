"""Fixtures for questions and conversations: startups A and B, municipalities X and Y with staff, the ministry,
A's application to X's challenge (submitted), B's to Y's, and the engagement of X and A."""

from __future__ import annotations

import pytest
from django.utils import translation

from .factories import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level messages are compared in English (the source); pages choose their language by URL."""
    with translation.override("en"):
        yield
