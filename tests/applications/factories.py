"""Builders for applications tests: uploads, a proposal, and the world of two startups, two municipalities with
staff, the ministry and open challenges."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.accounts.models import Organisation
from portal.applications import services
from tests import factories
from tests.challenges import factories as challenge_factories

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"
    + b"\x00" * 47
    + b"PE\x00\x00"
    + b"\x00" * 400
)


def pdf_upload(name: str = "proposal.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = PDF if size is None else PDF + b"0" * (size - len(PDF))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ooxml_upload(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


PROPOSAL = {
    "approach": "除雪車の位置情報を集めて公開する",
    "expected_outcome": "問い合わせの削減",
    "timeline": "4か月",
    "cost_estimate_yen": 1_200_000,
    "needs_from_municipality": "除雪車の運行データ",
}


class World:
    """Everyone a test needs, built once per test."""

    def __init__(self):
        self.startup_a = factories.organisation(
            Organisation.Kind.STARTUP, name="株式会社エー", slug="startup-a"
        )
        self.startup_b = factories.organisation(
            Organisation.Kind.STARTUP, name="株式会社ビー", slug="startup-b"
        )
        self.user_a = factories.member(self.startup_a, email="a@startup.example.jp")
        self.user_b = factories.member(self.startup_b, email="b@startup.example.jp")
        self.muni_x = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
        self.muni_y = challenge_factories.municipality("014877", "天塩町", slug="teshio")
        self.staff_x = challenge_factories.staff(self.muni_x, email="staff@takamatsu.example.jp")
        self.staff_y = challenge_factories.staff(self.muni_y, email="staff@teshio.example.jp")
        self.ministry = challenge_factories.ministry()
        self.ministry_user = challenge_factories.staff(self.ministry, email="staff@mic.example.jp")
        self.challenge_x = challenge_factories.challenge(municipality_org=self.muni_x, title="除雪の見える化")
        self.challenge_y = challenge_factories.challenge(municipality_org=self.muni_y, title="遠隔妊婦健診")

    def draft(self, user=None, challenge=None, **fields):
        return services.application_start(
            challenge=challenge or self.challenge_x, actor=user or self.user_a, **(PROPOSAL | fields)
        )

    def submitted(self, user=None, challenge=None, **fields):
        application = self.draft(user, challenge, **fields)
        services.application_submit(application=application, actor=user or self.user_a)
        return application


def closed_challenge(world, **kwargs):
    now = timezone.now()
    return challenge_factories.challenge(
        municipality_org=world.muni_x,
        opens=now - dt.timedelta(days=10),
        closes=now - dt.timedelta(seconds=1),
        **kwargs,
    )
