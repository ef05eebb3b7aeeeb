"""Live checks of a deployment (`manage.py check_deployment`): what `check --deploy` cannot see from settings.

Each check returns a Finding: ok or not, what was checked, and what to do. Nothing here changes data; the
folders checks create a missing folder (as the storage would on the first upload) and a file they remove.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    detail: str = ""


def database_reachable(alias: str = "default") -> Finding:
    try:
        connections[alias].ensure_connection()
    except Exception as exc:  # any driver's error: the point is to report it
        return Finding(False, "database reachable", f"{exc} — check DATABASE_URL and the database server")
    return Finding(True, "database reachable", connections[alias].vendor)


def migrations_applied(alias: str = "default") -> Finding:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return Finding(
            False, "migrations applied", f"{len(plan)} not applied ({names} …): run manage.py migrate"
        )
    return Finding(True, "migrations applied")


def caches_reachable() -> list[Finding]:
    """Write, read and delete a key in every configured cache (a cache that drops writes fails too)."""
    findings = []
    for alias in settings.CACHES:
        cache = caches[alias]
        key = f"xact:check-deployment:{uuid.uuid4().hex}"
        try:
            cache.set(key, "ok", 30)
            ok = cache.get(key) == "ok"
            cache.delete(key)
        except Exception as exc:  # any backend's error
            ok, detail = False, str(exc)
        else:
            detail = "" if ok else "a value written could not be read back"
        backend = settings.CACHES[alias]["BACKEND"].rsplit(".", 1)[-1]
        findings.append(
            Finding(
                ok,
                f"cache '{alias}' reachable ({backend})",
                detail + (" — check REDIS_URL and the Redis server" if not ok else ""),
            )
        )
    return findings


def folders_writable() -> list[Finding]:
    folders = {"SEARCH_INDEX_DIR": settings.SEARCH_INDEX_DIR}
    if settings.MEDIA_STORAGE == "local":
        folders = {
            "MEDIA_ROOT": settings.MEDIA_ROOT,
            "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
            **folders,
        }
    findings = []
    for name, folder in folders.items():
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-deployment-"):
                pass
        except OSError as exc:
            findings.append(Finding(False, f"{name} writable", f"{folder}: {exc}"))
        else:
            findings.append(Finding(True, f"{name} writable", str(folder)))
    return findings


def static_files_collected() -> Finding:
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if not backend.endswith("ManifestStaticFilesStorage"):
        return Finding(True, "static files", f"served by {backend.rsplit('.', 1)[-1]}, no manifest needed")
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return Finding(False, "static files collected", f"{manifest} is missing: run manage.py collectstatic")
    return Finding(True, "static files collected", str(manifest))


def worker_keeps_up(*, waiting_after: dt.timedelta = dt.timedelta(minutes=15)) -> Finding:
    """Background tasks (search index, notifications, reports) queued long ago and not yet taken: no worker."""
    if settings.TASKS_BACKEND == "rq":
        return _rq_worker_keeps_up(waiting_after=waiting_after)
    now = timezone.now()
    late = DBTaskResult.objects.ready().filter(enqueued_at__lt=now - waiting_after)
    count = late.count()
    last = DBTaskResult.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    seen = (
        f"last task finished {timezone.localtime(last.finished_at):%Y-%m-%d %H:%M} by {last.worker_ids[-1]}"
        if last is not None and last.worker_ids
        else "no task has finished yet"
    )
    if count:
        minutes = int(waiting_after.total_seconds() // 60)
        return Finding(
            False,
            "task worker running",
            f"{count} task(s) waiting for more than {minutes} minutes ({seen}): start "
            f"`manage.py run_worker` (docs/deployment.md)",
        )
    return Finding(True, "task worker running", seen)


def _rq_worker_keeps_up(*, waiting_after: dt.timedelta) -> Finding:
    import django_rq
    from rq import Worker

    try:
        queue = django_rq.get_queue("default")
        oldest = queue.get_jobs(0, 1)
        workers = Worker.count(queue=queue)
    except Exception as exc:  # Redis away: the point is to report it
        return Finding(False, "task worker running", f"{exc} — check RQ_URL/REDIS_URL and the Redis server")
    seen = f"{workers} RQ worker(s) listening, {queue.count} task(s) queued"
    if oldest and oldest[0].enqueued_at and oldest[0].enqueued_at < timezone.now() - waiting_after:
        minutes = int(waiting_after.total_seconds() // 60)
        return Finding(
            False,
            "task worker running",
            f"a task has waited for more than {minutes} minutes ({seen}): start "
            f"`manage.py run_worker` (docs/deployment.md)",
        )
    return Finding(True, "task worker running", seen)


def object_storage_writable() -> list[Finding]:
    """MEDIA_STORAGE=s3: write, read back and delete a small object in each bucket."""
    findings = []
    for alias in ("default", "private"):
        storage = storages[alias]
        bucket = settings.STORAGES[alias]["OPTIONS"].get("bucket_name", "")
        try:
            name = storage.save(f"check-deployment/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
            with storage.open(name, "rb") as fh:
                ok = fh.read() == b"ok"
            storage.delete(name)
        except Exception as exc:  # any store's error
            findings.append(
                Finding(
                    False,
                    f"bucket '{bucket}' writable",
                    f"{exc} — check S3_ENDPOINT_URL, the bucket and the credentials",
                )
            )
        else:
            findings.append(
                Finding(
                    ok,
                    f"bucket '{bucket}' writable",
                    "" if ok else "an object written could not be read back",
                )
            )
    return findings


def live_findings(*, waiting_after: dt.timedelta = dt.timedelta(minutes=15)) -> list[Finding]:
    database = database_reachable()
    findings = [database]
    if database.ok:
        findings += [migrations_applied(), worker_keeps_up(waiting_after=waiting_after)]
    media = object_storage_writable() if settings.MEDIA_STORAGE == "s3" else []
    return findings + caches_reachable() + folders_writable() + media + [static_files_collected()]
