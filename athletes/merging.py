"""Folding a duplicate athlete into the one to keep.

A misspelt name in a results list ("Jakob Ingebritsen") creates a second athlete. A merge moves
everything that points at the duplicate over to the kept athlete, keeps the duplicate's name as
an alias (so the misspelling still finds the right person), fills in what the kept athlete
lacks, and deletes the duplicate: all in one transaction, each moved row saved on its own so
its edit history says what happened.

``athletes`` never imports ``rivalries``: the rows to move are found through the model's
metadata (every foreign key and many-to-many pointing at Athlete), so quotes, rivalry
memberships and moments move without this module naming them, and so will anything added later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.constraints import UniqueConstraint

from athletes.models import Athlete, AthleteAlias, Race, Result

# Filled in on the kept athlete when it has no value and the duplicate has one.
FILLABLE_FIELDS = (
    "country",
    "sex",
    "birth_date",
    "world_athletics_id",
    "bio",
    "photo_url",
    "photo_credit",
)
SHOWN_SHARED_RACES = 3


class MergeRefused(ValueError):
    """A merge that would break the record; the message names the athletes and races."""


@dataclass(frozen=True)
class Move:
    """Rows of one kind that point at the duplicate: how many move, how many are dropped.

    A row is dropped when the kept athlete already has its twin (both in the same rivalry,
    both named in the same quote's ``about``).
    """

    label: str
    moved: int
    dropped: int = 0


@dataclass(frozen=True)
class MergePlan:
    """What merging ``duplicate`` into ``keep`` does, computed without writing anything."""

    keep: Athlete
    duplicate: Athlete
    moves: tuple[Move, ...]
    new_aliases: tuple[str, ...]
    filled: tuple[str, ...]
    shared_races: tuple[Race, ...] = field(default=())

    @property
    def refusal(self) -> str:
        """Why the merge cannot be done, or "" when it can."""
        if self.keep.pk == self.duplicate.pk:
            return f"'{self.keep.name}' cannot be merged into itself."
        if not self.shared_races:
            return ""
        shown = "; ".join(str(race) for race in self.shared_races[:SHOWN_SHARED_RACES])
        more = len(self.shared_races) - SHOWN_SHARED_RACES
        if more > 0:
            shown += f"; and {more} more"
        return (
            f"'{self.duplicate.name}' and '{self.keep.name}' both have a result in {shown}:"
            " one athlete cannot run a race twice. If they are the same person, delete the"
            " wrong result first, then merge."
        )

    @property
    def allowed(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class _Relation:
    """Rows of ``model`` whose ``field`` names an athlete, and how they clash once moved."""

    model: type[models.Model]
    field: str
    label: str
    unique_with: tuple[tuple[str, ...], ...]
    """The other fields of each uniqueness rule that includes ``field``."""
    through_of: str = ""
    """For an automatic many-to-many table: the column naming the other side (``quote``)."""

    def rows(self, athlete: Athlete) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.field: athlete})

    def clashing(self, keep: Athlete, duplicate: Athlete) -> list[models.Model]:
        """The duplicate's rows that the kept athlete already has a twin of."""
        rules = self.unique_with or ()
        if not rules:
            return []
        clashes: dict[object, models.Model] = {}
        duplicate_rows = list(self.rows(duplicate))
        for others in rules:
            taken = set(self.rows(keep).values_list(*others)) if others else {()}
            for row in duplicate_rows:
                key = tuple(_value(row, name) for name in others)
                if key in taken:
                    clashes[row.pk] = row
        return list(clashes.values())


def _value(row: models.Model, name: str) -> object:
    """A field's stored value, as ``values_list`` gives it (the id for a foreign key)."""
    return getattr(row, row._meta.get_field(name).attname)


def _unique_with(model: type[models.Model], field_name: str) -> tuple[tuple[str, ...], ...]:
    """For each uniqueness rule of ``model`` that includes ``field_name``, the other fields."""
    rules: list[tuple[str, ...]] = [tuple(fields) for fields in model._meta.unique_together]
    rules += [
        tuple(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.fields
    ]
    if model._meta.get_field(field_name).unique:
        rules.append((field_name,))
    return tuple(
        tuple(name for name in rule if name != field_name) for rule in rules if field_name in rule
    )


def _relations() -> list[_Relation]:
    """Everything that points at an athlete, read from the models rather than listed here."""
    relations = []
    for rel in Athlete._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many:
            through = rel.through
            if not through._meta.auto_created:
                continue  # an explicit table (rivalry members) is reached by its foreign key
            source = rel.field.m2m_field_name()
            target = rel.field.m2m_reverse_field_name()
            relations.append(
                _Relation(
                    through,
                    target,
                    f"{model._meta.verbose_name_plural} ({rel.field.verbose_name})",
                    ((source,),),
                    through_of=source,
                )
            )
            continue
        if model is AthleteAlias:
            continue  # aliases are merged by name, below
        name = rel.field.name
        label = str(model._meta.verbose_name_plural)
        if name != "athlete":
            label += f" ({rel.field.verbose_name})"
        relations.append(_Relation(model, name, label, _unique_with(model, name)))
    return relations


def shared_races(keep: Athlete, duplicate: Athlete) -> list[Race]:
    """Races in which both have a result: merging them would give one athlete two results."""
    kept_races = Result.objects.filter(athlete=keep).values("race_id")
    return list(
        Race.objects.filter(results__athlete=duplicate, pk__in=kept_races)
        .select_related("meet", "event")
        .order_by("date", "pk")
    )


def _aliases_to_add(keep: Athlete, duplicate: Athlete) -> tuple[list[str], list[AthleteAlias]]:
    """New alias names for the kept athlete, and the duplicate's aliases that it already has."""
    known = {keep.search_name, *keep.aliases.values_list("search_name", flat=True)}
    new_names: list[str] = []
    redundant: list[AthleteAlias] = []
    for alias in duplicate.aliases.order_by("pk"):
        if alias.search_name in known:
            redundant.append(alias)
        else:
            known.add(alias.search_name)
            new_names.append(alias.name)
    if duplicate.search_name not in known:
        new_names.append(duplicate.name)
    return new_names, redundant


def _fills(keep: Athlete, duplicate: Athlete) -> list[str]:
    return [
        name
        for name in FILLABLE_FIELDS
        if getattr(keep, name) in (None, "") and getattr(duplicate, name) not in (None, "")
    ]


def plan_merge(keep: Athlete, duplicate: Athlete) -> MergePlan:
    """What :func:`merge_athletes` would do; writes nothing (the confirmation page shows it)."""
    moves = []
    if keep.pk != duplicate.pk:
        for relation in _relations():
            total = relation.rows(duplicate).count()
            dropped = len(relation.clashing(keep, duplicate)) if total else 0
            if total:
                moves.append(Move(relation.label, total - dropped, dropped))
    new_aliases, _ = _aliases_to_add(keep, duplicate)
    return MergePlan(
        keep=keep,
        duplicate=duplicate,
        moves=tuple(moves),
        new_aliases=tuple(new_aliases),
        filled=tuple(_fills(keep, duplicate)),
        shared_races=tuple(shared_races(keep, duplicate)),
    )


@transaction.atomic
def merge_athletes(keep: Athlete, duplicate: Athlete, *, reason: str = "") -> MergePlan:
    """Fold ``duplicate`` into ``keep`` and delete it; all or nothing.

    Refused (``MergeRefused``, nothing changed) when both ran the same race. Returns the plan
    that was carried out.
    """
    # Lock both rows so a concurrent edit cannot add a result between the check and the move.
    locked = {
        a.pk: a for a in Athlete.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    }
    keep, duplicate = locked.get(keep.pk, keep), locked.get(duplicate.pk, duplicate)
    plan = plan_merge(keep, duplicate)
    if not plan.allowed:
        raise MergeRefused(plan.refusal)
    reason = reason or f"merged '{duplicate.name}' (#{duplicate.pk}) into '{keep.name}'"

    for relation in _relations():
        _move(relation, keep, duplicate, reason)

    new_aliases, redundant = _aliases_to_add(keep, duplicate)
    for alias in redundant:
        alias.delete()
    duplicate.aliases.all().update(athlete=keep)
    existing = set(keep.aliases.values_list("name", flat=True))
    for name in new_aliases:
        if name not in existing:
            AthleteAlias.objects.create(athlete=keep, name=name, kind=AthleteAlias.Kind.MISSPELLING)

    filled = {name: getattr(duplicate, name) for name in plan.filled}
    duplicate._change_reason = reason
    duplicate.delete()
    if filled:
        for name, value in filled.items():
            setattr(keep, name, value)
        keep._change_reason = reason
        keep.save()
    return plan


def _move(relation: _Relation, keep: Athlete, duplicate: Athlete, reason: str) -> None:
    """Point the duplicate's rows at ``keep``, dropping the ones ``keep`` already has."""
    clashes = relation.clashing(keep, duplicate)
    for row in clashes:
        row.delete()
    if relation.through_of:
        # An automatic many-to-many table keeps no history: one UPDATE does.
        relation.rows(duplicate).update(**{relation.field: keep})
        return
    for row in list(relation.rows(duplicate).order_by("pk")):
        setattr(row, relation.field, keep)
        row._change_reason = reason
        row.save(update_fields=[relation.model._meta.get_field(relation.field).attname])
