"""Only the ministry publishes the programme's content: municipality staff cannot publish (or edit) content pages."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.accounts.models import Organisation
from portal.programme.models import ContentPage
from tests import factories
from tests.challenges import factories as cf
from tests.programme import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def faq_page():
    return pf.content("よくある質問", "faq", title_en="FAQ", intro="旧版")


@pytest.fixture
def municipality_editor():
    return factories.staff(cf.municipality(), email="kouhou@city.example.jp")


@pytest.fixture
def ministry_editor():
    ministry = factories.organisation(Organisation.Kind.MINISTRY, name="総務省", slug="mic-test")
    return factories.staff(ministry, email="editor@soumu.example.jp")


def _publish(client, user, page, intro):
    client.force_login(user)
    data = nested_form_data(
        {
            "title": page.title,
            "title_en": page.title_en,
            "slug": page.slug,
            "intro": intro,
            "intro_en": "",
            "body": streamfield([]),
            "body_en": streamfield([]),
            "seo_title": "",
            "search_description": "",
            "search_description_en": "",
            "comments": inline_formset([]),
        }
    )
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), {**data, "action-publish": "Publish"}
    )


def test_municipality_staff_cannot_publish_content_pages(client, faq_page, municipality_editor):
    tester = faq_page.permissions_for_user(municipality_editor)
    assert not tester.can_publish()
    assert not tester.can_edit()
    assert (
        not ContentPage.can_create_at(faq_page)
        or not faq_page.permissions_for_user(municipality_editor).can_add_subpage()
    )

    response = _publish(client, municipality_editor, faq_page, "自治体が書き換えた")
    assert response.status_code in (302, 403)
    faq_page.refresh_from_db()
    assert faq_page.intro == "旧版"
    assert not faq_page.has_unpublished_changes


def test_ministry_staff_publish_content_pages(client, faq_page, ministry_editor):
    assert faq_page.permissions_for_user(ministry_editor).can_publish()
    response = _publish(client, ministry_editor, faq_page, "総務省が更新した")
    assert response.status_code == 302
    faq_page.refresh_from_db()
    assert faq_page.intro == "総務省が更新した" and faq_page.live
    assert client.get("/faq/").content.decode().count("総務省が更新した") >= 1


@pytest.mark.parametrize(
    "model, parent",
    [
        ("contentpage", "home"),
        ("roundindexpage", "home"),
        ("newsindexpage", "home"),
        ("roundpage", "rounds"),
        ("newspage", "news"),
    ],
)
def test_ministry_editors_open_every_programme_page_form(client, ministry_editor, model, parent):
    parents = {"home": pf.home, "rounds": pf.round_index, "news": pf.news_index}
    client.force_login(ministry_editor)
    url = reverse("wagtailadmin_pages:add", args=("programme", model, parents[parent]().pk))
    response = client.get(url)
    assert response.status_code == 200
    if model == "roundpage":
        html = response.content.decode()
        assert 'name="steps-TOTAL_FORMS"' in html and 'name="fiscal_year"' in html
