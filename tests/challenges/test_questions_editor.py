"""The application form builder in the challenge editor: questions as StreamField blocks, conditions as fields.

Bad input is answered by the editor's own error messages (Japanese and English), nothing is saved, and a post the
editor could never send (the question list unreadable) is a form error, not a server error.
"""

import pytest
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, streamfield

from portal.challenges.models import ChallengePage
from portal.challenges.questions import MAX_QUESTIONS, questions_of
from tests.challenges import factories as cf

from .test_workflow import _add_url, _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return cf.staff(cf.municipality("372013", "高松市"), email="kanko@city.takamatsu.example.jp")


def _question(kind, label="質問", **value):
    return (kind, {"label": label, "label_en": "", "help_text": "", "required": "", **value})


def _prefixed(data, questions):
    if questions is None:
        return data
    flat = {k: v for k, v in data.items() if not k.startswith("application_questions")}
    flat.update(nested_form_data({"application_questions": streamfield(questions)}))
    return flat


def _question_errors(response, lang="en") -> str:
    """The question list's errors as the editor reads them (lazy texts rendered in the editor's language)."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    with translation.override(lang):
        return str(form.errors.get("application_questions").as_data()[0].as_json_data())


def test_a_municipality_builds_its_form_and_the_page_keeps_it(client, author):
    questions = [
        _question("short_text", "担当者の役職", required="on"),
        _question("choice", "提供形態", choices="クラウド\nオンプレミス"),
        _question("number", "従業員数", min_value="1", max_value="500", unit="人"),
        _question("long_text", "運用体制"),
        _question("file", "会社案内"),
    ]
    client.force_login(author)
    data = _prefixed(_form(), questions)
    response = client.post(_add_url(), {**data, "action-submit": "Submit"})
    assert response.status_code == 302
    page = ChallengePage.objects.latest("pk").get_latest_revision_as_object()
    asked = questions_of(page)
    assert [(q.kind, q.label, q.required) for q in asked] == [
        ("short_text", "担当者の役職", True),
        ("choice", "提供形態", False),
        ("number", "従業員数", False),
        ("long_text", "運用体制", False),
        ("file", "会社案内", False),
    ]
    assert asked[1].choices == ("クラウド", "オンプレミス") and asked[2].max_value == 500
    assert all(q.id for q in asked)


@pytest.mark.parametrize(
    "lang, question, message",
    [
        ("en", _question("choice", choices="一つだけ"), "Give at least two options, one per line."),
        ("ja", _question("choice", choices="一つだけ"), "選択肢を1行に1つずつ、2つ以上入力してください。"),
        ("en", _question("choice", choices="A\na"), "Each option must be different."),
        ("ja", _question("choice", choices="A\nA"), "同じ選択肢が重複しています。"),
        (
            "en",
            _question("choice", choices="短い\n" + "長" * 101),
            "Each option may be at most 100 characters.",
        ),
        ("en", _question("number", min_value="10", max_value="1"), "The largest answer must not be below"),
        ("ja", _question("number", min_value="10", max_value="1"), "最大値は最小値以上にしてください。"),
        ("en", _question("short_text", label=""), "This field is required."),
    ],
)
def test_the_form_builder_refuses_bad_questions_in_the_editors_language(
    client, author, lang, question, message
):
    before = ChallengePage.objects.count()
    author.preferred_language = lang  # the admin speaks the user's language
    author.save()
    client.force_login(author)
    with translation.override(lang):
        response = client.post(_add_url(), {**_prefixed(_form(), [question]), "action-submit": "Submit"})
    assert message in _question_errors(response, lang)
    assert ChallengePage.objects.count() == before
    assert _form()["summary"] in response.content.decode()  # what was typed stays in the form


def test_more_than_the_maximum_number_of_questions_is_refused(client, author):
    author.preferred_language = "en"
    author.save()
    client.force_login(author)
    questions = [_question("short_text", f"質問{i}") for i in range(MAX_QUESTIONS + 1)]
    response = client.post(_add_url(), {**_prefixed(_form(), questions), "action-submit": "Submit"})
    assert str(MAX_QUESTIONS) in _question_errors(response)


def test_an_unreadable_question_list_is_a_form_error_not_a_server_error(client, author):
    author.preferred_language = "en"
    author.save()
    client.force_login(author)
    data = {k: v for k, v in _form().items() if not k.startswith("application_questions")}
    data["application_questions-count"] = "x"
    response = client.post(_add_url(), {**data, "action-submit": "Submit"})
    assert "The questions could not be read" in _question_errors(response)
    data.pop("application_questions-count")
    response = client.post(_add_url(), {**data, "action-submit": "Submit"})
    assert "The questions could not be read" in _question_errors(response)


def test_the_conditions_are_set_in_the_editor(client, author):
    client.force_login(author)
    data = _form(eligibility_incorporated="on")
    data["eligibility_prefectures"] = ["37"]  # a list is a multi-valued field here, not a nested formset
    response = client.post(_add_url(), {**data, "action-submit": "Submit"})
    assert response.status_code == 302
    page = ChallengePage.objects.latest("pk").get_latest_revision_as_object()
    assert page.eligibility_incorporated and not page.eligibility_poc_record
    assert [p.code for p in page.eligibility_prefectures.all()] == ["37"]
