"""The admin speaks one language (issue #17, item 6): the key admin pages, rendered for municipality and ministry
staff, show none of Wagtail's English in Japanese and none of our Japanese in English; the moderation workflow and
its task are named in the reader's language; money reads 14,400円 / ¥14,400; the audit log shows labels, not codes;
the admin carries the programme's name and logo."""

import json
import re
from pathlib import Path

import pytest
import wagtail
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext
from wagtail.models import Task, Workflow
from wagtail.users.models import UserProfile

from portal.challenges.models import ChallengePage
from portal.core.audit_labels import ACTION_LABELS, action_label
from portal.core.calendar import current_fiscal_year
from portal.tracker.charts import yen_text
from tests import polib_lite
from tests.challenges import factories as cf
from tests.challenges.test_workflow import _add_url, _form
from tests.tracker import factories as tf

pytestmark = pytest.mark.django_db

# Wagtail's English that its Japanese catalogue leaves out (and its odd Japanese), seen on these pages before.
NOT_IN_JAPANESE = [
    "Search all pages…",
    "In moderation",
    "in moderation",
    "IN MODERATION",
    "Skip to main content",
    "Bulk actions",
    "Toggle side panel",
    "Show filters",
    " Pages <",
    " Images <",
    "プロモート",
    "調整のために提出",
    "総務省の承認",
    "application.",
    "challenge.create",
    "Ministry moderation",
    "Ministry review",
    "Moderators approval",
    "Sort by '",
    "Last login",
    "Wagtail</",
    ">True<",
    ">False<",
    ">None<",
]
# Our Japanese (names we gave, money) in the English admin.
NOT_IN_ENGLISH = [
    "総務省の承認",
    "総務省の審査",
    "総務省による課題の審査",
    "円",
    "審査中",
    "管理画面",
    "公開設定",
]
PAGINATION_EN = re.compile(r"\b\d+-\d+ of \d+\b")


def _visible(html: str) -> str:
    """The page without its scripts, styles and SVG (Wagtail's JSON config and icon sprites are not read)."""
    html = re.sub(r"<(script|style|svg|template)\b.*?</\1>", "", html, flags=re.S)
    return html


@pytest.fixture
def staff(client):
    """A municipality author with a challenge in moderation, a ministry moderator, a budget, an audit trail."""
    takamatsu = cf.municipality("372013", "高松市")
    author = cf.staff(takamatsu, email="kanko@city.takamatsu.example.jp")
    ministry = cf.staff(cf.ministry(), email="moderator@soumu.example.jp")
    client.force_login(author)
    response = client.post(_add_url(), {**_form(), "action-submit": "Submit"})
    assert response.status_code == 302
    tf.budget(1_000_000, actor=ministry)
    client.logout()
    return author, ministry, ChallengePage.objects.latest("pk")


def _pages(client, user, lang, urls):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = lang
    profile.save()
    client.force_login(user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, _visible(response.content.decode())


def _urls(challenge, *, ministry: bool):
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[challenge.get_parent().pk]),
        reverse("wagtailadmin_pages:edit", args=[challenge.pk]),
        reverse("wagtailadmin_pages:history", args=[challenge.pk]),
        _add_url(),
    ]
    if ministry:
        fy = current_fiscal_year()
        urls += [
            "/admin/audit-log/",
            f"/admin/tracker/dashboard/?fy={fy}",
            "/admin/tracker/budgets/",
            reverse("wagtailadmin_reports:workflow"),
            "/admin/accounts/organisations/",
            "/admin/users/",
            reverse("wagtailadmin_pages:edit", args=[challenge.get_parent().get_parent().pk]),
        ]
    return urls


@pytest.mark.parametrize("who", ["municipality", "ministry"])
def test_the_japanese_admin_shows_no_english_left_by_wagtail(client, staff, who):
    author, ministry, challenge = staff
    user = author if who == "municipality" else ministry
    for url, html in _pages(client, user, "ja", _urls(challenge, ministry=who == "ministry")):
        found = [s for s in NOT_IN_JAPANESE if s in html]
        assert not found, f"{url} shows {found}"
        assert not PAGINATION_EN.search(html), f"{url}: {PAGINATION_EN.search(html).group()}"


@pytest.mark.parametrize("who", ["municipality", "ministry"])
def test_the_english_admin_shows_none_of_our_japanese(client, staff, who):
    author, ministry, challenge = staff
    user = author if who == "municipality" else ministry
    for url, html in _pages(client, user, "en", _urls(challenge, ministry=who == "ministry")):
        found = [s for s in NOT_IN_ENGLISH if s in html.replace(challenge.title, "").replace("高松市", "")]
        assert not found, f"{url} shows {found}"


def test_the_moderation_workflow_is_named_in_each_language(client, staff):
    author, _ministry, _challenge = staff
    pages = dict(_pages(client, author, "ja", [_add_url()]))
    assert "総務省による課題の審査に提出する" in pages[_add_url()]
    pages = dict(_pages(client, author, "en", [_add_url()]))
    assert "Submit to Ministry moderation of challenges" in pages[_add_url()]
    # Whatever language the names were stored in (0005 stored Japanese; an editor may save either).
    Workflow.objects.update(name="総務省による課題の審査")
    Task.objects.filter(name__in=["総務省の承認", "Ministry approval"]).update(name="総務省の承認")
    with translation.override("en"):
        assert {w.name for w in Workflow.objects.all()} == {"Ministry moderation of challenges"}
        assert "Ministry review" in {t.specific.name for t in Task.objects.all()}
    with translation.override("ja"):
        assert "総務省の審査" in {t.specific.name for t in Task.objects.all()}


def test_wagtail_odd_japanese_is_replaced():
    with translation.override("ja"):
        assert gettext("Promote") == "公開設定"
        assert "調整" not in gettext("Page '%(page_title)s' has been submitted for moderation.")
        assert gettext("in moderation") == "審査中"


def test_money_reads_in_each_language():
    with translation.override("ja"):
        assert yen_text(14400) == "14,400円"
    with translation.override("en"):
        assert yen_text(14400) == "¥14,400"


def test_the_admin_carries_the_programmes_name_and_logo(client, staff):
    _author, ministry, _challenge = staff
    pages = dict(_pages(client, ministry, "ja", [reverse("wagtailadmin_home")]))
    client.force_login(ministry)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "img/logo.svg" in html and "img/favicon.svg" in html
    assert "<title>" in html and "- Wagtail</title>" not in html
    assert "StartupXAct 管理画面" in pages[reverse("wagtailadmin_home")]
    assert "css/admin.css" in html  # the programme's colours (Wagtail's --w-color-* properties)


def test_every_audit_action_the_code_records_has_a_label():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in [*root.joinpath("portal").rglob("*.py"), *root.joinpath("matching").rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        # every code in an `action=` argument, also when it is chosen there ("a.b" if … else "a.c")
        for argument in re.findall(r"\baction=([^,\n]+)", path.read_text(encoding="utf-8")):
            codes.update(re.findall(r'"([a-z_]+\.[a-z0-9_]+)"', argument))
    codes.update(f"challenge.{a}" for a in ("submitted", "approved", "rejected"))
    assert codes, "no action codes found"
    assert not sorted(codes - set(ACTION_LABELS)), (
        "audit actions without a label in portal/core/audit_labels.py"
    )
    with translation.override("ja"):
        assert action_label("application.update") == "応募の下書きを保存"
    with translation.override("en"):
        assert action_label("application.update") == "Application draft saved"


# Wagtail's English that is also the right Japanese: abbreviations Japanese admin screens write as they are, and the
# names of Wagtail's API apps (app labels, shown only in the group permission list).
SAME_IN_JAPANESE = {
    "URL",
    "ID",
    "Wagtail API v2",
    "Wagtail API v3",
}


def _wagtail_messages():
    """Every msgid of the installed Wagtail apps' catalogues (their English source), with the app's name."""
    for config in apps.get_app_configs():
        if config.name != "wagtail" and not config.name.startswith("wagtail."):
            continue
        po = Path(config.path) / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if po.exists():
            for context, msgid, plural in polib_lite.entries(po):
                yield config.name, context, msgid, plural


def _japanese(context, msgid, plural):
    """What the portal serves in Japanese for one msgid (one and two of it, for a plural)."""
    with translation.override("ja"):
        if plural and context:
            return [npgettext(context, msgid, plural, 1), npgettext(context, msgid, plural, 2)]
        if plural:
            return [ngettext(msgid, plural, 1), ngettext(msgid, plural, 2)]
        if context:
            return [pgettext(context, msgid)]
        return [gettext(msgid)]


def test_every_wagtail_message_is_translated_into_japanese():
    """Wagtail's own catalogue leaves ~730 of its msgids in English; ours (locale/ja/parts/wagtail-*.po) covers them."""
    messages = list(_wagtail_messages())
    checked = {app for app, *_ in messages}
    assert {"wagtail", "wagtail.admin", "wagtail.users", "wagtail.images", "wagtail.documents"} <= checked
    assert {"wagtail.snippets", "wagtail.contrib.redirects"} <= checked
    assert len(messages) > 1500
    english = []
    for app, context, msgid, plural in messages:
        if msgid in SAME_IN_JAPANESE:
            continue
        served = _japanese(context, msgid, plural)
        if served[0] == msgid or (plural and served[-1] == plural):
            english.append(f"{app}: {msgid!r}")
    assert not english, f"{len(english)} of Wagtail's messages read in English in Japanese:\n" + "\n".join(
        english[:80]
    )


# Words Wagtail's Japanese uses where the portal has chosen another (wagtail-admin.po and docs/glossary.md).
OTHER_WORDS = re.compile(
    r"ドキュメント|ユーザ(?!ー)|リビジョン|アライアス|予定外|個人情報の取扱い|モデレーション|調整のため|プロモート|承認を受ける|拒否|却下"
)


def test_wagtail_messages_use_the_portals_words_in_japanese():
    """One word per concept: document 文書, user ユーザー, revision 版, alias エイリアス, page privacy 公開範囲,
    unscheduling 公開予定を取り消す, moderation 審査 — not Wagtail's alternatives."""
    other = []
    for app, context, msgid, plural in _wagtail_messages():
        for served in _japanese(context, msgid, plural):
            if OTHER_WORDS.search(served):
                other.append(f"{app}: {msgid!r} → {served}")
    assert not other, f"{len(other)} messages use another word:\n" + "\n".join(other[:80])
    with translation.override("ja"):
        assert gettext("Documents") == "文書"
        assert gettext("Privacy") == "公開範囲"
        assert gettext("title tag") == "タイトルタグ"
        assert gettext("meta description") == "メタディスクリプション"
        assert gettext("Submit for moderation") == "審査に提出"
        assert gettext("Page '%(page_title)s' moved.") == "ページ「%(page_title)s」を移動しました。"


WAGTAIL_JS_PO = Path(wagtail.__file__).parent / "admin/locale/en/LC_MESSAGES/djangojs.po"
JS_CATALOG = re.compile(r"const newcatalog = (\{.*?\});\n", re.S)


def _js_catalog(client, user, lang) -> dict:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = lang
    profile.save()
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_javascript_catalog"))
    assert response.status_code == 200
    match = JS_CATALOG.search(response.content.decode())
    return json.loads(match.group(1)) if match else {}  # Django leaves the catalogue out when it is empty


def test_every_string_wagtail_draws_by_script_reads_in_japanese(client, staff):
    """Wagtail's admin draws some words in the browser (the sidebar's menu button, the editor's block menu, the
    minimap's 'Expand all', the autosave notice): its djangojs catalogue, where Wagtail's Japanese leaves 35 of them
    out. Our locale/ja/parts-js fills them, served by Wagtail's own catalogue view to a Japanese reader."""
    author, _, _ = staff
    catalog = _js_catalog(client, author, "ja")
    wanted = polib_lite.read(WAGTAIL_JS_PO)
    missing = []
    for key in wanted:
        if not key:
            continue
        msgid = key.split("\x04", 1)[-1]
        got = catalog.get(key) or catalog.get(msgid)
        text = got[0] if isinstance(got, list) else got
        if not text or text == msgid:
            missing.append(msgid)
    assert not missing, f"left in English for a Japanese reader: {missing}"
    assert catalog["Toggle sidebar"] == "サイドバーの開閉"
    assert catalog["%(num)s error"] == ["エラー%(num)s件"]


def test_the_english_admin_script_strings_stay_english(client, staff):
    author, _, _ = staff
    catalog = _js_catalog(client, author, "en")
    assert not [text for text in catalog.values() if re.search(r"[ぁ-んァ-ン一-龥]", str(text))]
