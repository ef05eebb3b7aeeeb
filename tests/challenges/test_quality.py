"""The challenge-quality check: each check passes and fails with its reason (Japanese and English), the editor
flags a challenge that prescribes a solution, and the ministry's moderator sees the same checklist."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from wagtail.models import WorkflowState

from portal.challenges.models import ChallengePage
from portal.challenges.quality import quality_checks
from tests.challenges import factories as cf

from .test_workflow import _add_url, _form

pytestmark = pytest.mark.django_db

GOOD = dict(
    title="除雪の問い合わせが多い",
    summary="降雪時に除雪の問い合わせが集中する。",
    background="除雪車がいつ来るか住民に分からず、降雪時は1日300件の問い合わせがある。",
    desired_outcome="実証地区で問い合わせを半減させる。",
    offers_data=True,
    offers_trial_site=True,
    offers_details="除雪車40台のGPS記録、北地区で実証",
    budget_min_yen=500_000,
    budget_max_yen=2_000_000,
    procurement="成果が出れば翌年度に予算要求し、プロポーザルで調達する。",
)


def _checks(**changes):
    return {c.key: c for c in quality_checks(ChallengePage(**(GOOD | changes)))}


def test_a_good_challenge_passes_every_check():
    assert all(c.passed for c in _checks().values())


@pytest.mark.parametrize(
    "key, changes, en, ja",
    [
        (
            "problem_not_solution",
            {"desired_outcome": "除雪車の位置がわかるアプリを導入したい。"},
            "“導入したい” names a solution.",
            "「導入したい」は解決策を指定しています。",
        ),
        (
            "problem_not_solution",
            {"background": "We want to build a map of snow removal."},
            "“we want to build” names a solution.",
            "「we want to build」は解決策を指定しています。",
        ),
        (
            "measurable_outcome",
            {"desired_outcome": "問い合わせを減らしたい。"},
            "The desired outcome names no quantity.",
            "期待する成果に数値がありません。",
        ),
        (
            "data_and_site",
            {"offers_trial_site": False, "offers_details": ""},
            "Not yet named: the trial site, their description",
            "まだ示されていません: 実証のフィールド, 「提供できるものの詳細」での説明",
        ),
        (
            "budget_range",
            {"budget_max_yen": None},
            "Give a lower and an upper budget",
            "予算の下限と上限を円で入力してください",
        ),
        (
            "procurement_path",
            {"procurement": ""},
            "Say how the municipality would buy the solution",
            "どのように調達するか",
        ),
    ],
)
def test_each_check_fails_with_its_reason_and_an_example(key, changes, en, ja):
    for lang, text in (("en", en), ("ja", ja)):
        with translation.override(lang):
            check = _checks(**changes)[key]
        assert not check.passed
        assert text in check.explanation, (lang, check.explanation)
        assert check.example and check.title
    with translation.override("ja"):
        assert _checks()[key].passed


def test_full_width_and_capitals_do_not_hide_a_prescription():
    assert not _checks(summary="ＡＩカメラを導入したい")["problem_not_solution"].passed
    assert not _checks(summary="WE WANT AN APP")["problem_not_solution"].passed
    assert _checks(desired_outcome="待ち時間を３割減らす")["measurable_outcome"].passed


def test_the_editor_flags_a_prescribed_solution_then_the_fixed_challenge_is_published(client):
    takamatsu = cf.municipality("372013", "高松市")
    author = cf.staff(takamatsu, email="kanko@city.takamatsu.example.jp")
    moderator = cf.staff(cf.ministry(), email="moderator@soumu.example.jp")
    client.force_login(author)
    data = _form(desired_outcome="除雪車の位置がわかるアプリを導入したい。")
    response = client.post(_add_url(), {**data, "action-submit": "Submit"})
    assert response.status_code == 302
    page = ChallengePage.objects.latest("pk")
    flagged = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("課題の質チェック" in m and "解決策を指定せずに課題（問題）を書いている" in m for m in flagged)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert 'data-check="problem_not_solution"' in edit and "「導入したい」は解決策を指定しています。" in edit

    # The ministry's moderator sees the same checklist, in Japanese.
    client.force_login(moderator)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "課題の質チェック" in edit and "「導入したい」は解決策を指定しています。" in edit
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk])).content.decode()
    assert "「導入したい」は解決策を指定しています。" in preview

    # The moderator sends it back with the check's reason; fixed and resubmitted, it passes and is published.
    task_state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress").current_task_state
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", task_state.pk)),
        {"comment": "解決策を指定せずに書いてください"},
    )
    client.force_login(author)
    fixed = _form(desired_outcome="除雪の問い合わせを半減させる。", slug=page.slug)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), {**fixed, "action-submit": "Submit"}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert not any("解決策を指定せずに" in str(m) for m in get_messages(response.wsgi_request))
    client.force_login(moderator)
    task_state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress").current_task_state
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
        {"comment": ""},
    )
    page.refresh_from_db()
    assert page.live and "導入したい" not in page.desired_outcome
