"""Notifications become a kind plus parameters (core/notices.py), rendered in the reader's language.

Rows written before keep their text; where a row's title matches its kind's title template (in Japanese or English),
the parameters are read back from it so the row renders in the reader's language like a new one. Kinds with more
than one wording (a resubmission, the municipality's side of a match, a failed run, a settlement at the approved
amount) try their variants first.
"""

from django.db import migrations, models

# Kinds with one name for two sentences: variants to try, in order ("" = the kind's main wording).
VARIANTS = {
    "application.received": ["resubmitted", ""],
    "application.matched": ["staff", ""],
    "matching.run_finished": ["failed", ""],
    "matching.proposal_accepted": ["staff", ""],
    "tracker.travel_settled": ["at_approval", ""],
}


def forwards(apps, schema_editor):
    from portal.core import notices  # noqa: PLC0415 — the registry as the apps filled it (they are all loaded here)

    Notification = apps.get_model("core", "Notification")
    changed = []
    for row in Notification.objects.filter(params={}).only("pk", "kind", "title", "body").iterator():
        for variant in VARIANTS.get(row.kind, [""]):
            spec = notices.get(row.kind, variant)
            params = notices.parse(row.kind, row.title, variant)
            if spec is None or params is None:
                continue
            if spec.body is None and row.body:
                params["text"] = row.body
            row.params = params
            changed.append(row)
            break
    Notification.objects.bulk_update(changed, ["params"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_rate_counter")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
