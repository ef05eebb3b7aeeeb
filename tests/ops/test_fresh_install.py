"""A fresh install: `manage.py migrate` alone gives a working site (no other set-up command)."""

from __future__ import annotations

from tests.challenges.test_import import GOOD, _csv
from tests.ops.live_site import copy_site, manage


def test_migrate_alone_then_seed_demo_and_import_work_on_an_empty_sqlite_file(seeded_site, tmp_path):
    seeded, result = seeded_site  # `migrate` on an empty SQLite file, then `seed_demo`
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = copy_site(seeded, tmp_path / "site")
    result = manage(site, "seed_demo")  # a second run is harmless
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    spreadsheet = tmp_path / "challenges.csv"
    spreadsheet.write_bytes(_csv(GOOD))
    result = manage(site, "import_challenges", str(spreadsheet), "--publish")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
