"""Writing in bulk, with history: what every intake's one transaction is made of.

Records are inserted in batches (PostgreSQL's ``COPY``, elsewhere ``bulk_create``) and their
history rows are copied by the database (``INSERT ... SELECT``), because building one Python
object per history row costs more than the insert itself on a 100,000-row file.
``StagedResults`` takes a whole file's results through a temporary table, so the work and the
memory of deciding what is new, changed or already there stay in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from simple_history.models import HistoricalRecords

BATCH = 500  # rows per IN (...) lookup and per bulk insert: under every database's limits


def chunks[T](items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def history_insert(
    model: type[models.Model],
    reason: str,
    history_type: str = "+",
    source: dict[str, str] | None = None,
) -> tuple[str, list[Any]]:
    """``INSERT INTO <history> (...) SELECT ...``: the start of a statement that copies rows of
    ``model`` into its history, as of now, with ``reason`` and ``history_type`` ("+" created,
    "~" changed); the caller adds FROM (or the joins) and the WHERE that pick the rows.

    Values come from the model's table (``SELECT ... FROM <table>`` is included), or, given
    ``source`` ({field name: SQL expression}), from those expressions, fields it does not name
    taking their defaults.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    now = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    reason_field = history._meta.get_field("history_change_reason")
    reason = reason[: reason_field.max_length] if reason_field.max_length else reason
    given = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user": _request_user_id(),
    }
    columns, values, params = [], [], []
    for kept in history._meta.concrete_fields:
        if kept.primary_key:
            continue
        columns.append(quote(kept.column))
        if kept.name in given:
            values.append("%s")
            params.append(given[kept.name])
        elif kept.name.startswith("history_"):
            values.append("NULL")
        elif source is None:
            values.append(f"{table}.{quote(model._meta.get_field(kept.name).column)}")
        elif kept.name in source:
            values.append(source[kept.name])
        else:
            field = model._meta.get_field(kept.name)
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    into = quote(history._meta.db_table)
    sql = f"INSERT INTO {into} ({', '.join(columns)}) SELECT {', '.join(values)}"
    return (sql if source is not None else f"{sql} FROM {table}"), params


def record_creation(model: type[models.Model], pks: Sequence[int], reason: str) -> None:
    """Write the "created" history rows of records just inserted without them, in the database:
    every tracked column, plus the date, the reason and type "+", one statement per batch."""
    insert, params = history_insert(model, reason)
    pk = f"{connection.ops.quote_name(model._meta.db_table)}.{model._meta.pk.column}"
    with connection.cursor() as cursor:
        for batch in chunks(pks):
            cursor.execute(
                f"{insert} WHERE {pk} IN ({', '.join(['%s'] * len(batch))})", [*params, *batch]
            )


def _request_user_id() -> int | None:
    """The editor behind an admin upload, as simple_history's middleware records saves."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def bulk_create_kept(model: type[models.Model], objs: list[models.Model], reason: str) -> None:
    """Insert ``objs`` (setting their primary keys) and the history rows of what it created."""
    if connection.vendor == "postgresql" and _copyable(model):
        fields = _copied_fields(model)
        rows = ([field.pre_save(obj, True) for field in fields] for obj in objs)
        for obj, key in zip(objs, copy_in(model, rows, len(objs)), strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias
    else:
        model._default_manager.bulk_create(objs, batch_size=BATCH)
    record_creation(model, [obj.pk for obj in objs], reason)


# Fields whose Python value psycopg writes as the column wants, with no conversion by Django.
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def _copyable(model: type[models.Model]) -> bool:
    return all(
        isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.DateTimeField)
        for field in model._meta.concrete_fields
    )


def _copied_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def copy_in(model: type[models.Model], rows: Iterable[list[Any]], count: int) -> list[int]:
    """PostgreSQL's ``COPY`` of ``count`` rows (values in ``_copied_fields`` order); the keys
    given to them, in order, drawn from the table's sequence first.

    ``bulk_create`` spends most of a 100,000-row import turning values into SQL parameters;
    ``COPY`` streams the rows as they are, several times faster.
    """
    if not count:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    columns = ", ".join(
        connection.ops.quote_name(field.column) for field in [pk, *_copied_fields(model)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, count],
        )
        keys = [key for (key,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for key, values in zip(keys, rows, strict=True):
                copy.write_row([key, *values])
    return keys


class StagedResults:
    """A file's results, gathered in a temporary table and then applied in a few statements.

    ``add`` takes rows as they are read (``COPY`` on PostgreSQL); ``duplicates`` finds an athlete
    given twice in one race; ``apply`` updates the results whose values differ, inserts the new
    ones, copies both into the history and says how many were created, updated and unchanged.
    Nothing of the file is kept in Python, so memory does not grow with it. The table lives in
    the import's transaction and goes with it.

    A row of a race this import created cannot match a stored result: on PostgreSQL it is given
    its key from the sequence as it is staged, so that only the rows of stored races are
    matched against the results table.
    """

    TABLE = "athletes_import_staging"
    COLUMNS = (
        ("line", "integer NOT NULL"),
        ("race_id", "integer NOT NULL"),
        ("athlete_id", "integer NOT NULL"),
        ("athlete_name", "text NOT NULL"),
        ("athlete_column", "text NOT NULL"),
        ("place", "integer NULL"),
        ("time_ms", "integer NULL"),
        ("hand_timed", "boolean NOT NULL"),
        ("status", "text NOT NULL"),
        ("flags", "text NOT NULL"),
        ("note", "text NOT NULL"),
        ("source_url", "text NOT NULL"),
        ("result_id", "integer NULL"),
        ("action", "char(1) NOT NULL"),
    )
    """``action``: "" not decided yet, "+" to create (under ``result_id`` where it is given),
    "~" a stored result to change, "=" a stored result as it is."""
    VALUES = ("place", "time_ms", "hand_timed", "status", "flags", "note", "source_url")
    """The staged columns that are a result's own values: compared, then written."""

    def __init__(self, model: type[models.Model], reason: str) -> None:
        self.model = model
        self.reason = reason
        self.count = 0
        self.keyed = connection.vendor == "postgresql"
        columns = ", ".join(f"{name} {kind}" for name, kind in self.COLUMNS)
        extra = " ON COMMIT DROP" if self.keyed else ""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.TABLE} ({columns}){extra}")

    def add(self, rows: Sequence[Sequence[Any]], new_race: Sequence[bool]) -> None:
        """Stage rows given in ``COLUMNS`` order but the last two; ``new_race`` says, row by
        row, whether its race was created by this import."""
        if not rows:
            return
        keys = iter(self._keys(sum(new_race)) if self.keyed else ())
        staged = [
            (*row, next(keys), "+") if new and self.keyed else (*row, None, "")
            for row, new in zip(rows, new_race, strict=True)
        ]
        names = ", ".join(name for name, _ in self.COLUMNS)
        with connection.cursor() as cursor:
            if self.keyed:
                with cursor.cursor.copy(f"COPY {self.TABLE} ({names}) FROM STDIN") as copy:
                    for row in staged:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                cursor.executemany(f"INSERT INTO {self.TABLE} ({names}) VALUES ({marks})", staged)
        self.count += len(rows)

    def _keys(self, count: int) -> list[int]:
        if not count:
            return []
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), self.model._meta.pk.column, count],
            )
            return [key for (key,) in cursor.fetchall()]

    def duplicates(self, limit: int) -> list[tuple[int, str, str, int]]:
        """(line, athlete as written, its column, the line that gave them first) for every row
        that gives an athlete a second time in the same race, in file order."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.TABLE}_key ON {self.TABLE} (race_id, athlete_id, line)"
            )
            cursor.execute(
                f"SELECT s.line, s.athlete_name, s.athlete_column, f.first_line"
                f" FROM {self.TABLE} s JOIN (SELECT race_id, athlete_id, MIN(line) AS first_line"
                f" FROM {self.TABLE} GROUP BY race_id, athlete_id HAVING COUNT(*) > 1) f"
                f" ON s.race_id = f.race_id AND s.athlete_id = f.athlete_id"
                f" WHERE s.line > f.first_line ORDER BY s.line LIMIT %s",
                [limit],
            )
            return list(cursor.fetchall())

    def apply(self) -> tuple[int, int, int]:
        """Write the staged results: (created, updated, unchanged)."""
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        staged = self.TABLE
        field = self.model._meta.get_field
        pk = f"{table}.{quote(self.model._meta.pk.column)}"
        match = (
            f"{table}.{quote(field('race').column)} = {staged}.race_id"
            f" AND {table}.{quote(field('athlete').column)} = {staged}.athlete_id"
        )
        differs = " OR ".join(
            f"NOT ({table}.{quote(field(name).column)} IS {staged}.{name})"
            if connection.vendor == "sqlite"
            else f"{table}.{quote(field(name).column)} IS DISTINCT FROM {staged}.{name}"
            for name in self.VALUES
        )
        assignments = ", ".join(
            f"{quote(field(name).column)} = {staged}.{name}" for name in self.VALUES
        )
        if any(model_field.name == "version" for model_field in self.model._meta.fields):
            # A change made here must make a form opened before it stale (optimistic locking).
            version = quote(field("version").column)
            assignments += f", {version} = {table}.{version} + 1"
        changed_history, changed_params = history_insert(self.model, self.reason, "~")
        staged_values = {name: f"{staged}.{name}" for name in self.VALUES}
        source = {"id": f"{staged}.result_id", "race": f"{staged}.race_id",
                  "athlete": f"{staged}.athlete_id", **staged_values}  # fmt: skip
        created_history, created_params = history_insert(self.model, self.reason, "+", source)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {staged} SET result_id = {pk}, action = CASE WHEN {differs}"
                f" THEN '~' ELSE '=' END FROM {table} WHERE {match} AND {staged}.action = ''"
            )
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staged}"
                f" WHERE {staged}.result_id = {pk} AND {staged}.action = '~'"
            )
            cursor.execute(
                f"{changed_history} JOIN {staged} ON {staged}.result_id = {pk}"
                f" WHERE {staged}.action = '~'",
                changed_params,
            )
            self._insert_new(cursor, table, match)
            cursor.execute(
                f"{created_history} FROM {staged} WHERE {staged}.action = '+'", created_params
            )
            cursor.execute(f"SELECT action, COUNT(*) FROM {staged} GROUP BY action")
            counts = dict(cursor.fetchall())
            cursor.execute(f"DROP TABLE {staged}")
        return counts.get("+", 0), counts.get("~", 0), counts.get("=", 0)

    def _insert_new(self, cursor: Any, table: str, match: str) -> None:
        """Insert the rows still to create, every one with its key in ``result_id`` after."""
        quote = connection.ops.quote_name
        staged = self.TABLE
        pk = self.model._meta.pk
        if self.keyed:
            cursor.execute(
                f"UPDATE {staged} SET result_id = nextval(pg_get_serial_sequence(%s, %s)),"
                f" action = '+' WHERE action = ''",
                [table, pk.column],
            )
        written = ["race", "athlete", *self.VALUES]
        defaults = [
            model_field
            for model_field in self.model._meta.concrete_fields
            if not model_field.primary_key and model_field.name not in written
        ]
        field = self.model._meta.get_field
        columns = [field(name).column for name in written] + [f.column for f in defaults]
        selected = ["race_id", "athlete_id", *self.VALUES] + ["%s"] * len(defaults)
        if self.keyed:
            columns, selected = [pk.column, *columns], ["result_id", *selected]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)})"
            f" SELECT {', '.join(selected)} FROM {staged} WHERE action = %s ORDER BY line",
            [
                *(f.get_db_prep_save(f.get_default(), connection) for f in defaults),
                "+" if self.keyed else "",
            ],
        )
        if not self.keyed:
            cursor.execute(
                f"UPDATE {staged} SET result_id = {table}.{quote(pk.column)}, action = '+'"
                f" FROM {table} WHERE {match} AND {staged}.action = ''"
            )
