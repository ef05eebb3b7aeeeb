"""Idempotent demo seeding, step by step. Each step uses get_or_create/update_or_create, so running twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from matching.demo import create_demo_match_run, embed_demo_texts
from portal.accounts.models import Membership, Organisation, StartupProfile, User
from portal.accounts.workspaces import organisation_workspace_ensure, staff_groups_sync
from portal.applications.demo import create_demo_applications
from portal.challenges.briefings.demo import create_demo_briefings
from portal.challenges.demo import create_demo_challenges
from portal.challenges.models import ChallengeIndexPage, ChallengePage
from portal.conversations.demo import create_demo_conversations
from portal.core.models import HomePage, Theme
from portal.geo.models import LocalGovernment, Prefecture
from portal.programme.demo import attach_challenges_to_rounds, create_demo_programme
from portal.tracker.demo import create_demo_tracker

from . import data


@dataclass
class SeedResult:
    ministry: Organisation | None = None
    municipalities: dict[str, Organisation] = field(default_factory=dict)
    startups: dict[str, Organisation] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, e-mail, where they land)


def _user(spec: dict, *, is_staff: bool) -> User:
    user, created = User.objects.get_or_create(
        email=spec["email"],
        defaults={k: v for k, v in spec.items() if k not in {"email", "role"}} | {"is_staff": is_staff},
    )
    if created or not user.has_usable_password():
        user.set_password(data.DEMO_PASSWORD)
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.is_active = True
    user.is_staff = is_staff
    user.save()
    return user


def _join(user: User, org: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": role})
    staff_groups_sync(user=user)  # the staff group of the organisation's kind, a municipality's own group


def _local_government(code: str) -> LocalGovernment:
    try:
        return LocalGovernment.objects.select_related("prefecture").get(code=code)
    except LocalGovernment.DoesNotExist as exc:  # the geo data migration loads every code
        raise RuntimeError(
            f"Local government {code} is missing: run `manage.py migrate` (geo data)."
        ) from exc


def seed_ministry(result: SeedResult) -> None:
    spec = data.MINISTRY
    lg = _local_government(spec["lg_code"])
    org, _ = Organisation.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "kind": Organisation.Kind.MINISTRY,
            "name": spec["name"],
            "name_kana": spec["name_kana"],
            "name_en": spec["name_en"],
            "prefecture": lg.prefecture,
        },
    )
    for u in spec["users"]:
        user = _user(u, is_staff=True)
        _join(user, org, u["role"])
        result.logins.append(("ministry", user.email, "/admin/"))
    result.ministry = org


def seed_municipalities(result: SeedResult) -> None:
    for code, slug, name_en, email, _rounds in data.MUNICIPALITIES:
        lg = _local_government(code)
        name_ja, kana = data.MUNICIPALITY_NAMES[code]
        org, _ = Organisation.objects.update_or_create(
            local_government=lg,
            defaults={
                "kind": Organisation.Kind.MUNICIPALITY,
                "name": name_ja,
                "name_kana": kana,
                "name_en": name_en,
                "slug": slug,
                "prefecture": lg.prefecture,
            },
        )
        organisation_workspace_ensure(organisation=org)
        result.municipalities[code] = org
        if email:
            user = _user(
                {
                    "email": email,
                    "family_name": "市役所",
                    "given_name": name_ja.removesuffix("市").removesuffix("町"),
                    "family_name_kana": "",
                    "given_name_kana": "",
                },
                is_staff=True,
            )
            _join(user, org, Membership.Role.ADMIN)
            if code == "372013":
                result.logins.append(("municipality", user.email, "/admin/"))


def seed_startups(result: SeedResult) -> None:
    themes = {t.slug: t for t in Theme.objects.all()}
    prefectures = {p.code: p for p in Prefecture.objects.all()}
    for spec in data.STARTUPS:
        org, _ = Organisation.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "kind": Organisation.Kind.STARTUP,
                "name": spec["name"],
                "name_kana": spec["name_kana"],
                "name_en": spec["name_en"],
                "prefecture": prefectures[spec["pref"]],
                "website": f"https://{spec['slug']}.example.jp/",
            },
        )
        profile, _ = StartupProfile.objects.update_or_create(
            organisation=org,
            defaults={
                "founded_year": spec["founded"],
                "employees": spec["employees"],
                "stage": spec["stage"],
                "technology": spec["technology"],
                "description": spec["description"],
                "is_public": True,
            },
        )
        profile.themes.set([themes[s] for s in spec["themes"] if s in themes])
        result.startups[spec["slug"]] = org
        user_spec = data.STARTUP_USERS.get(spec["slug"])
        if user_spec:
            user = _user(user_spec, is_staff=False)
            _join(user, org, Membership.Role.ADMIN)
            result.logins.append(("startup", user.email, "/mypage/"))


def seed_challenges(result: SeedResult) -> None:
    """At least 30 challenges over the demo municipalities, in every state (draft, upcoming, open, closed, matched)."""
    index = ChallengeIndexPage.objects.first()
    if index is None:
        raise RuntimeError("The challenge catalogue page is missing: run `manage.py migrate`.")
    create_demo_challenges(index, result.municipalities)


def seed_programme(result: SeedResult) -> None:
    """Rounds FY2017/FY2018/FY2026, news, guides; challenges without a round join the round of their fiscal year."""
    home = HomePage.objects.first()
    if home is None:
        raise RuntimeError("The home page is missing: run `manage.py migrate`.")
    programme = create_demo_programme(home, result.municipalities)
    attach_challenges_to_rounds(ChallengePage.objects.filter(round__isnull=True), programme.rounds)


def seed_tracker(result: SeedResult) -> None:
    """What became of the FY2017 matches: engagements, trips and budgets, an adoption, a published case study."""
    create_demo_tracker(
        ministry=result.ministry,
        municipalities=result.municipalities,
        startups=result.startups,
        matches=data.FY2017_MATCHES,
    )


def seed_applications(result: SeedResult) -> None:
    """FY2017's 17 applications (7 matched) as history, and the current round in every state, with reviews."""
    create_demo_applications(
        municipalities=result.municipalities,
        startups=result.startups,
        fy2017_applications=data.FY2017_APPLICATIONS,
        fy2017_matches=data.FY2017_MATCHES,
    )


def seed_embeddings(result: SeedResult) -> None:
    """The sentence embeddings of the demo's profiles and published challenges, which the runs read."""
    embed_demo_texts()


def seed_matching(result: SeedResult) -> None:
    """Two matching runs over the current round (default weights, then text-heavy under a travel budget)."""
    create_demo_match_run(ministry=result.ministry)


def seed_conversations(result: SeedResult) -> None:
    """Questions on the open challenges (one answered, one waiting) and a conversation on an engagement."""
    create_demo_conversations(startups=result.startups)


def seed_briefings(result: SeedResult) -> None:
    """Briefing sessions (説明会): one coming on a Takamatsu challenge, one held (attendance, recording), one round-wide."""
    create_demo_briefings(
        ministry_email="ministry@xact.example.jp",
        municipality_email="takamatsu@xact.example.jp",
        startup_email="startup@xact.example.jp",
    )


STEPS = [
    seed_ministry,
    seed_municipalities,
    seed_startups,
    seed_challenges,
    seed_programme,
    seed_applications,
    seed_embeddings,
    seed_matching,
    seed_tracker,
    seed_conversations,
    seed_briefings,
]


def seed_all(progress=None) -> SeedResult:
    """Run every step in one transaction: the demo is there whole or not at all."""
    result = SeedResult()
    with transaction.atomic():
        for step in STEPS:
            step(result)
            if progress:
                progress(step.__name__)
    return result
