"""Municipal staff read the moderation workflow's name on the button that sends a challenge to the ministry
("… に提出する") and in its history; 0002 named it in English. Rename the workflow and its task in Japanese, the
language the admin is used in, unless someone has renamed them already."""

from django.db import migrations

NAMES = {
    "workflow": ("Ministry moderation of challenges", "総務省による課題の審査"),
    "task": ("Ministry approval", "総務省の承認"),
}


def rename(apps, schema_editor, *, backwards=False):
    models = {"workflow": apps.get_model("wagtailcore", "Workflow"), "task": apps.get_model("wagtailcore", "Task")}
    for kind, (english, japanese) in NAMES.items():
        old, new = (japanese, english) if backwards else (english, japanese)
        models[kind].objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0004_index_page_english"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(rename, rename_back),
    ]
