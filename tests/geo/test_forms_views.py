"""Form fields for codes (what people type, errors in their language) and the autocomplete endpoint."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from portal.geo.codes import lg_check_digit
from portal.geo.forms import CorporateNumberField, LocalGovernmentCodeField

pytestmark = pytest.mark.django_db


class MunicipalityForm(forms.Form):
    local_government = LocalGovernmentCodeField()
    corporate_number = CorporateNumberField(required=False)


@pytest.mark.parametrize("typed", ["372013", "３７２０１３", "37201-3", " ３７２０１−３ "])
def test_code_field_normalises_and_returns_the_local_government(typed):
    form = MunicipalityForm(data={"local_government": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["local_government"].name_ja == "高松市"


@pytest.mark.parametrize(
    "typed, fragment_en, fragment_ja",
    [
        ("37201", "6 digits", "6桁"),
        ("３７２０１０", "check digit", "検査数字"),
        ("370002", "is a prefecture", "都道府県のコード"),
        # a well-formed code with a right check digit that no local government has
        ("37999" + str(lg_check_digit("37999")), "No local government", "見つかりません"),
    ],
)
def test_code_field_explains_errors_in_the_users_language_and_keeps_the_input(
    typed, fragment_en, fragment_ja
):
    for language, fragment in (("en", fragment_en), ("ja", fragment_ja)):
        with translation.override(language):
            form = MunicipalityForm(data={"local_government": typed})
            assert not form.is_valid()
            assert fragment in form.errors["local_government"][0]
            assert f'value="{typed}"' in str(form["local_government"])


def test_corporate_number_field():
    form = MunicipalityForm(
        data={"local_government": "372013", "corporate_number": "１１８０-３０１０-１８７７-１"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["corporate_number"] == "1180301018771"
    with translation.override("ja"):
        form = MunicipalityForm(data={"local_government": "372013", "corporate_number": "2180301018771"})
        assert not form.is_valid()
        assert "チェックデジット" in form.errors["corporate_number"][0]


def test_autocomplete_returns_matches_as_json(client):
    response = client.get(reverse("geo:local_government_autocomplete"), {"q": "たかまつ"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {"code": "372013", "name_ja": "高松市", "kind": "city"}.items() <= results[0].items()
    assert results[0]["name"] == "香川県 高松市"


def test_autocomplete_in_english_and_with_filters(client):
    with translation.override("en"):
        url = reverse("geo:local_government_autocomplete")
    assert url.startswith("/en/")
    results = client.get(url, {"q": "sapporo", "limit": "3", "prefecture": "1"}).json()["results"]
    assert len(results) == 3 and results[0]["name"] == "Sapporo City"
    assert all(r["prefecture"] == "01" for r in results)


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "高松", "limit": "abc"}, {"q": "高松", "prefecture": "99"}]
)
def test_autocomplete_never_fails_on_bad_parameters(client, params):
    response = client.get(reverse("geo:local_government_autocomplete"), params)
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_autocomplete_refuses_post(client):
    assert client.post(reverse("geo:local_government_autocomplete"), {"q": "高松"}).status_code == 405
