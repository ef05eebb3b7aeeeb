"""Fixtures for the operations tests: real sites outside the test process (tests/ops/live_site.py)."""

from __future__ import annotations

import pytest

from tests.ops.live_site import copy_site, manage


@pytest.fixture(scope="session")
def migrated_site(tmp_path_factory):
    """A portal on an empty SQLite file after a plain `manage.py migrate` (nothing else): the folder holding it.

    Tests copy its database (live_site.copy_site) instead of migrating again.
    """
    var_dir = tmp_path_factory.mktemp("migrated-site")
    result = manage(var_dir, "migrate", "--noinput")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return var_dir


@pytest.fixture(scope="session")
def seeded_site(migrated_site, tmp_path_factory):
    """A copy of `migrated_site` after `manage.py seed_demo`: (folder, the seed command's CompletedProcess)."""
    var_dir = copy_site(migrated_site, tmp_path_factory.mktemp("seeded-site"))
    return var_dir, manage(var_dir, "seed_demo")
