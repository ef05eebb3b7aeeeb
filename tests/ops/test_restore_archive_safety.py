"""`manage.py restore` refuses a crafted archive before it writes anything (issue #16, item 10).

Each archive below is a well-formed xact backup (a manifest listing every member with its right size and SHA-256)
except for one member: an absolute path, a `..` path, a symlink, a hard link, or a database file whose name leads
out of the restore folder. The restore must stop with a message naming that member, and nothing may appear outside
(or inside) the media folders, nor may the database be touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from portal.core.backup import FORMAT, MANIFEST

pytestmark = pytest.mark.django_db

PAYLOAD = b"written by a crafted archive\n"


def _file(name: str, data: bytes = PAYLOAD) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name: str, target: str, kind: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, b""


def _archive(
    path: Path, members: list[tuple[tarfile.TarInfo, bytes]], *, database_file: str = "db.sqlite3"
) -> Path:
    """A backup whose manifest lists every member, with sizes and checksums that match."""
    dump = _file(database_file, b"SQLite format 3\x00" + b"\x00" * 84)
    everything = [dump, *members]
    manifest = {
        "format": FORMAT,
        "created_at": "2026-12-07T03:00:00+09:00",
        "engine": connection.vendor,
        "database_file": database_file,
        "migrations": [],
        "tables": {},
        "members": {
            info.name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for info, data in everything
        },
        "missing_files": [],
    }
    with tarfile.open(path, "w:gz") as tar:
        for info, data in everything:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    return path


@pytest.fixture
def folders(tmp_path, settings):
    """Empty media folders inside tmp_path/restore; tmp_path/outside is where an escape would land."""
    restore_root = tmp_path / "restore"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(restore_root / "media")}},
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": str(restore_root / "private"), "base_url": None},
        },
    }
    (tmp_path / "outside").mkdir()
    return tmp_path


def _all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


CASES = {
    "absolute path": lambda tmp: [_file(str(tmp / "outside" / "absolute.txt"))],
    "dot-dot path": lambda tmp: [_file("media/../../outside/dotdot.txt")],
    "symlink": lambda tmp: [
        _link("media/documents/link.pdf", str(tmp / "outside" / "target.txt"), tarfile.SYMTYPE)
    ],
    "hard link": lambda tmp: [_link("media/documents/hard.pdf", "manifest.json", tarfile.LNKTYPE)],
    "symlink to a relative target": lambda tmp: [_link("media/up", "../../outside", tarfile.SYMTYPE)],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_restore_refuses_a_crafted_member_and_names_it(folders, case):
    members = [_file("media/original_images/ok.png"), *CASES[case](folders)]
    crafted = members[-1][0].name
    archive = _archive(folders / f"{case}.tar.gz", members)
    before = _tables()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--force", "--no-index", stdout=io.StringIO())
    assert crafted in str(refused.value)
    assert _all_files(folders / "outside") == []
    assert not (folders / "restore").exists() or _all_files(folders / "restore") == []
    assert _tables() == before  # the database was not replaced (--force would have replaced it)


def test_restore_refuses_a_database_file_named_outside_the_restore_folder(folders):
    escape = "../../../../../../../../.." + str(folders / "outside" / "db.sqlite3")
    archive = _archive(folders / "escape.tar.gz", [], database_file=escape)
    before = _tables()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), "--force", "--no-index", stdout=io.StringIO())
    assert escape in str(refused.value)
    assert _all_files(folders / "outside") == []
    assert _tables() == before
