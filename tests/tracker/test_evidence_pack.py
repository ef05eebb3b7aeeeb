"""The evidence pack for a contract without open tender (随意契約, issue #22 item 1): who builds it and when, the
clause's conditions, versions that keep the old ones, and figures frozen equal to the engagement's records."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from portal.core.models import AuditEvent
from portal.tracker import services
from portal.tracker.models import Engagement, EvidencePack
from portal.tracker.workflow import Stage
from tests import factories
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

ITEM2 = ["only_supplier", "poc_shows", "explainable"]


def _poc_done(engagement):
    Engagement.objects.filter(pk=engagement.pk).update(stage=Stage.POC_DONE, furthest_stage=Stage.POC_DONE)
    engagement.refresh_from_db()
    return engagement


def _pack(engagement, user, **kw):
    args = {
        "clause": 2,
        "conditions_met": ITEM2,
        "price_note": "実証の実費と同等",
        "next_fiscal_year": 2030,
        "budget_request_deadline": dt.date(2029, 10, 31),
    } | kw
    return services.evidence_pack_create(engagement=engagement, actor=user, **args)


def test_only_the_municipalitys_staff_build_it_once_the_poc_is_done(engagement, muni_user, su_user, ministry):
    with pytest.raises(PermissionDenied):
        _pack(engagement, muni_user)  # the PoC is not done yet
    _poc_done(engagement)
    for user in (su_user, ministry, factories.staff(tf.municipality("014877", "天塩町"))):
        with pytest.raises(PermissionDenied):
            _pack(engagement, user)
    pack = _pack(engagement, muni_user)
    assert pack.version == 1
    event = AuditEvent.objects.get(action="tracker.evidence_pack_created")
    assert event.data == {"version": 1, "clause": 2}


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"clause": 10}, "clause"),
        ({"conditions_met": ["only_supplier"]}, "conditions_met"),  # not every condition confirmed
        ({"conditions_met": ITEM2 + ["certified"]}, "conditions_met"),  # a condition of another item
        ({"price_note": "  "}, "price_note"),
        ({"budget_request_deadline": dt.date(2030, 4, 1)}, "budget_request_deadline"),  # the FY has begun
        ({"next_fiscal_year": 1999}, "next_fiscal_year"),
    ],
)
def test_a_pack_relies_on_one_item_with_every_condition_confirmed(engagement, muni_user, bad, field):
    _poc_done(engagement)
    with pytest.raises(ValidationError) as refused:
        _pack(engagement, muni_user, **bad)
    assert field in refused.value.message_dict
    assert not EvidencePack.objects.exists()


def test_figures_are_frozen_equal_to_the_records_and_a_new_version_keeps_the_old(
    engagement, muni_user, su_user
):
    _poc_done(engagement)
    services.progress_report_create(
        engagement=engagement,
        actor=muni_user,
        text="住民120人",
        residents_served=120,
        cost_saved_yen=1_000_000,
    )
    services.progress_report_create(
        engagement=engagement,
        actor=su_user,
        text="削減",
        cost_saved_yen=250_000,
        contract_value_yen=4_800_000,
    )
    first = _pack(engagement, muni_user)
    assert first.snapshot["figures"] == {
        "reports": 2,
        "residents_served": 120,
        "cost_saved_yen": 1_250_000,
        "contract_value_yen": 4_800_000,
        "travel_settled_yen": 0,
    }
    assert [r["text"] for r in first.snapshot["reports"]] == ["住民120人", "削減"]
    assert first.snapshot["history"][0]["to"] == Stage.FIRST_VISIT
    services.progress_report_create(engagement=engagement, actor=muni_user, text="拡大", residents_served=300)
    second = _pack(engagement, muni_user, clause=6, conditions_met=["disadvantage"])
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.snapshot["figures"]["residents_served"] == 120  # the old version reads as it did
    assert second.snapshot["figures"]["residents_served"] == 300
    assert (first.clause, second.clause) == (2, 6)


def test_the_form_in_the_admin_keeps_typed_text_on_errors_and_makes_a_version(client, engagement, muni_user):
    _poc_done(engagement)
    client.force_login(muni_user)
    url = reverse("evidence_pack:add", args=[engagement.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    assert "地方自治法施行令第167条の2第1項" in page.content.decode()
    data = {
        "clause": "2",
        "conditions_met": ["2:only_supplier"],
        "price_note": "見積り3社と比較した",
        "next_fiscal_year": "2030",
        "budget_request_deadline": "2029-10-31",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "見積り3社と比較した" in body  # nothing typed is lost
    assert "すべて" in body  # the error, in Japanese
    response = client.post(
        url, data | {"conditions_met": ["2:only_supplier", "2:poc_shows", "2:explainable"]}
    )
    assert response.status_code == 302
    assert EvidencePack.objects.get().price_note == "見積り3社と比較した"
    # the next version starts from the last one
    assert "見積り3社と比較した" in client.get(url).content.decode()


def test_the_pack_freezes_the_engagements_agreements_in_japanese(engagement, muni_user):
    """Issue #22 items 1 and 3: the agreements recorded for the engagement are a section of the pack, with their
    dates, amount, parties and amendments as they stood when the version was made."""
    _poc_done(engagement)
    agreement = services.agreement_record(
        engagement=engagement,
        actor=muni_user,
        kind="poc",
        title="除雪車位置情報の実証",
        parties="高松市\n株式会社テスト",
        signed_on=dt.date(2026, 4, 1),
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2027, 3, 31),
        amount_yen=1_200_000,
    )
    with translation.override(
        "en"
    ):  # built from the English admin: still frozen in Japanese, as the PDF reads
        first = _pack(engagement, muni_user)
    (section,) = [s for s in first.snapshot["sections"] if s["key"] == "agreements"]
    assert section["title"] == "協定・契約"
    ((label, value),) = section["rows"]
    assert label == "実証協定書: 除雪車位置情報の実証"
    assert "2026年4月1日" in value and "2027年3月31日" in value and "1,200,000円" in value
    assert "高松市・株式会社テスト" in value and "変更" not in value
    services.agreement_amend(
        agreement=agreement,
        actor=muni_user,
        signed_on=dt.date(2027, 3, 1),
        summary="期間延長",
        ends_on=dt.date(2027, 9, 30),
    )
    second = _pack(engagement, muni_user)
    (section,) = [s for s in second.snapshot["sections"] if s["key"] == "agreements"]
    assert "2027年9月30日" in section["rows"][0][1] and "変更1回" in section["rows"][0][1]
    first.refresh_from_db()
    assert (
        "2027年3月31日" in first.snapshot["sections"][0]["rows"][0][1]
    )  # the old version keeps what it froze
