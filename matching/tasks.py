"""Background work on the task worker (`manage.py db_worker`; immediate in tests): a matching run executes, and a
saved text gets its sentence embedding (matching/embeddings.py; enqueued by matching/receivers.py)."""

from __future__ import annotations

from django_tasks import task

from . import embeddings, services
from .models import MatchRun


@task()
def execute_match_run(run_id: int) -> str:
    """Execute one queued run; returns its final status (done or failed; the error is on the run).

    Run again after its worker died (`manage.py requeue_stale_tasks`): a finished run is left as it is (its results
    were saved in one transaction with its status), and a run left RUNNING saved nothing, so it is queued again
    and executed — its proposals exist once either way.
    """
    run = MatchRun.objects.get(pk=run_id)
    if run.is_finished:
        return run.status
    MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.QUEUED, progress=0, started_at=None
    )
    run.refresh_from_db()
    return services.match_run_execute(run=run).status


def match_run_start(*, actor, **parameters) -> MatchRun:
    """Create a queued run (services.match_run_create: permission, validation, audit) and hand it to the worker."""
    run = services.match_run_create(actor=actor, **parameters)
    execute_match_run.enqueue(run.pk)
    run.refresh_from_db()
    return run


@task()
def embed_challenge_text(page_id: int) -> bool:
    """Compute the embedding of a published challenge's text unless the stored one is fresh; True if computed."""
    return embeddings.challenge_embedding_refresh(page_id=page_id)


@task()
def embed_startup_text(organisation_id: int) -> bool:
    """Compute the embedding of a startup's matching text unless the stored one is fresh; True if computed."""
    return embeddings.startup_embedding_refresh(organisation_id=organisation_id)
