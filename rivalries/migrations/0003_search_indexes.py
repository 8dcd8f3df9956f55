"""Full-text search of quotes on PostgreSQL: a GIN index on the searched document.

The expression is exactly what ``rivalries.search.quote_vector()`` compiles to
(``SearchVector("text", "translation", config="english")``), so the planner can use the
index; a test checks it does. SQLite searches quotes by substring and skips this migration's
SQL.
"""

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
        ("rivalries", "0002_editors_group"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=(
                "CREATE INDEX IF NOT EXISTS quote_words_search ON rivalries_quote USING gin"
                " (to_tsvector('english'::regconfig,"
                " COALESCE(\"text\", '') || ' ' || COALESCE(\"translation\", '')))"
            ),
            reverse_sql="DROP INDEX IF EXISTS quote_words_search",
        ),
    ]
