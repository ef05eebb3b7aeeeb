"""The database cache's table (settings.CACHES, DatabaseCache), so `manage.py migrate` alone gives a working site.

Runs Django's own `createcachetable`, which creates the table of every database cache in CACHES that is missing
and does nothing otherwise (Redis, or the table already there): safe to run on any database, at any time.
A site that switches to the database cache later runs `manage.py createcachetable` once (docs/deployment.md).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_notification")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
