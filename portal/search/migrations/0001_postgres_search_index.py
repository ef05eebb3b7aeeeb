import django.contrib.postgres.search
from django.db import migrations, models

GIN = "CREATE INDEX search_entry_vector_gin ON search_indexentry USING gin (vector)"


def create_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_vector_gin")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("index_name", models.CharField(max_length=100, verbose_name="index")),
                ("object_id", models.CharField(max_length=64, verbose_name="object")),
                ("field", models.CharField(max_length=200, verbose_name="field")),
                ("chunk", models.PositiveIntegerField(default=0, verbose_name="part")),
                ("boost", models.FloatField(default=1.0, verbose_name="boost")),
                ("vector", django.contrib.postgres.search.SearchVectorField(verbose_name="terms")),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index entries",
                "indexes": [models.Index(fields=["index_name", "object_id"], name="search_entry_object")],
            },
        ),
        migrations.RunPython(create_gin, drop_gin),
    ]
