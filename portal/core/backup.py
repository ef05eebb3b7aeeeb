"""Backup and restore of the whole portal: the database (SQLite or PostgreSQL) and both media trees.

An archive (``.tar.gz``) holds
- ``db.sqlite3`` (SQLite, made with SQLite's online backup API) or ``db.pgdump`` (PostgreSQL, ``pg_dump -Fc``),
- ``media/…`` (public MEDIA_ROOT: Wagtail images and documents) and ``private/…`` (PRIVATE_MEDIA_ROOT: application
  attachments, receipts, progress-report files, rendered reports) — or, with MEDIA_STORAGE=s3, every object of the
  media and the private bucket, read and written through the storage API (the archive is the same either way, so
  an archive of a one-server deployment restores into buckets and back),
- ``manifest.json``: format, engine, time, the applied migrations, the row count of every table in the snapshot,
  and the size and SHA-256 of every member.

Why native dumps rather than a JSON dump through Django's serializers: a native dump restores the exact schema
(constraints, triggers and indexes made by raw SQL in migrations, sequences) with the data in seconds, while a JSON
dump must replay every migration into the empty database first (minutes here) and trips over ParentalManyToMany,
content types and tree paths. The cost: an archive restores into the same engine it came from. The snapshot is
consistent: SQLite's backup API copies one committed state; on PostgreSQL the row counts are taken in a REPEATABLE
READ transaction whose snapshot ``pg_dump --snapshot`` then dumps. Files are copied after the database snapshot, so
a file uploaded meanwhile is at worst an extra file; any file a row names but the archive lacks is reported.

The search index is not archived: it is derived data, rebuilt by ``manage.py update_index``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections, models
from django.db.migrations.recorder import MigrationRecorder

from portal.core.storage import AliasStorage

FORMAT = "xact-backup/1"
MANIFEST = "manifest.json"
MEDIA_TREES = {"media": "default", "private": "private"}  # archive folder → storage alias
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass
class Result:
    archive: Path
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    missing_files: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _is_local(alias: str) -> bool:
    return isinstance(storages[alias], FileSystemStorage)


def _storage_root(alias: str) -> Path:
    return Path(storages[alias].location)


def _walk(storage, folder: str = "") -> list[str]:
    """Every file name under folder in a storage that is not the local disk (an object store), sorted."""
    directories, files = storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for directory in directories:
        names += _walk(storage, f"{folder}{directory}/")
    return sorted(names)


def _stored_names(alias: str) -> list[str]:
    """The names of the files a media tree holds (relative to its root), without unfinished uploads."""
    if _is_local(alias):
        root = _storage_root(alias)
        if not root.is_dir():
            return []
        return sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not p.is_symlink() and not p.name.startswith(".partial-")
        )
    return _walk(storages[alias])


def _alias_of(storage) -> str:
    """The MEDIA_TREES alias a FileField's storage stands for."""
    if isinstance(storage, AliasStorage):
        return storage.alias
    for alias in MEDIA_TREES.values():
        candidate = storages[alias]
        if storage is candidate or (
            type(storage) is type(candidate)
            and getattr(storage, "location", None) == getattr(candidate, "location", None)
            and getattr(storage, "bucket_name", None) == getattr(candidate, "bucket_name", None)
        ):
            return alias
    return "default"


def model_tables() -> list[str]:
    """Every table Django manages (models and many-to-many tables), sorted."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped:
            tables.add(model._meta.db_table)
    return sorted(tables)


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _applied_migrations(alias: str) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[alias]).applied_migrations())


def _dump_sqlite(alias: str, target: Path, tables: list[str]) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # one consistent committed state, even while others write
    finally:
        destination.close()
    existing_conn = sqlite3.connect(target)
    try:
        present = {
            row[0] for row in existing_conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        return {
            t: existing_conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in tables
            if t in present
        }
    finally:
        existing_conn.close()


def _dump_postgresql(alias: str, target: Path, tables: list[str]) -> dict[str, int]:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction (it opens its own snapshot).")
    args, env = _pg_env(connection.settings_dict)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            present = {row[0] for row in cursor.fetchall()}
            counts = {}
            for table in tables:
                if table in present:
                    cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                    counts[table] = cursor.fetchone()[0]
            completed = subprocess.run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    connection.settings_dict["NAME"],
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if completed.returncode != 0:
                raise BackupError(f"pg_dump failed: {completed.stderr.strip()}")
        finally:
            cursor.execute("COMMIT")
    return counts


def _referenced_files(alias: str) -> dict[str, set[str]]:
    """Storage alias → names stored in FileFields (rows that point at a file)."""
    out: dict[str, set[str]] = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and f.model is model:
                storage_alias = _alias_of(f.storage)
                names = (
                    model._base_manager.using(alias)
                    .exclude(**{f.attname: ""})
                    .values_list(f.attname, flat=True)
                )
                out.setdefault(storage_alias, set()).update(n for n in names if n)
    return out


def backup(
    archive: Path, *, database: str = "default", log: Callable[[str], None] = lambda _: None
) -> Result:
    """Write one archive of the database and both media trees; the archive appears only when it is complete."""
    archive = Path(archive)
    vendor = _engine(database)
    tables = model_tables()
    result = Result(archive=archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(archive.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="xact-backup-") as tmp:
        dump = Path(tmp) / ("db.sqlite3" if vendor == "sqlite" else "db.pgdump")
        log(f"Database snapshot ({vendor})…")
        counts = (_dump_sqlite if vendor == "sqlite" else _dump_postgresql)(database, dump, tables)
        migrations = _applied_migrations(database)
        result.tables = counts
        log(f"  {len(counts)} tables, {sum(counts.values())} rows")
        members = {dump.name: {"size": dump.stat().st_size, "sha256": _sha256(dump)}}
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(dump, arcname=dump.name)
            for folder, storage_alias in MEDIA_TREES.items():
                local = _is_local(storage_alias)
                where = (
                    _storage_root(storage_alias) if local else f"bucket {storages[storage_alias].bucket_name}"
                )
                log(f"Files in {folder}/ ({where})…")
                n = 0
                for stored in _stored_names(storage_alias):
                    name = f"{folder}/{stored}"
                    if local:
                        path = _storage_root(storage_alias) / stored
                    else:  # an object: copied to a temporary file once, then hashed and archived from there
                        path = Path(tmp) / "object"
                        with storages[storage_alias].open(stored, "rb") as src, open(path, "wb") as out:
                            while chunk := src.read(CHUNK):
                                out.write(chunk)
                    members[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
                    tar.add(path, arcname=name, recursive=False)
                    n += 1
                    result.bytes += members[name]["size"]
                    if n % 200 == 0:
                        log(f"  {n} files")
                log(f"  {n} files")
                result.files += n
            for storage_alias, names in _referenced_files(database).items():
                folder = next(k for k, v in MEDIA_TREES.items() if v == storage_alias)
                result.missing_files += sorted(
                    f"{folder}/{n}" for n in names if f"{folder}/{n}" not in members
                )
            manifest = {
                "format": FORMAT,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "engine": vendor,
                "database_file": dump.name,
                "migrations": migrations,
                "tables": counts,
                "members": members,
                "missing_files": result.missing_files,
            }
            manifest_path = Path(tmp) / MANIFEST
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            tar.add(manifest_path, arcname=MANIFEST)
    os.replace(partial, archive)
    return result


# --- restore ------------------------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError as exc:
        raise BackupError("Not an xact backup: manifest.json is missing.") from exc
    manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r} (this version reads {FORMAT}).")
    return manifest


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name or "\x00" in name:
        raise BackupError(f"Refusing a suspicious name in the archive: {name!r}")
    return path


def check_members(tar: tarfile.TarFile, manifest: dict) -> None:
    """Refuse the whole archive, before anything is written, if any member could land outside the restore folders:
    an absolute name, a `..` part, a link (symbolic or hard), a device or a folder entry; and a database file whose
    name is more than a plain file name. The backup writes only regular files under media/ and private/."""
    database_file = str(manifest.get("database_file", ""))
    if PurePosixPath(database_file).name != database_file or database_file in {"", ".", ".."}:
        raise BackupError(
            f"Refusing the archive: its database file {database_file!r} is not a plain file name."
        )
    for member in tar.getmembers():
        _safe_name(member.name)
        if member.issym() or member.islnk():
            raise BackupError(f"Refusing the archive: {member.name!r} is a link (to {member.linkname!r}).")
        if not member.isfile():
            raise BackupError(f"Refusing the archive: {member.name!r} is not a regular file.")
        if (
            member.name not in (database_file, MANIFEST)
            and PurePosixPath(member.name).parts[0] not in MEDIA_TREES
        ):
            raise BackupError(f"Refusing the archive: unexpected member {member.name!r}.")


def _extract_verified(tar: tarfile.TarFile, name: str, expected: dict, target: Path) -> None:
    """Copy one member to target through a temporary file, checking size and SHA-256 before it appears."""
    member = tar.getmember(name)
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a regular file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    try:
        with os.fdopen(fd, "wb") as out, tar.extractfile(member) as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
            raise BackupError(f"Checksum mismatch for {name}: the archive is damaged.")
        os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def _restore_object(tar: tarfile.TarFile, name: str, expected: dict, alias: str, stored: str) -> None:
    """Check one member (size, SHA-256) in a temporary file, then put it in the object store under its old name
    (replacing an object of that name: a restore with --force over a bucket that still holds it)."""
    storage = storages[alias]
    with tempfile.TemporaryDirectory(prefix="xact-restore-object-") as tmp:
        path = Path(tmp) / "object"
        _extract_verified(tar, name, expected, path)
        if storage.exists(stored):
            storage.delete(stored)
        with open(path, "rb") as fh:
            saved = storage.save(stored, File(fh))
    if saved != stored:
        raise BackupError(f"The object store kept {name} as {saved!r}; the rows name {stored!r}.")


def database_is_empty(alias: str) -> bool:
    """Empty means no tables at all (a new SQLite file, a new PostgreSQL database)."""
    return not connections[alias].introspection.table_names()


def _media_is_empty() -> bool:
    return not any(_stored_names(storage_alias) for storage_alias in MEDIA_TREES.values())


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces every page of the target database
    finally:
        source.close()
    connection.close()


def _restore_postgresql(alias: str, dump: Path, *, force: bool) -> None:
    connection = connections[alias]
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    args, env = _pg_env(connection.settings_dict)
    completed = subprocess.run(
        [
            "pg_restore",
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            connection.settings_dict["NAME"],
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise BackupError(f"pg_restore failed: {completed.stderr.strip()}")


def restore(
    archive: Path,
    *,
    database: str = "default",
    force: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> dict:
    """Restore an archive into an empty database and empty media folders (or replace them with force)."""
    archive = Path(archive)
    vendor = _engine(database)
    with tarfile.open(archive, "r:gz") as tar:
        manifest = read_manifest(tar)
        check_members(tar, manifest)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This archive holds a {manifest['engine']} database; the target database is {vendor}."
            )
        name = str(connections[database].settings_dict["NAME"])
        if vendor == "sqlite" and not name.startswith("file:") and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)  # a new SQLite file in a new folder
        if not force and not database_is_empty(database):
            raise BackupError("The target database is not empty; use --force to replace everything in it.")
        if not force and not _media_is_empty():
            raise BackupError("The media folders are not empty; use --force to restore over them.")
        members = manifest["members"]
        listed = set(members) | {MANIFEST}
        extra = [m.name for m in tar.getmembers() if m.name not in listed]
        if extra:
            raise BackupError(f"The archive holds files its manifest does not list: {extra[:5]}")
        with tempfile.TemporaryDirectory(prefix="xact-restore-") as tmp:
            dump_name = manifest["database_file"]
            dump = Path(tmp) / dump_name
            log("Checking and unpacking the database dump…")
            _extract_verified(tar, dump_name, members[dump_name], dump)
            log(f"Restoring the database ({vendor})…")
            if vendor == "sqlite":
                _restore_sqlite(database, dump)
            else:
                _restore_postgresql(database, dump, force=force)
        # The restored tables must hold exactly the rows the snapshot counted.
        connection = connections[database]
        with connection.cursor() as cursor:
            for table, expected in manifest["tables"].items():
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                if cursor.fetchone()[0] != expected:
                    raise BackupError(f"Table {table} does not hold the {expected} rows of the snapshot.")
        log(f"  {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows verified")
        n = 0
        for name in sorted(members):
            if name == manifest["database_file"]:
                continue
            path = _safe_name(name)
            folder, rest = path.parts[0], path.parts[1:]
            if folder not in MEDIA_TREES or not rest:
                raise BackupError(f"Unexpected member {name!r} in the archive.")
            alias = MEDIA_TREES[folder]
            if _is_local(alias):
                _extract_verified(tar, name, members[name], _storage_root(alias).joinpath(*rest))
            else:
                _restore_object(tar, name, members[name], alias, "/".join(rest))
            n += 1
            if n % 200 == 0:
                log(f"  {n} files")
        log(f"  {n} files verified (SHA-256) and restored")
    return manifest
