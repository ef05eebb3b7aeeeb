"""The case-study index at /case-studies/, and on PostgreSQL a trigger that keeps the ledger append-only."""

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    if last is None:
        return parent.path + "0001"
    value = 0
    for ch in last.path[-STEPLEN:]:
        value = value * len(ALPHABET) + ALPHABET.index(ch)
    value += 1
    digits = ""
    for _ in range(STEPLEN):
        value, r = divmod(value, len(ALPHABET))
        digits = ALPHABET[r] + digits
    return parent.path + digits


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    CaseStudyIndexPage = apps.get_model("tracker", "CaseStudyIndexPage")
    home = Page.objects.filter(depth=2, content_type__app_label="core", content_type__model="homepage").first()
    if home is None or CaseStudyIndexPage.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="tracker", model="casestudyindexpage")
    now = timezone.now()
    CaseStudyIndexPage.objects.create(
        title="導入事例",
        draft_title="導入事例",
        slug="case-studies",
        content_type=ct,
        path=_next_child_path(Page, home),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}case-studies/",
        locale_id=home.locale_id,
        live=True,
        first_published_at=now,
        last_published_at=now,
        intro="<p>マッチングから生まれ、自治体とスタートアップの双方が公開に同意した取組みです。</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)


TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION tracker_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tracker_ledgerentry is append-only: add a reversing entry instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tracker_ledger_append_only
    BEFORE UPDATE OR DELETE ON tracker_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION tracker_ledger_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS tracker_ledger_append_only ON tracker_ledgerentry;
DROP FUNCTION IF EXISTS tracker_ledger_append_only();
"""


def add_trigger(apps, schema_editor):
    # SQLite is left to the model's guards: Django's test flush deletes rows there, which a trigger would refuse.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("core", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_index, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
