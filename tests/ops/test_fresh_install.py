"""A fresh install: `manage.py migrate` alone gives a working site (no other set-up command)."""

from __future__ import annotations

from tests.challenges.test_import import GOOD, _csv
from tests.ops.live_site import copy_site, manage


def test_migrate_alone_then_seed_demo_and_import_work_on_an_empty_sqlite_file(migrated_site, tmp_path):
    site = copy_site(migrated_site, tmp_path / "site")
    for args in (["seed_demo"], ["seed_demo"]):  # a second run is harmless
        result = manage(site, *args)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    spreadsheet = tmp_path / "challenges.csv"
    spreadsheet.write_bytes(_csv(GOOD))
    result = manage(site, "import_challenges", str(spreadsheet), "--publish")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
