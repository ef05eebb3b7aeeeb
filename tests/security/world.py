"""The permission matrix's world: two startups (A, B), two municipalities (X, Y), the ministry (M), each with a
user and objects of their own. Built once per module (see test_permission_matrix.py).

Every private object carries a marker string; MARKERS says who may ever see it, and every page the matrix opens
is searched for the markers its user may not see (a list that shows another organisation's rows fails).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from matching import services as matching_services
from matching.models import MatchProposal, ReviewStatus
from portal.accounts import services as account_services
from portal.accounts.models import Invitation, Membership, Organisation, StartupProfile
from portal.applications import services as application_services
from portal.applications.models import ChallengeRubricWeight, RubricCriterion
from portal.challenges.briefings import services as briefing_services
from portal.conversations import services as conversation_services
from portal.core.calendar import current_fiscal_year, today_jst
from portal.core.models import Notification, Theme
from portal.reports.models import ReportFile
from portal.tracker import services as tracker_services
from portal.tracker.evidence import build_snapshot
from portal.tracker.models import AdoptionRequest, Engagement, EvidencePack, LedgerEntry, ReviewerInvitation
from tests import factories
from tests.challenges import factories as challenge_factories
from tests.tracker import factories as tf

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)

USERS = ("anon", "A", "B", "X", "Y", "M")

# marker → the users who may see it somewhere (lower case: pages are searched case-insensitively).
MARKERS = {
    "zq-app-ax": {"A", "X", "M"},  # A's application to X's challenge (submitted)
    "zq-app-by": {"B", "Y", "M"},
    "zq-draft-ay": {"A"},  # A's draft to Y's challenge: nobody else, not even Y or the ministry
    "zq-team-a": {"A", "X", "M"},  # A's team (private; shown with A's application to its reviewers)
    "zq-team-b": {"B", "Y", "M"},
    "zq-eng-xa": {"A", "X", "M"},  # the engagement of X and A
    "zq-eng-yb": {"B", "Y", "M"},
    "zq-trip-xa": {"A", "X", "M"},  # trips on those engagements
    "zq-trip-yb": {"B", "Y", "M"},
    "zq-report-xa": {"A", "X", "M"},  # progress reports
    "zq-report-yb": {"B", "Y", "M"},
    "zq-draft-ch-x": {"X", "M"},  # X's unpublished challenge
    "zq-invite-x": {"M"},  # invitations are the ministry's (municipality staff have no view_invitation)
    "zq-invite-y": {"M"},
    "zq-note-a": {"A"},  # A's notification
    "zq-note-b": {"B"},
    "zq-img-x": {"X", "M"},  # an image and a document in X's collection, linked from no page
    "zq-doc-x": {"X", "M"},
    "zq-conflict-x": {
        "X",
        "M",
    },  # X's staff's declared conflict with B: their municipality's and the ministry's
    "zq-meet-xa": {"A", "X", "M"},  # a visit X proposed to A (engagement X–A)
    "zq-question-bx": {"B", "X", "M"},  # B's unanswered question on X's challenge: the asker and the staff
    "zq-msg-xa": {"A", "X", "M"},  # X's message in the thread of A's application
    "zq-inote-xa": {"X", "M"},  # X's internal note in that thread: never the startup
    "zq-agr-xa": {"A", "X", "M"},  # the PoC agreement of X and A
    "zq-brief-x": {"A", "X", "M"},  # the online link of a briefing on X's challenge, A registered
}


def _pdf(name):
    return tf.pdf(name, PDF)


class World:
    def __init__(self):
        self.ministry = challenge_factories.ministry()
        self.muni_x = challenge_factories.municipality("372013", "高松市", slug="takamatsu")
        self.muni_y = challenge_factories.municipality("014877", "天塩町", slug="teshio")
        self.startup_a = factories.organisation(
            Organisation.Kind.STARTUP,
            name="株式会社エー",
            slug="startup-a",
            prefecture=factories.prefecture("13"),
        )
        self.startup_b = factories.organisation(
            Organisation.Kind.STARTUP,
            name="株式会社ビー",
            slug="startup-b",
            prefecture=factories.prefecture("13"),
        )
        StartupProfile.objects.filter(organisation=self.startup_b).update(is_public=False)
        self.users = {
            "A": factories.member(self.startup_a, email="a@startup.example.jp"),
            "B": factories.member(self.startup_b, email="b@startup.example.jp"),
            "X": challenge_factories.staff(self.muni_x, email="staff@takamatsu.example.jp"),
            "Y": challenge_factories.staff(self.muni_y, email="staff@teshio.example.jp"),
            "M": challenge_factories.staff(self.ministry, email="staff@mic.example.jp"),
        }
        u = self.users
        now = timezone.now()
        # X's own image and document (in X's collection, as an upload by X lands).
        png = io.BytesIO()
        PILImage.new("RGB", (4, 3)).save(png, "PNG")
        self.image_x = get_image_model().objects.create(
            title="zq-img-x",
            file=ImageFile(png, name="zq-img-x.png"),
            collection=self.muni_x.collection,
            uploaded_by_user=u["X"],
        )
        self.document_x = get_document_model().objects.create(
            title="zq-doc-x",
            file=ContentFile(PDF, name="zq-doc-x.pdf"),
            collection=self.muni_x.collection,
            uploaded_by_user=u["X"],
        )
        self.ch_x = challenge_factories.challenge(municipality_org=self.muni_x, title="除雪の見える化")
        self.ch_y = challenge_factories.challenge(municipality_org=self.muni_y, title="遠隔妊婦健診")
        self.ch_x_draft = challenge_factories.challenge(
            municipality_org=self.muni_x, title="下書き zq-draft-ch-x", publish=False
        )

        # Startup profiles: a team member each (private), a track record entry each (public).
        self.team = {}
        self.track = {}
        for key, org in (("A", self.startup_a), ("B", self.startup_b)):
            self.team[key] = application_services.team_member_add(
                organisation=org, actor=u[key], name=f"zq-team-{key.lower()}", role="CTO"
            )
            self.track[key] = application_services.track_record_add(
                organisation=org,
                actor=u[key],
                local_government=self.muni_y.local_government,
                year=2020,
                outcome="poc",
                summary="実証",
            )

        # Applications: A → X (submitted, with a file), B → Y (submitted, with a file), A → Y (a draft, with a file).
        def application(user, challenge, marker, *, submit):
            app = application_services.application_start(
                challenge=challenge,
                actor=user,
                approach=f"提案 {marker}",
                expected_outcome="問い合わせの削減",
                timeline="4か月",
                cost_estimate_yen=1_200_000,
                needs_from_municipality="運行データ",
            )
            attachment = application_services.attachment_add(
                application=app, actor=user, uploaded=_pdf(f"{marker}.pdf")
            )
            if submit:
                application_services.application_submit(application=app, actor=user)
            return app, attachment

        self.app_ax, self.att_ax = application(u["A"], self.ch_x, "zq-app-ax", submit=True)
        self.app_by, self.att_by = application(u["B"], self.ch_y, "zq-app-by", submit=True)
        self.draft_ay, self.att_draft_ay = application(u["A"], self.ch_y, "zq-draft-ay", submit=False)
        self.criterion = RubricCriterion.objects.order_by("pk").first()
        self.weight_x = ChallengeRubricWeight.objects.create(
            challenge=self.ch_x, criterion=self.criterion, weight=2
        )

        # Matching: two runs (the second compares with the first), proposals for X's and Y's challenges.
        first = matching_services.match_run_create(actor=u["M"])
        matching_services.match_run_execute(run=first)
        self.run = matching_services.match_run_execute(run=matching_services.match_run_create(actor=u["M"]))
        # A's proposal for X's challenge marked accepted (the record only: the engagement below is made separately),
        # and another of X's proposals still open: the proposal sheet exists for the first only.
        x_proposals = MatchProposal.objects.filter(run=self.run, challenge=self.ch_x)
        self.proposal_accepted = x_proposals.get(startup=self.startup_a)
        MatchProposal.objects.filter(pk=self.proposal_accepted.pk).update(
            review_status=ReviewStatus.ACCEPTED,
            reviewed_by=u["M"],
            reviewed_at=timezone.now(),
            review_reason="面談済み",
        )
        self.proposal_open = x_proposals.exclude(pk=self.proposal_accepted.pk).order_by("rank").first()

        # Tracker: engagements X–A and Y–B with a progress report (and file) and trips (one paid, one waiting).
        self.budget = tf.budget(5_000_000, actor=u["M"])
        self.eng = {}
        self.report_file = {}
        self.trip_paid = {}
        self.trip_waiting = {}
        self.receipt = {}
        for key, muni, startup, user in (
            ("XA", self.muni_x, self.startup_a, u["A"]),
            ("YB", self.muni_y, self.startup_b, u["B"]),
        ):
            marker = key.lower()
            eng = tf.engagement(
                municipality_org=muni, startup_org=startup, actor=u["M"], title=f"zq-eng-{marker}"
            )
            report = tracker_services.progress_report_create(
                engagement=eng,
                actor=user,
                text=f"報告 zq-report-{marker}",
                files=[_pdf(f"zq-report-{marker}.pdf")],
            )
            self.eng[key] = eng
            self.report_file[key] = report.attachments.get()
            trip = self._trip(eng, user, f"zq-trip-{marker}")
            tracker_services.travel_request_approve(request=trip, actor=u["M"])
            tracker_services.travel_trip_done(request=trip, actor=user)
            tf.settle(trip, user, fares=38_000, receipt=_pdf(f"zq-trip-{marker}-receipt.pdf"))
            self.trip_paid[key] = tracker_services.travel_request_pay(
                request=trip, actor=u["M"], paid_on=today_jst()
            )
            self.receipt[key] = self.trip_paid[key].receipts.get()
            self.trip_waiting[key] = self._trip(eng, user, f"zq-trip-{marker}")

        # An approved trip of B's (on Y–B: at most three trips per engagement and year), ready to be marked done.
        self.trip_approved = tracker_services.travel_request_approve(
            request=self._trip(self.eng["YB"], u["B"], "zq-trip-yb"), actor=u["M"]
        )
        self.pay_entry = LedgerEntry.objects.filter(
            request=self.trip_paid["XA"], kind=LedgerEntry.Kind.PAY
        ).get()
        self.adoption = AdoptionRequest.objects.create(
            origin=self.eng["YB"], municipality=self.muni_x, requested_by=u["X"], message="うちでも使いたい"
        )
        # An evidence pack of X–A (written directly: X–A's PoC is not done), and a solved challenge of X's (with A)
        # that Y may join.
        self.pack_xa = EvidencePack.objects.create(
            engagement=self.eng["XA"],
            version=1,
            clause=2,
            conditions_met=["only_supplier", "poc_shows", "explainable"],
            price_note="実証の実費と同等",
            next_fiscal_year=current_fiscal_year() + 1,
            budget_request_deadline=dt.date(current_fiscal_year() + 1, 1, 31),
            snapshot=build_snapshot(self.eng["XA"]),
            created_by=u["X"],
        )
        self.solved_x = tf.engagement(
            municipality_org=self.muni_x, startup_org=self.startup_a, actor=u["M"], title="解決済みの除雪"
        )
        Engagement.objects.filter(pk=self.solved_x.pk).update(stage="contract", furthest_stage="contract")
        # External reviewers: one invited on X's solved challenge (its link's token is known here), one who sent a
        # signed statement on X–A.
        now = timezone.now()
        self.review_token = "zq-review-token-0123456789abcdef"
        self.review_open = ReviewerInvitation.objects.create(
            engagement=self.solved_x,
            name="佐藤",
            email="sato@example.jp",
            token_hash=hashlib.sha256(self.review_token.encode()).hexdigest(),
            invited_by=u["X"],
            invited_at=now,
            expires_at=now + dt.timedelta(days=30),
        )
        self.review_xa = ReviewerInvitation(
            engagement=self.eng["XA"],
            name="鈴木",
            email="suzuki@example.jp",
            token_hash=hashlib.sha256(b"zq-other").hexdigest(),
            invited_by=u["X"],
            invited_at=now,
            expires_at=now + dt.timedelta(days=30),
            opinion="妥当",
            submitted_at=now,
            statement_size=len(PDF),
        )
        self.review_xa.statement.save("statement.pdf", ContentFile(PDF), save=False)
        self.review_xa.save()

        # Accounts: invitations to X and Y (by the ministry), memberships.
        self.invitation = {
            key: account_services.invitation_create(
                invited_by=u["M"], email=f"zq-invite-{key.lower()}@example.jp", organisation=org
            )
            for key, org in (("X", self.muni_x), ("Y", self.muni_y))
        }
        self.membership = {key: Membership.objects.get(user=user) for key, user in u.items()}
        self.second_member_a = factories.member(self.startup_a, role=Membership.Role.MEMBER)
        assert Invitation.objects.count() == 2

        # Notifications (unread) for A and B.
        self.notification = {
            key: Notification.objects.create(recipient=u[key], kind="info", title=f"zq-note-{key.lower()}")
            for key in ("A", "B")
        }

        # Visits: X proposes a first visit to A (open), and another that A has agreed (its .ics can be downloaded).
        def slots(days):
            day = today_jst() + dt.timedelta(days=days)
            return [
                tracker_services.jst_slot(day, dt.time(10), dt.time(11), place="高松市役所"),
                tracker_services.jst_slot(
                    day, dt.time(14), dt.time(15), online_url="https://meet.example.jp/x"
                ),
            ]

        self.meeting_xa = tracker_services.meeting_propose(
            actor=u["X"],
            kind="first_visit",
            title="初回訪問 zq-meet-xa",
            engagement=self.eng["XA"],
            slots=slots(20),
        )
        agreed = tracker_services.meeting_propose(
            actor=u["X"],
            kind="meeting",
            title="打合せ zq-meet-xa",
            engagement=self.eng["XA"],
            slots=slots(21),
        )
        self.meeting_xa_agreed = tracker_services.meeting_pick(
            meeting=agreed, slot_id=agreed.slots.order_by("starts_at").first().pk, actor=u["A"]
        )

        # X records the PoC agreement with A, with its signed copy.
        self.agreement_xa = tracker_services.agreement_record(
            engagement=self.eng["XA"],
            actor=u["X"],
            kind="poc",
            title="実証協定書 zq-agr-xa",
            parties="高松市\n株式会社A",
            signed_on=today_jst(),
            starts_on=today_jst(),
            ends_on=today_jst() + dt.timedelta(days=180),
            amount_yen=800_000,
            files=[_pdf("zq-agr-xa.pdf")],
        )
        self.agreement_file_xa = self.agreement_xa.files.get()
        # X's budget-request deadline (予算要求).
        self.deadline_x = tracker_services.budget_request_deadline_set(
            municipality=self.muni_x, actor=u["X"], month=11, day=30
        )

        # The annual report file (rendered earlier).
        self.report = ReportFile.objects.create(
            kind=ReportFile.Kind.ANNUAL,
            fiscal_year=current_fiscal_year(),
            language="ja",
            fingerprint="x" * 64,
            status=ReportFile.Status.DONE,
            requested_by=u["M"],
            progress=100,
        )
        self.report.file.save("annual.pdf", ContentFile(PDF))
        self.theme = Theme.objects.order_by("pk").first()
        self.fiscal_year = current_fiscal_year()
        self.now = now

        # A conflict of interest declared by X's staff about B (after the runs: B never applied to X anyway).
        self.conflict_x = application_services.conflict_declare(
            person=u["X"], startup=self.startup_b, reason="zq-conflict-x 親族が在籍"
        )

        # Questions and conversations: B's unanswered question on X's challenge; in the thread of A's application
        # to X, a message from X (with a file) and an internal note (with a file).
        self.question_bx = conversation_services.question_ask(
            challenge=self.ch_x, actor=u["B"], text="zq-question-bx データの形式は？"
        )
        self.thread_ax = conversation_services.thread_for_application(application=self.app_ax)
        message = conversation_services.message_post(
            thread=self.thread_ax,
            actor=u["X"],
            body="zq-msg-xa 補足をお願いします",
            files=[_pdf("zq-msg-xa.pdf")],
        )
        note = conversation_services.message_post(
            thread=self.thread_ax,
            actor=u["X"],
            body="zq-inote-xa 予算の確認",
            internal=True,
            files=[_pdf("zq-inote-xa.pdf")],
        )
        self.message_file_xa = message.attachments.get()
        self.note_file_xa = note.attachments.get()

        # A briefing session on X's challenge, A registered; its online link and slides are A's, X's and M's.
        self.briefing_x = challenge_factories.briefing(
            challenge_page=self.ch_x,
            actor=u["X"],
            online_url="https://meet.example.jp/zq-brief-x",
            capacity=5,
        )
        briefing_services.briefing_register(actor=u["A"], session=self.briefing_x)
        self.briefing_x = briefing_services.briefing_session_update(
            actor=u["X"], session=self.briefing_x, changes={}, slides=_pdf("slides.pdf")
        )

    def _trip(self, eng, user, marker):
        dep, ret = tf.trip_dates()
        return tracker_services.travel_request_create(
            engagement=eng,
            actor=user,
            origin=tf.LocalGovernment.objects.get(code="130001"),
            departure_date=dep,
            return_date=ret,
            travellers=1,
            traveller_names="山田太郎",
            purpose=f"訪問 {marker}",
            transport="express",
            fares_yen=40_000,
            lodging_yen=11_800,
            allowance_yen=4_400,
        )

    def objects(self) -> dict[str, dict]:
        """The objects rows refer to, as the URL arguments they fill (a single pk fills any one-argument URL)."""
        pk = lambda obj: {"pk": obj.pk}  # noqa: E731
        return {
            "-": {},
            "org-A": {**pk(self.startup_a), "slug": self.startup_a.slug},
            "org-B": {**pk(self.startup_b), "slug": self.startup_b.slug},
            "org-X": pk(self.muni_x),
            "org-M": pk(self.ministry),
            "user-A": pk(self.users["A"]),
            "mem-X": pk(self.membership["X"]),
            "mem-A-2": pk(self.second_member_a.memberships.get()),
            "inv-X": pk(self.invitation["X"]),
            "ch-X": pk(self.ch_x),
            "ch-index": {"pk": self.ch_x.get_parent().pk},
            "q-draft": {"?": "?q=zq-draft"},
            "ch-X-draft": pk(self.ch_x_draft),
            "page-ch-X": {"url": self.ch_x.url},
            "page-ch-X-draft": {
                "url": self.ch_x.url.rstrip("/").rsplit("/", 1)[0] + f"/{self.ch_x_draft.slug}/"
            },
            "app-AX": pk(self.app_ax),
            "app-BY": pk(self.app_by),
            "draft-AY": pk(self.draft_ay),
            "att-AX": {"pk": self.app_ax.pk, "attachment_pk": self.att_ax.pk},
            "att-draft-AY": {"pk": self.draft_ay.pk, "attachment_pk": self.att_draft_ay.pk},
            "team-A": pk(self.team["A"]),
            "track-A": pk(self.track["A"]),
            "note-A": pk(self.notification["A"]),
            "eng-XA": pk(self.eng["XA"]),
            "eng-YB": pk(self.eng["YB"]),
            "pack-XA": pk(self.pack_xa),
            "review-token": {"token": self.review_token},
            "review-XA": pk(self.review_xa),
            "solved-X": pk(self.solved_x),
            "meet-XA": pk(self.meeting_xa),
            "brief-X": pk(self.briefing_x),
            "meet-XA-agreed": pk(self.meeting_xa_agreed),
            "agr-XA": pk(self.agreement_xa),
            "agr-new-XA": {"engagement_pk": self.eng["XA"].pk},
            "brd-X": pk(self.deadline_x),
            "agr-file-XA": pk(self.agreement_file_xa),
            "trip-XA": pk(self.trip_paid["XA"]),
            "trip-YB": pk(self.trip_paid["YB"]),
            "trip-XA-waiting": pk(self.trip_waiting["XA"]),
            "trip-YB-approved": pk(self.trip_approved),
            "receipt-XA": pk(self.receipt["XA"]),
            "report-file-XA": pk(self.report_file["XA"]),
            "run-M": pk(self.run),
            "run-M-ch-X": {"pk": self.run.pk, "challenge_pk": self.ch_x.pk},
            "proposal-X-accepted": pk(self.proposal_accepted),
            "proposal-X-open": pk(self.proposal_open),
            "budget-M": {"year": self.fiscal_year},
            "budget-M-pk": pk(self.budget),
            "adoption-M": pk(self.adoption),
            "annual-M": {"year": self.fiscal_year},
            "annual-file-M": pk(self.report),
            "criterion-M": pk(self.criterion),
            "weight-X": pk(self.weight_x),
            "conflict-X": pk(self.conflict_x),
            "theme-M": pk(self.theme),
            "q-BX": pk(self.question_bx),
            "thread-AX": pk(self.thread_ax),
            "msg-file-XA": {"thread_pk": self.thread_ax.pk, "pk": self.message_file_xa.pk},
            "note-file-XA": {"thread_pk": self.thread_ax.pk, "pk": self.note_file_xa.pk},
            "img-X": {"pk": self.image_x.pk, "image_id": self.image_x.pk, "filter_spec": "original"},
            "doc-X": {"pk": self.document_x.pk, "document_id": self.document_x.pk},
            "doc-X-file": {"url": self.document_x.url},
            "img-X-find": {"?": f"?id={self.image_x.pk}"},
            "ch-X-draft-find": {"?": f"?id={self.ch_x_draft.pk}"},
            "ch-X-draft-action": {"pk": self.ch_x_draft.pk, "action_name": "publish"},
            "doc-X-find": {"?": f"?id={self.document_x.pk}"},
            "token": {"token": "not-a-valid-token", "uidb64": "MQ", "pk": str(self.theme.pk)},
            **{
                f"export-{name}": {"dataset": name, "fmt": "csv"}
                for name in ("applications", "engagements", "trips", "ledger", "funnel")
            },
        }
