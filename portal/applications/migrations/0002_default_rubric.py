"""The programme's default rubric: the criteria Urban Innovation JAPAN and STIR reviewers use, with weights."""

from django.db import migrations

DEFAULT_CRITERIA = [
    # key, Japanese, English, weight, description
    ("understanding", "課題の理解", "Understanding of the problem", 25,
     "Does the proposal show it understands the municipality's problem as the staff live it?"),
    ("feasibility", "実現可能性", "Feasibility", 25,
     "Can it be trialled within the period, budget and what the municipality offers?"),
    ("team", "チーム", "Team", 20, "Does the team have the skills and the capacity to work with municipal staff?"),
    ("novelty", "新規性", "Novelty", 15, "Does it bring something the municipality could not buy off the shelf?"),
    ("sustainability", "持続可能性", "Sustainability", 15,
     "Would it keep running after the trial: who pays, what it saves, how it spreads to other municipalities?"),
]


def create(apps, schema_editor):
    RubricCriterion = apps.get_model("applications", "RubricCriterion")
    for order, (key, ja, en, weight, description) in enumerate(DEFAULT_CRITERIA, start=1):
        RubricCriterion.objects.update_or_create(
            key=key,
            defaults={"name_ja": ja, "name_en": en, "default_weight": weight, "description": description,
                      "sort_order": order * 10, "is_active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
