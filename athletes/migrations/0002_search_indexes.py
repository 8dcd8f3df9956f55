"""Fuzzy name search on PostgreSQL: the pg_trgm extension and GIN trigram indexes.

The indexes serve ``athletes.search``: the ``trigram_word_similar`` lookup (``%>``) for
misspelled names and the ``contains`` lookup (``LIKE '%…%'``) for partial ones, on athletes'
and aliases' folded names. SQLite has no pg_trgm and searches by substring: every operation
here does nothing there (``TrigramExtension`` checks the database itself).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and is skipped on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        PostgreSQLOnly(
            sql=(
                "CREATE INDEX IF NOT EXISTS athlete_search_name_trgm"
                " ON athletes_athlete USING gin (search_name gin_trgm_ops)"
            ),
            reverse_sql="DROP INDEX IF EXISTS athlete_search_name_trgm",
        ),
        PostgreSQLOnly(
            sql=(
                "CREATE INDEX IF NOT EXISTS alias_search_name_trgm"
                " ON athletes_athletealias USING gin (search_name gin_trgm_ops)"
            ),
            reverse_sql="DROP INDEX IF EXISTS alias_search_name_trgm",
        ),
    ]
