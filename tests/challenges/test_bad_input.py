"""Bad input in the admin form: a clear error in the form, nothing saved."""

import pytest
from django.db import IntegrityError, transaction

from portal.challenges.models import ChallengePage
from tests.challenges import factories as cf
from tests.challenges.test_workflow import _add_url, _form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "overrides, field",
    [
        (
            {"application_opens": "2026-06-01 00:00", "application_closes": "2026-05-01 00:00"},
            "application_closes",
        ),
        ({"budget_min_yen": "-1"}, "budget_min_yen"),
        ({"budget_min_yen": "5000000", "budget_max_yen": "1000000"}, "budget_max_yen"),
        ({"summary": "あ" * 201}, "summary"),
        ({"themes": ["999999"]}, "themes"),
        ({"max_partners": "0"}, "max_partners"),
    ],
)
def test_admin_form_rejects_bad_input_and_saves_nothing(client, overrides, field):
    user = cf.staff(cf.municipality())
    client.force_login(user)
    response = client.post(_add_url(), {**_form(**overrides), "action-submit": "Submit"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert all(str(m) for m in errors[field])
    assert not ChallengePage.objects.exists()


def test_database_constraints_back_the_rules():
    page = cf.challenge()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengePage.objects.filter(pk=page.pk).update(budget_min_yen=10, budget_max_yen=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengePage.objects.filter(pk=page.pk).update(application_closes=page.application_opens)
