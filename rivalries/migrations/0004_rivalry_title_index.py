"""Rivalry titles searched by substring through a GIN trigram index on PostgreSQL, so the
search box reads a few index entries rather than every rivalry. The expression is what
Django's ``icontains`` compiles to there (``UPPER("title"::text) LIKE UPPER(%s)``).
SQLite has no pg_trgm: there the migration does nothing."""

from django.db import migrations

INDEX = "rivalry_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON rivalries_rivalry"
            ' USING gin (UPPER("title"::text) gin_trgm_ops)'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0002_search_indexes"),  # creates the pg_trgm extension
        ("rivalries", "0003_search_indexes"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
