"""Fixtures for the operations tests: real sites outside the test process (tests/ops/live_site.py)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.ops.live_site import copy_site, manage


def _shared_folder(tmp_path_factory, name: str, build) -> Path:
    """The folder `name`, built once per test run by `build(folder)`, even with several pytest-xdist workers.

    Each xdist worker is its own process with its own session fixtures; the workers of one run share the parent of
    their temporary folders, so the first one to get the lock builds there and the others wait and reuse it
    (pytest-xdist's documented way of running a session fixture once).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / name
    done = folder / ".built"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                folder.mkdir(exist_ok=True)
                build(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def migrated_site(tmp_path_factory):
    """A portal on an empty SQLite file after a plain `manage.py migrate` (nothing else): the folder holding it.

    Tests copy its database (live_site.copy_site) instead of migrating again.
    """

    def build(var_dir: Path) -> None:
        result = manage(var_dir, "migrate", "--noinput")
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    return _shared_folder(tmp_path_factory, "migrated-site", build)


@pytest.fixture(scope="session")
def seeded_site(migrated_site, tmp_path_factory):
    """A copy of `migrated_site` after `manage.py seed_demo`: (folder, the seed command's CompletedProcess)."""

    def build(var_dir: Path) -> None:
        copy_site(migrated_site, var_dir)
        result = manage(var_dir, "seed_demo")
        (var_dir / "seed_demo.json").write_text(
            json.dumps(
                {
                    "args": result.args,
                    "returncode": result.returncode,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                }
            )
        )

    var_dir = _shared_folder(tmp_path_factory, "seeded-site", build)
    seeded = json.loads((var_dir / "seed_demo.json").read_text())
    return var_dir, subprocess.CompletedProcess(**seeded)
