"""Fixtures for report tests: two municipalities and two startups with staff, the ministry, engagements, a budget,
a paid trip; and helpers that read PDFs back (text, fonts)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal.core.calendar import today_jst
from portal.reports import fonts
from portal.tracker import services
from tests import factories
from tests.tracker import factories as tf


class World:
    def __init__(self):
        self.ministry = tf.ministry_user()
        self.muni_a = tf.municipality()  # 高松市
        self.muni_b = tf.municipality("014877", "天塩町")
        self.staff_a = factories.staff(self.muni_a)
        self.staff_b = factories.staff(self.muni_b)
        self.startup_a = tf.startup(name="株式会社データクレイドル")
        self.startup_b = tf.startup(name="株式会社メロディ")
        self.user_a = factories.member(self.startup_a)
        self.user_b = factories.member(self.startup_b)
        self.eng_a = tf.engagement(
            municipality_org=self.muni_a,
            startup_org=self.startup_a,
            actor=self.ministry,
            title="レンタサイクルの利用分析",
        )
        self.eng_b = tf.engagement(
            municipality_org=self.muni_b,
            startup_org=self.startup_b,
            actor=self.ministry,
            title="遠隔妊婦健診",
        )
        self.budget = tf.budget(1_000_000, actor=self.ministry)

    def paid_trip(self, engagement=None, user=None, *, actual=(38_000, 11_800, 4_400)):
        engagement = engagement or self.eng_a
        user = user or self.user_a
        trip = tf.travel_request(engagement, user)
        services.travel_request_approve(request=trip, actor=self.ministry)
        services.travel_trip_done(request=trip, actor=user)
        fares, lodging, allowance = actual
        trip = services.travel_request_settle(
            request=trip,
            actor=user,
            fares_yen=fares,
            lodging_yen=lodging,
            allowance_yen=allowance,
            receipts=[tf.pdf()],
        )
        return services.travel_request_pay(request=trip, actor=self.ministry, paid_on=today_jst())


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def _fresh_font_detection():
    fonts.japanese_font.cache_clear()
    yield
    fonts.japanese_font.cache_clear()


@pytest.fixture
def no_japanese_font(monkeypatch):
    """fontconfig knows no font that covers Japanese (as on a bare server)."""
    monkeypatch.setattr(fonts, "_fc_list_japanese", lambda: [])
    fonts.japanese_font.cache_clear()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts_in(resources, seen: set) -> list[dict]:
    out = []
    if resources is None:
        return out
    resources = resources.get_object()
    for ref in (resources.get("/Font") or {}).values():
        font = ref.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        descriptors = []
        if "/FontDescriptor" in font:
            descriptors.append(font["/FontDescriptor"].get_object())
        for descendant in font.get("/DescendantFonts") or []:
            d = descendant.get_object()
            if "/FontDescriptor" in d:
                descriptors.append(d["/FontDescriptor"].get_object())
        embedded = bool(descriptors) and all(
            any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors
        )
        out.append({"name": str(font.get("/BaseFont")), "embedded": embedded})
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        out += _fonts_in(xobject.get("/Resources"), seen)
    return out


def pdf_fonts(data: bytes) -> list[dict]:
    """Every font the PDF uses (pages and their form XObjects): its name and whether its file is embedded."""
    reader = PdfReader(io.BytesIO(data))
    seen: set = set()
    found = []
    for page in reader.pages:
        found += _fonts_in(page.get("/Resources"), seen)
    return found


def assert_japanese_fonts_embedded(data: bytes) -> None:
    found = pdf_fonts(data)
    assert found, "the PDF uses no font at all"
    assert all(f["embedded"] for f in found), found
    family = fonts.japanese_font().family.replace(" ", "").lower()
    assert any(family in f["name"].lower() for f in found), (family, found)
