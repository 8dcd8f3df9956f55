"""The record: who ran what. Athletes, their other spellings, meets, races and results."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from athletes import marks
from athletes.links import path_to, race_path
from athletes.text import ascii_slug, fold
from athletes.versioning import Versioned


class Sex(models.TextChoices):
    MEN = "men", _("Men")
    WOMEN = "women", _("Women")


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None) -> str:
    """An ASCII slug for ``text``; a clash gets ``-2``, ``-3``, ... ."""
    base = ascii_slug(text)[:70] or "x"
    taken = set(
        model._default_manager.filter(slug__regex=rf"^{base}(-[0-9]+)?$")
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


class AthleteQuerySet(models.QuerySet):
    def matching(self, name: str) -> AthleteQuerySet:
        """Athletes whose name or any alias folds to the same text as ``name``."""
        folded = fold(name)
        return self.filter(Q(search_name=folded) | Q(aliases__search_name=folded)).distinct()


class Athlete(Versioned):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    sort_name = models.CharField(max_length=120, blank=True, help_text='"Ingebrigtsen, Jakob"')
    country = CountryField(blank=True)
    sex = models.CharField(max_length=5, choices=Sex.choices, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    bio = models.TextField(blank=True)
    world_athletics_id = models.CharField(max_length=20, null=True, blank=True, unique=True)
    photo_url = models.URLField(blank=True)
    photo_credit = models.CharField(max_length=200, blank=True)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)

    objects = AthleteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_name", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        # Derived text may outgrow the name ("Last, First" adds a comma, folding "ß" to "ss"):
        # clipped to its column, so a name of full length still saves on PostgreSQL.
        self.search_name = fold(self.name)[:120]
        if not self.sort_name:
            first, _, last = self.name.rpartition(" ")
            self.sort_name = (f"{last}, {first}" if first else self.name)[:120]
        if not self.slug:
            self.slug = unique_slug(Athlete, self.name, exclude_pk=self.pk)
        if not self.world_athletics_id:
            self.world_athletics_id = None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("athlete", self.slug)

    @property
    def country_code(self) -> str:
        """The IOC / World Athletics code: GBR, NOR, USA."""
        return self.country.ioc_code if self.country else ""


class AthleteAlias(Versioned):
    class Kind(models.TextChoices):
        MISSPELLING = "misspelling"
        TRANSLITERATION = "transliteration"
        NICKNAME = "nickname"
        FORMER_NAME = "former name"

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MISSPELLING)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name_plural = "athlete aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["athlete", "search_name"], name="alias_once_per_athlete"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(self.name)[:120]  # folding may lengthen it, as for athletes
        super().save(*args, **kwargs)


class Event(Versioned):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True, blank=True)
    distance_m = models.FloatField(help_text="1609.344 for the mile")

    class Meta:
        ordering = ["distance_m", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = ascii_slug(self.name)
        super().save(*args, **kwargs)


class Level(models.TextChoices):
    OLYMPIC = "olympic", _("Olympic Games")
    WORLD = "world", _("World Championships")
    CONTINENTAL = "continental", _("Continental/Commonwealth championships")
    NATIONAL = "national", _("National championships")
    DIAMOND_LEAGUE = "diamond", _("Diamond League")
    ONE_DAY = "one-day", _("Other one-day meet")


CHAMPIONSHIP_LEVELS = (Level.OLYMPIC, Level.WORLD, Level.CONTINENTAL, Level.NATIONAL)


def level_group(level: str) -> str:
    """Championships against one-day meets, the split head-to-head tallies use."""
    return "championships" if level in CHAMPIONSHIP_LEVELS else "one-day meets"


class Meet(Versioned):
    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.ONE_DAY)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=160, blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = CountryField(blank=True)
    indoor = models.BooleanField(default=False)
    search_name = models.CharField(max_length=160, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="meet_ends_after_it_starts",
            ),
            models.UniqueConstraint(fields=["search_name", "start_date"], name="one_meet_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start_date.year}"

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(self.name)[:160]  # folding may lengthen it, as for athletes
        if not self.slug:
            self.slug = unique_slug(Meet, f"{self.name} {self.start_date.year}", exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def is_championship(self) -> bool:
        return self.level in CHAMPIONSHIP_LEVELS


class Round(models.TextChoices):
    FINAL = "final", _("Final")
    SEMI_FINAL = "semi-final", _("Semi-final")
    QUARTER_FINAL = "quarter-final", _("Quarter-final")
    HEAT = "heat", _("Heat")


def round_label(name: str, number: int | None) -> str:
    """ "Final", "Semi-final 2", "Heat 3"."""
    label = Round(name).label
    return f"{label} {number}" if number else label


ROUND_ORDER = {Round.HEAT: 0, Round.QUARTER_FINAL: 1, Round.SEMI_FINAL: 2, Round.FINAL: 3}


class RaceQuerySet(models.QuerySet):
    def official(self) -> RaceQuerySet:
        return self.filter(status=Race.Status.OFFICIAL)

    def scheduled(self) -> RaceQuerySet:
        return self.filter(status=Race.Status.SCHEDULED)


class Race(Versioned):
    """One start. Different heats of one event are different races."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        OFFICIAL = "official"

    meet = models.ForeignKey(Meet, on_delete=models.PROTECT, related_name="races")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="races")
    sex = models.CharField(max_length=5, choices=Sex.choices, blank=True)
    round = models.CharField(max_length=14, choices=Round.choices, default=Round.FINAL)
    round_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Heat or semi-final number; empty for a final"
    )
    name = models.CharField(max_length=120, blank=True, help_text='"Bowerman Mile"')
    date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFICIAL)
    source_url = models.URLField(max_length=500, blank=True)

    objects = RaceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "meet_id", "event__distance_m"]
        constraints = [
            # Two partial constraints, as SQLite cannot treat NULL round numbers as equal.
            models.UniqueConstraint(
                fields=["meet", "event", "sex", "round", "round_number", "name"],
                name="one_numbered_race_per_round",
            ),
            models.UniqueConstraint(
                fields=["meet", "event", "sex", "round", "name"],
                condition=Q(round_number__isnull=True),
                name="one_unnumbered_race_per_round",
            ),
            models.CheckConstraint(
                condition=Q(round_number__isnull=True) | Q(round_number__gte=1),
                name="round_number_from_one",
            ),
        ]
        indexes = [models.Index(fields=["date", "id"], name="race_date_idx")]

    def __str__(self) -> str:
        label = self.name or f"{self.event} {self.get_sex_display().lower()}"
        return f"{label}, {self.round_label}, {self.meet}"

    def get_absolute_url(self) -> str:
        return race_path(self.pk)

    @property
    def round_label(self) -> str:
        return round_label(self.round, self.round_number)

    @property
    def is_final(self) -> bool:
        return self.round == Round.FINAL


class Flag(models.TextChoices):
    WR = "WR", _("World record")
    WL = "WL", _("World lead")
    AR = "AR", _("Area record")
    NR = "NR", _("National record")
    PB = "PB", _("Personal best")
    SB = "SB", _("Season best")
    OR = "OR", _("Olympic record")
    CR = "CR", _("Championship record")
    MR = "MR", _("Meeting record")
    DLR = "DLR", _("Diamond League record")


def normalise_flags(text: str) -> str:
    """Known flag codes, upper-case, in the canonical order, space-separated."""
    given = {flag.upper() for flag in (text or "").replace(",", " ").split()}
    unknown = given - set(Flag.values)
    if unknown:
        bad = " ".join(sorted(unknown))
        raise ValueError(f"'{bad}' is not a flag: use {', '.join(Flag.values)}")
    return " ".join(flag for flag in Flag.values if flag in given)


class ResultStatus(models.TextChoices):
    FINISHED = "finished", _("Finished")
    DNF = "DNF", _("Did not finish")
    DNS = "DNS", _("Did not start")
    DQ = "DQ", _("Disqualified")
    ENTERED = "entered", _("Entered")


# A result in one of these counts as a meeting in head-to-head; DNS and "entered" do not.
MEETING_STATUSES = (ResultStatus.FINISHED, ResultStatus.DNF, ResultStatus.DQ)


class ResultQuerySet(models.QuerySet):
    def in_finishing_order(self) -> ResultQuerySet:
        """Finishers by place, then DNF, DQ, DNS and entries (NULL places last on every DB)."""
        return self.order_by(models.F("place").asc(nulls_last=True), "status", "id")


class Result(Versioned):
    race = models.ForeignKey(Race, on_delete=models.PROTECT, related_name="results")
    athlete = models.ForeignKey(Athlete, on_delete=models.PROTECT, related_name="results")
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    time_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name="time (ms)")
    # Database defaults too: bulk loaders (COPY) that name only the older columns keep working.
    hand_timed = models.BooleanField(
        default=False, db_default=False, help_text="Read to tenths by hand, written 3:30.2h"
    )
    status = models.CharField(
        max_length=8, choices=ResultStatus.choices, default=ResultStatus.FINISHED
    )
    flags = models.CharField(max_length=40, blank=True, help_text="WR WL AR NR PB SB OR CR MR DLR")
    note = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(
        max_length=500,
        blank=True,
        default="",
        db_default="",
        help_text="This result's own source, when it is not the race's",
    )

    objects = ResultQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        # By race id (not Race's own ordering, which would join), then NULL places last everywhere.
        ordering = ["race_id", models.F("place").asc(nulls_last=True), "status", "id"]
        constraints = [
            models.UniqueConstraint(fields=["race", "athlete"], name="one_result_per_athlete"),
            models.CheckConstraint(
                condition=(
                    Q(status=ResultStatus.FINISHED, place__isnull=False, time_ms__isnull=False)
                    | (
                        ~Q(status=ResultStatus.FINISHED)
                        & Q(place__isnull=True, time_ms__isnull=True)
                    )
                ),
                name="finished_iff_place_and_time",
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(place__gte=1), name="place_from_one"
            ),
            models.CheckConstraint(
                condition=Q(time_ms__isnull=True) | Q(time_ms__gt=0), name="time_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResultStatus.values), name="result_status_known"
            ),
        ]
        # The head-to-head self-join starts from one athlete's results and joins on race.
        indexes = [models.Index(fields=["athlete", "race"], name="result_athlete_race_idx")]

    def __str__(self) -> str:
        return f"{self.athlete} in {self.race}: {self.mark_display}"

    @property
    def time(self) -> str:
        return marks.format(self.time_ms, self.hand_timed) if self.time_ms is not None else ""

    @property
    def mark_display(self) -> str:
        return self.time or self.status

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()


class BusyPair(models.Model):
    """One of the pairs who met most often, as last counted (``meetings.store_busiest``).

    Counting every pair in the record aggregates the whole results table (1.4 s at 280,000
    results, 20 s at 2.8 million): far too slow for a page. So the count runs apart
    (``manage.py count_pairs``, from cron and after loading the demo) and keeps the busiest
    pairs here; pages read these rows and say when they were counted.
    """

    a = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    """The lower id of the two: each pair once."""
    b = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    meetings = models.PositiveIntegerField()
    a_ahead = models.PositiveIntegerField()
    b_ahead = models.PositiveIntegerField()
    ties = models.PositiveIntegerField()
    no_decision = models.PositiveIntegerField()
    mean_gap_ms = models.PositiveIntegerField(null=True, blank=True)
    counted_at = models.DateTimeField()

    class Meta:
        ordering = [
            "-meetings",
            models.F("mean_gap_ms").asc(nulls_last=True),
            "a_id",
            "b_id",
        ]
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="busy_pair_once")]
        # Counted, never edited: no one gets permissions on it (the Editors group included).
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.a_id} vs {self.b_id}: {self.meetings} meetings"
