"""The demo data loaded once per test run and copied back in for every test that asks for it.

`manage.py load_demo` goes through the importers and the article intake (seconds on
PostgreSQL); dozens of tests only need its rows. The first test to ask loads it for real and
keeps the rows it added, table by table; every later test gets the same rows back in a few bulk
statements, inside its own transaction as before, so each test still starts from a known state.
Foreign keys are deferred to the commit in Django's schema, so tables can go back in any order.
The copy stands only on the rows that were there before the first load (the migrations' editors
group, content types): a test run after a flush has other ones, and gets a real load instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: bytes | list[tuple]


def _tables() -> list[tuple[str, str]]:
    """Every table of an installed model, with its primary key column."""
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            seen[model._meta.db_table] = model._meta.pk.column
    return sorted(seen.items())


def _keys(table: str, pk: str) -> set:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{pk}" FROM "{table}"')
        return {row[0] for row in cursor.fetchall()}


def _added_rows(table: str, pk: str, before: set) -> TableRows | None:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')
        columns = tuple(column[0] for column in cursor.description)
        index = columns.index(pk)
        rows = [row for row in cursor.fetchall() if row[index] not in before]
    if not rows:
        return None
    if connection.vendor == "postgresql":
        keys = [row[index] for row in rows]
        return TableRows(table, columns, _copy_out(table, pk, columns, keys))
    return TableRows(table, columns, rows)


def _copy_out(table: str, pk: str, columns: tuple[str, ...], keys: list) -> bytes:
    """PostgreSQL's own text form of the rows, so that every type (JSON, arrays, dates) goes
    back exactly as it came out."""
    from psycopg import sql

    query = sql.SQL("COPY (SELECT {columns} FROM {table} WHERE {pk} = ANY({keys})) TO STDOUT")
    query = query.format(
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        table=sql.Identifier(table),
        pk=sql.Identifier(pk),
        keys=sql.Literal(keys),
    )
    raw = connection.connection
    out = bytearray()
    with raw.cursor() as cursor, cursor.copy(query) as copy:
        for chunk in copy:
            out += chunk
    return bytes(out)


def _copy_in(saved: TableRows) -> None:
    from psycopg import sql

    query = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(saved.table),
        columns=sql.SQL(", ").join(map(sql.Identifier, saved.columns)),
    )
    with connection.connection.cursor() as cursor, cursor.copy(query) as copy:
        copy.write(saved.rows)


def _insert(saved: TableRows) -> None:
    names = ", ".join(f'"{column}"' for column in saved.columns)
    marks = ", ".join("%s" for _ in saved.columns)
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{saved.table}" ({names}) VALUES ({marks})', saved.rows)


class DemoSnapshot:
    """What load_demo added, once a test has loaded it."""

    def __init__(self) -> None:
        self.saved: list[TableRows] | None = None
        self.before: dict[str, set] = {}

    def load(self) -> None:
        tables = _tables()
        before = {table: _keys(table, pk) for table, pk in tables}
        if self.saved is None or before != self.before:
            call_command("load_demo", stdout=io.StringIO())
            if self.saved is None:
                added = (_added_rows(table, pk, before[table]) for table, pk in tables)
                self.saved = [saved for saved in added if saved is not None]
                self.before = before
            return
        write = _copy_in if connection.vendor == "postgresql" else _insert
        with transaction.atomic():  # one commit in a transactional test, for the deferred keys
            for saved in self.saved:
                write(saved)
            self._reset_sequences()

    def _reset_sequences(self) -> None:
        """Rows went in with their ids: the next ids a test creates must come after them."""
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
