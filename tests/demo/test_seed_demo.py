"""`seed_demo` builds the FY2017 round as history plus the WG's cases, is idempotent, and its logins work."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from portal.accounts.models import Membership, Organisation, StartupProfile
from portal.demo import data

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seed_demo_creates_the_programme_and_is_idempotent():
    seed()
    counts = {kind: Organisation.objects.filter(kind=kind).count() for kind in Organisation.Kind.values}
    seed()
    assert {
        kind: Organisation.objects.filter(kind=kind).count() for kind in Organisation.Kind.values
    } == counts
    assert counts["ministry"] == 1
    assert counts["startup"] >= 20
    codes = set(
        Organisation.objects.filter(kind="municipality").values_list("local_government__code", flat=True)
    )
    # the four FY2017 model municipalities and the WG's cases
    assert {"262129", "431001", "372013", "014877", "011002", "282103", "072028", "111007"} <= codes
    assert StartupProfile.objects.exclude(technology="").count() >= 20
    assert Membership.objects.count() == len(set(Membership.objects.values_list("user", "organisation")))


def test_fy2017_history_matches_the_public_record():
    applicants = {slug for slugs in data.FY2017_APPLICATIONS.values() for slug in slugs}
    assert len(applicants) == 17
    assert set(data.FY2017_APPLICATIONS) == {"262129", "431001", "372013", "014877"}
    assert len(data.FY2017_MATCHES) == 7
    assert sum(1 for code, _ in data.FY2017_MATCHES if code == "372013") == 2
    for code, slug in data.FY2017_MATCHES:
        assert slug in data.FY2017_APPLICATIONS[code]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once for the login tests (seeding takes seconds): its printed output. Built in a transaction
    rolled back after the module; each test runs in a savepoint of its own, so one test's log-in is not the next's."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("kind", "lands_on"),
    [("ministry", "/admin/"), ("municipality", "/admin/"), ("startup", "/mypage/")],
)
def test_each_printed_demo_login_works_and_lands_where_that_user_belongs(seeded, client, kind, lands_on):
    output = seeded
    line = next(line for line in output.splitlines() if line.strip().startswith(kind))
    email = line.split()[1]
    response = client.post(
        "/accounts/login/", {"username": email, "password": data.DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain, "login did not redirect"
    assert response.redirect_chain[-1][0].endswith(lands_on) or response.request["PATH_INFO"].startswith(
        lands_on
    )
