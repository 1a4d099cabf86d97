"""The database cache's table (ADR 0035): rate limits live there unless CACHE_URL names Redis.

`createcachetable` creates the table of each database cache in settings.CACHES and skips the
others (and tables that exist), on SQLite and PostgreSQL alike; running it here makes a fresh
clone's `migrate` (`make run`, the test database) enough.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    for cache in settings.CACHES.values():
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
            schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(cache['LOCATION'])}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_search_index")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
