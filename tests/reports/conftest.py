"""Fixtures for report tests: two municipalities and two startups with staff, the ministry, engagements, a budget,
a paid trip; and helpers that read PDFs back (text, fonts)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal.reports import fonts

from .factories import World


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
