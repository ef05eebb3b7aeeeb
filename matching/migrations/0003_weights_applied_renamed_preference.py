"""The engine's factor `applied` is now `preference` (both sides' preferences: the startup's rank and the
municipality's grade). Rename the key in every stored run's weights and every proposal's factor breakdown, so old
runs still show their bars and compare with new ones."""

from django.db import migrations

OLD, NEW = "applied", "preference"


def _renamed(mapping, old, new):
    if not isinstance(mapping, dict) or old not in mapping:
        return None
    return {(new if key == old else key): value for key, value in mapping.items()}


def _rename(apps, old, new):
    MatchRun = apps.get_model("matching", "MatchRun")
    MatchProposal = apps.get_model("matching", "MatchProposal")
    for run in MatchRun.objects.only("pk", "weights").iterator():
        weights = _renamed(run.weights, old, new)
        if weights is not None:
            MatchRun.objects.filter(pk=run.pk).update(weights=weights)
    for proposal in MatchProposal.objects.only("pk", "factors").iterator():
        factors = _renamed(proposal.factors, old, new)
        if factors is not None:
            MatchProposal.objects.filter(pk=proposal.pk).update(factors=factors)


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_proposal_reason_en")]

    operations = [migrations.RunPython(forwards, backwards)]
