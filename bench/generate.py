"""Synthetic data for the benchmark, bulk-loaded into PostgreSQL with COPY.

``generate(dsn, scale)`` fills a migrated, empty database. ``scale=1`` is size M: about 2,000
athletes, 20,000 races, 300,000 results, 20,000 quotes and 200 rivalries; L is ``scale=10``.
Every size has the same shape, so that per-page costs can be compared across sizes:

- athletes run middle distance (800m-Mile) or long distance (3000m-10,000m), for careers of
  8-16 years between 1975 and 2025; about one in seven has an alias (a misspelling);
- meets are one-day meets (finals only, up to 12 races) or championships (heats, semi-finals
  and a final of two events; finalists come through the rounds), dated over the year;
- fields are 8-16 runners (most near 16), drawn from the athletes active that year in that
  sex and event group; a few DNF, DNS and DQ; times spread behind the winner's;
- each rivalry (a tenth of them three-way) has members whose careers overlap and who meet in
  5-60 races; three in five quotes are by a rivalry member about a rival, the rest by any
  runner about another in the same race, all dated around a race they both ran (half linked
  to it as said before or after); a few moments per rivalry.

No history rows are written: the benchmarked pages do not read them.
"""

from __future__ import annotations

import csv
import datetime
import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import psycopg

from athletes import marks
from athletes.text import ascii_slug, fold


def names(text: str) -> list[str]:
    return text.split()


FIRST_YEAR, LAST_YEAR = 1975, 2025
EVENTS = [  # name, slug, metres, group, men's winning time (s), women's
    ("800m", "800m", 800.0, "mid", 104.0, 118.0),
    ("1500m", "1500m", 1500.0, "mid", 213.0, 240.0),
    ("Mile", "mile", 1609.344, "mid", 230.0, 258.0),
    ("3000m", "3000m", 3000.0, "long", 460.0, 515.0),
    ("5000m", "5000m", 5000.0, "long", 785.0, 880.0),
    ("10,000m", "10000m", 10000.0, "long", 1640.0, 1820.0),
]
GROUP_EVENTS = {"mid": [0, 1, 2], "long": [3, 4, 5]}
FIELD_SIZES = list(range(8, 17))
FIELD_WEIGHTS = [1, 1, 1, 2, 3, 5, 8, 13, 20]  # mean about 14.4 runners
LEVELS = [  # level, weight, championship?
    ("olympic", 1, True),
    ("world", 2, True),
    ("continental", 3, True),
    ("national", 8, True),
    ("diamond", 26, False),
    ("one-day", 60, False),
]
COUNTRIES = names(
    "GB NO US KE ET ES FR DE IT NL BE SE AU NZ CA JP MA DZ UG IE PL CH PT BR MX ZA BH QA"
)
CITIES = names(
    "Oslo Eugene Paris Rome Zurich Brussels Monaco London Stockholm Doha Rabat Xiamen"
    " Budapest Tokyo Berlin Lausanne Silesia Birmingham Boston Nairobi Madrid Ostrava"
)
PUBLISHERS = [
    ("The Times", "thetimes.co.uk"),
    ("NRK", "nrk.no"),
    ("BBC Sport", "bbc.co.uk"),
    ("The Athletic", "nytimes.com"),
    ("LetsRun", "letsrun.com"),
    ("Citius Mag", "citiusmag.com"),
    ("Athletics Weekly", "athleticsweekly.com"),
    ("VG", "vg.no"),
    ("Runner's World", "runnersworld.com"),
    ("World Athletics", "worldathletics.org"),
]
FIRST_NAMES = {
    "men": names(
        "Jakob Josh Cole Timothy Yared Mohamed Elliot Neil Stewart George Narve Abel Selemon"
        " Hicham Noah Matthew Oliver Samuel Ingvar Filip Henrik Luis Pablo Marco Jonas Lukas"
        " Ayanleh Vincent Hobbs Jake Emmanuel Reynold Jérôme Andreas Sondre Håkon Tadese"
    ),
    "women": names(
        "Faith Gudaf Sifan Laura Jessica Keely Athing Diribe Ciara Hellen Freweyni Nikki"
        " Beatrice Agathe Marta Elise Karoline Sofia Linden Elle Jemma Winfred Margaret"
        " Gabriela Ludovica Selina Esther Hirut Agnès Jóna Siri Ingrid Birke Yolanda"
    ),
}
SYLLABLES = names(
    "in ge brigt sen ker ho cker che rui yot nu gu se ya gi ma ko wil son war hol ma ris tan"
    " de bo ga ro ni ku be ta mi lo ra fe ne di sa pe vo li"
)
SURNAME_ENDINGS = ["sen", "son", "ov", "er", "ez", "i", "a", "ot", "ing", "ari", "ua", "ø", "é"]
QUOTE_WORDS = names(
    "ego weakness gold final kick pace tactics respect rival line confident injury champion"
    " record season training altitude sprint lap finish believe proven nothing everything"
    " stronger faster arrogant humble medal podium threat chance dream beat"
)
QUOTE_TEMPLATES = [
    "{target} has some major {w1} that he had better address before the {w2}.",
    "I am not worried about {target}; my {w1} is where it needs to be for the {w2}.",
    "{target} is just next in line. The {w1} will show who is the real {w2}.",
    "People talk about {target} and me, but I only think about my {w1} and the {w2}.",
    "Beating {target} in that {w1} proved {w2} to me.",
    "There is a lot of {w1} in how {target} speaks about the {w2}.",
]
MOMENT_TITLES = [
    "{name} out injured",
    "{name} withdraws from the season",
    "{name} changes coach",
    "The feud goes public: {name} answers on a podcast",
    "{name} sets a national record in training",
]


@dataclass
class AthleteRow:
    pk: int
    name: str
    sex: str
    group: str
    first_year: int
    last_year: int
    ability: float


@dataclass
class RaceRow:
    pk: int
    meet: int
    event: int
    sex: str
    round: str
    round_number: int | None
    date: datetime.date
    group: str
    field: list[int] = field(default_factory=list)


@dataclass
class Generated:
    """What the benchmark needs to know about the data it made."""

    counts: dict[str, int]


class Generator:
    def __init__(self, scale: float, seed: int = 7) -> None:
        self.rand = random.Random(seed)
        self.scale = scale
        self.n_athletes = max(60, round(2000 * scale))
        self.n_races = max(300, round(20000 * scale))
        self.n_quotes = max(200, round(20000 * scale))
        self.n_rivalries = max(5, round(200 * scale))
        self.n_sources = max(20, round(2000 * scale))
        # Below M the record covers fewer years, so that as many athletes are active in a year
        # as at M and fields still have 8-16 runners.
        span = LAST_YEAR - FIRST_YEAR + 1
        self.first_year = LAST_YEAR + 1 - (span if scale >= 1 else max(3, round(span * scale)))
        self.athletes: list[AthleteRow] = []
        self.races: list[RaceRow] = []
        self.meets: list[tuple] = []
        self.pools: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        self.races_by: dict[tuple[str, str], list[RaceRow]] = defaultdict(list)
        self.rivalries: list[tuple[int, str, list[int], list[RaceRow]]] = []
        self.slugs: dict[str, int] = {}
        self.surnames = self._surnames()
        self.names: set[str] = set()
        self.meet_names: set[tuple[str, int]] = set()
        self.protected: dict[int, set[int]] = defaultdict(set)
        """Race -> rivalry members placed in it, whom no later rivalry may replace."""
        self._years: dict[tuple[str, str], list[int]] = {}

    # -- names ---------------------------------------------------------------------------------

    def _surnames(self) -> list[str]:
        count = max(400, self.n_athletes // 3)
        names: set[str] = set()
        while len(names) < count:
            parts = self.rand.randint(2, 3)
            body = "".join(self.rand.choice(SYLLABLES) for _ in range(parts))
            names.add((body + self.rand.choice(SURNAME_ENDINGS)).capitalize())
        return sorted(names)

    def slug(self, text: str) -> str:
        base = ascii_slug(text)[:70] or "x"
        number = self.slugs.get(base, 0) + 1
        self.slugs[base] = number
        return base if number == 1 else f"{base}-{number}"

    # -- athletes ------------------------------------------------------------------------------

    def make_athletes(self) -> None:
        for pk in range(1, self.n_athletes + 1):
            sex = "men" if pk % 2 else "women"
            group = "mid" if self.rand.random() < 0.55 else "long"
            length = self.rand.randint(8, 16)
            first = self.rand.randint(self.first_year - 6, LAST_YEAR - 3)
            name = f"{self.rand.choice(FIRST_NAMES[sex])} {self.rand.choice(self.surnames)}"
            while fold(name) in self.names:  # one athlete to a name, as an import needs
                name = f"{self.rand.choice(FIRST_NAMES[sex])} {self.rand.choice(self.surnames)}"
            self.names.add(fold(name))
            athlete = AthleteRow(pk, name, sex, group, first, first + length, self.rand.gauss())
            self.athletes.append(athlete)
            for year in range(max(first, self.first_year), min(first + length, LAST_YEAR) + 1):
                self.pools[(sex, group, year)].append(pk)

    def athlete_rows(self) -> Iterable[tuple]:
        for a in self.athletes:
            first, _, last = a.name.rpartition(" ")
            yield (
                a.pk,
                a.name,
                self.slug(a.name),
                f"{last}, {first}",
                self.rand.choice(COUNTRIES),
                a.sex,
                datetime.date(a.first_year - self.rand.randint(18, 24), 1 + a.pk % 12, 1),
                "",
                None,
                "",
                "",
                fold(a.name),
            )

    def alias_rows(self) -> Iterable[tuple]:
        pk = 0
        for a in self.athletes:
            if self.rand.random() < 0.15:
                first, _, last = a.name.rpartition(" ")
                cut = self.rand.randrange(1, len(last))
                misspelt = f"{first} {last[:cut]}{last[cut + 1 :]}"  # a letter dropped
                pk += 1
                yield (pk, misspelt, "misspelling", fold(misspelt), a.pk)

    # -- meets and races -----------------------------------------------------------------------

    def make_races(self) -> None:
        years = LAST_YEAR - self.first_year + 1
        per_year = self.n_races / years
        meet_pk = 0
        for year in range(self.first_year, LAST_YEAR + 1):
            made = 0
            while made < per_year:
                meet_pk += 1
                level, _, championship = self.rand.choices(
                    LEVELS, weights=[w for _, w, _ in LEVELS]
                )[0]
                indoor = not championship and self.rand.random() < 0.15
                month = self.rand.randint(1, 3) if indoor else self.rand.randint(5, 9)
                city = self.rand.choice(CITIES)
                base = f"{city} {level.title()} {'Championships' if championship else 'Meet'}"
                name, number = base, 1
                while (name, year) in self.meet_names:  # imports match meets by name and year
                    number += 1
                    name = f"{base} {number}"
                self.meet_names.add((name, year))
                start = datetime.date(year, month, self.rand.randint(1, 25))
                days = 3 if championship else 0
                self.meets.append(
                    (
                        meet_pk,
                        name,
                        self.slug(f"{name} {year} {meet_pk}"),
                        level,
                        start,
                        start + datetime.timedelta(days=days),
                        f"{city} Stadium",
                        city,
                        self.rand.choice(COUNTRIES),
                        indoor,
                        fold(name),
                    )
                )
                if championship:
                    made += self._championship(meet_pk, start)
                else:
                    made += self._one_day(meet_pk, start)

    def _new_race(self, meet: int, event: int, sex: str, round_name: str, number, day) -> RaceRow:
        race = RaceRow(
            len(self.races) + 1, meet, event, sex, round_name, number, day, EVENTS[event][3]
        )
        self.races.append(race)
        self.races_by[(sex, race.group)].append(race)
        return race

    def _draw(self, sex: str, group: str, year: int, size: int) -> list[int]:
        pool = self.pools.get((sex, group, year), [])
        return self.rand.sample(pool, min(size, len(pool)))

    def _field_size(self) -> int:
        return self.rand.choices(FIELD_SIZES, weights=FIELD_WEIGHTS)[0]

    def _one_day(self, meet: int, day: datetime.date) -> int:
        combos = [(event, sex) for event in range(len(EVENTS)) for sex in ("men", "women")]
        chosen = self.rand.sample(combos, self.rand.randint(4, 12))
        for event, sex in chosen:
            race = self._new_race(meet, event, sex, "final", None, day)
            race.field = self._draw(sex, race.group, day.year, self._field_size())
        return len(chosen)

    def _championship(self, meet: int, day: datetime.date) -> int:
        combos = [(event, sex) for event in range(len(EVENTS)) for sex in ("men", "women")]
        made = 0
        for event, sex in self.rand.sample(combos, 2):
            group = EVENTS[event][3]
            entrants = self._draw(sex, group, day.year, 36)
            heats = [entrants[i::3] for i in range(3)]
            for number, heat in enumerate(heats, 1):
                self._new_race(meet, event, sex, "heat", number, day).field = heat
            through = [a for heat in heats for a in sorted(heat, key=self._ability)[:8]]
            semis = [through[i::2] for i in range(2)]
            later = day + datetime.timedelta(days=1)
            for number, semi in enumerate(semis, 1):
                self._new_race(meet, event, sex, "semi-final", number, later).field = semi
            finalists = [a for semi in semis for a in sorted(semi, key=self._ability)[:6]]
            final_day = day + datetime.timedelta(days=3)
            self._new_race(meet, event, sex, "final", None, final_day).field = finalists
            made += 6
        return made

    def _ability(self, pk: int) -> float:
        return -self.athletes[pk - 1].ability

    # -- rivalries -----------------------------------------------------------------------------

    def make_rivalries(self) -> None:
        for pk in range(1, self.n_rivalries + 1):
            members, shared = self._rivals()
            names = [self.athletes[m - 1].name.rpartition(" ")[2] for m in members]
            title = " vs ".join(names)
            self.rivalries.append((pk, title, members, shared))

    def _rivals(self) -> tuple[list[int], list[RaceRow]]:
        """Rivals whose careers overlap by six years (fewer in a shrunk record), and 5-60 races
        they share. Bounded: a record too small for any rivalry fails loudly, not forever."""
        career = min(6, LAST_YEAR - self.first_year + 1)
        for _ in range(100_000):
            first = self.rand.choice(self.athletes)
            years = range(
                max(first.first_year, self.first_year), min(first.last_year, LAST_YEAR) + 1
            )
            if len(years) < career:
                continue
            pool = self.pools[(first.sex, first.group, years[len(years) // 2])]
            overlapping = [
                pk
                for pk in pool
                if pk != first.pk
                and min(first.last_year, self.athletes[pk - 1].last_year)
                - max(first.first_year, self.athletes[pk - 1].first_year)
                >= career - 1
            ]
            if len(overlapping) < 2:
                continue
            count = 3 if self.rand.random() < 0.1 else 2
            members = [first.pk, *self.rand.sample(overlapping, count - 1)]
            start = max(self.athletes[m - 1].first_year for m in members)
            end = min(self.athletes[m - 1].last_year for m in members)
            candidates = self._races_between(first.sex, first.group, start, end)
            meetings = self.rand.randint(5, 60)
            if len(candidates) < min(meetings, 5 if career < 6 else meetings):
                continue
            meetings = min(meetings, len(candidates))
            shared = sorted(self.rand.sample(candidates, meetings), key=lambda r: r.pk)
            for race in shared:
                kept = self.protected[race.pk]
                for member in members:
                    if member in race.field:
                        continue
                    free = [i for i, a in enumerate(race.field) if a not in kept]
                    if free and len(race.field) >= 8:
                        race.field[self.rand.choice(free)] = member
                    else:
                        race.field.append(member)
                kept.update(members)
            return members, shared
        raise RuntimeError(f"no rivals found in a record of {len(self.athletes)} athletes")

    def _races_between(self, sex: str, group: str, start: int, end: int) -> list[RaceRow]:
        races = self.races_by[(sex, group)]
        if (sex, group) not in self._years:
            self._years[(sex, group)] = [race.date.year for race in races]
        dates = self._years[(sex, group)]
        low, high = bisect_left(dates, start), bisect_left(dates, end + 1)
        return [race for race in races[low:high] if len(race.field) >= 2]

    def rivalry_rows(self) -> Iterable[tuple]:
        for pk, title, _, shared in self.rivalries:
            began = shared[0].date.replace(day=1)
            summary = f"{title}: {len(shared)} races, and what they said between them."
            published = self.rand.random() < 0.95 or pk == 1
            yield (pk, title, self.slug(title), summary, began, "month", published)

    def member_rows(self) -> Iterable[tuple]:
        pk = 0
        for rivalry, _, members, _ in self.rivalries:
            for order, athlete in enumerate(members, 1):
                pk += 1
                yield (pk, order, athlete, rivalry)

    # -- results -------------------------------------------------------------------------------

    def race_rows(self) -> Iterable[tuple]:
        for race in self.races:
            label = {"final": "", "heat": "", "semi-final": ""}[race.round]
            yield (
                race.pk,
                race.sex,
                race.round,
                race.round_number,
                label,
                race.date,
                "official",
                "",
                race.event + 1,
                race.meet,
            )

    def result_rows(self) -> Iterable[tuple]:
        pk = 0
        rand = self.rand
        for race in self.races:
            event = EVENTS[race.event]
            winning = (event[4] if race.sex == "men" else event[5]) * 1000
            order = sorted(
                race.field, key=lambda a: -self.athletes[a - 1].ability + rand.gauss(0, 0.7)
            )
            place = 0
            time_ms = int(winning * rand.uniform(0.99, 1.03))
            for athlete in order:
                pk += 1
                roll = rand.random()
                if roll < 0.02:
                    yield (pk, None, None, "DNF", "", "", athlete, race.pk)
                    continue
                if roll < 0.03:
                    yield (pk, None, None, "DNS", "", "", athlete, race.pk)
                    continue
                if roll < 0.035:
                    yield (pk, None, None, "DQ", "", "", athlete, race.pk)
                    continue
                place += 1
                time_ms += 0 if place == 1 else rand.randint(10, int(winning * 0.004))
                flag = rand.random()
                flags = "PB" if flag < 0.08 else "SB" if flag < 0.2 else ""
                if place == 1 and flag > 0.97:
                    flags = "MR"
                yield (pk, place, time_ms, "finished", flags, "", athlete, race.pk)

    # -- quotes, sources, moments --------------------------------------------------------------

    def source_rows(self) -> Iterable[tuple]:
        for pk in range(1, self.n_sources + 1):
            publisher, domain = PUBLISHERS[pk % len(PUBLISHERS)]
            yield (
                pk,
                publisher,
                f"Interview {pk}",
                f"https://{domain}/story/{pk}",
                None,
                "interview" if pk % 3 else "article",
                "",
            )

    def quote_rows(self) -> tuple[list[tuple], list[tuple]]:
        quotes: list[tuple] = []
        about: list[tuple] = []
        rand = self.rand
        racing = [race for race in self.races if len(race.field) >= 2]
        for pk in range(1, self.n_quotes + 1):
            if rand.random() < 0.6:
                _, _, members, shared = rand.choice(self.rivalries)
                speaker, target = rand.sample(members, 2)
                race = rand.choice(shared)
            else:
                race = rand.choice(racing)
                speaker, target = rand.sample(race.field, 2)
            targets = [target]
            linked = rand.random() < 0.5
            if linked:
                said, precision = race.date, "day"
                timing = rand.choice(["before", "after"])
                race_id: int | None = race.pk
            else:
                timing, race_id = "", None
                said = race.date + datetime.timedelta(days=rand.randint(-14, 14))
                precision = rand.choices(["day", "month", "year"], weights=[80, 15, 5])[0]
                if precision == "month":
                    said = said.replace(day=1)
                elif precision == "year":
                    said = said.replace(month=1, day=1)
            words = rand.sample(QUOTE_WORDS, 2)
            target_name = self.athletes[target - 1].name.rpartition(" ")[2]
            text = rand.choice(QUOTE_TEMPLATES).format(target=target_name, w1=words[0], w2=words[1])
            norwegian = rand.random() < 0.08
            quotes.append(
                (
                    pk,
                    "",
                    text,
                    "no" if norwegian else "en",
                    text if norwegian else "",
                    rand.random() < 0.2,
                    said,
                    precision,
                    "",
                    rand.random() < 0.97,
                    timing,
                    race_id if linked else None,
                    speaker,
                    rand.randint(1, self.n_sources),
                )
            )
            about.extend((pk, athlete) for athlete in targets)
        return quotes, [(i, q, a) for i, (q, a) in enumerate(about, 1)]

    def moment_rows(self) -> tuple[list[tuple], list[tuple]]:
        moments: list[tuple] = []
        linked: list[tuple] = []
        for _, _, members, shared in self.rivalries:
            for _ in range(self.rand.randint(0, 5)):
                pk = len(moments) + 1
                who = self.rand.choice(members)
                day = self.rand.choice(shared).date - datetime.timedelta(days=30)
                title = self.rand.choice(MOMENT_TITLES).format(name=self.athletes[who - 1].name)
                source = self.rand.randint(1, self.n_sources)
                moments.append((pk, title, "", day.replace(day=1), "month", True, source))
                linked.append((len(linked) + 1, pk, who))
        return moments, linked

    def event_rows(self) -> Iterable[tuple]:
        for pk, (name, slug, metres, *_rest) in enumerate(EVENTS, 1):
            yield (pk, name, slug, metres)


TABLES: dict[str, Sequence[str]] = {
    "athletes_event": ("id", "name", "slug", "distance_m"),
    "athletes_athlete": (
        "id", "name", "slug", "sort_name", "country", "sex", "birth_date", "bio",
        "world_athletics_id", "photo_url", "photo_credit", "search_name",
    ),
    "athletes_athletealias": ("id", "name", "kind", "search_name", "athlete_id"),
    "athletes_meet": (
        "id", "name", "slug", "level", "start_date", "end_date", "venue", "city", "country",
        "indoor", "search_name",
    ),
    "athletes_race": (
        "id", "sex", "round", "round_number", "name", "date", "status", "source_url",
        "event_id", "meet_id",
    ),
    "athletes_result": (
        "id", "place", "time_ms", "status", "flags", "note", "athlete_id", "race_id",
    ),
    "rivalries_rivalry": (
        "id", "title", "slug", "summary", "began_on", "began_on_precision", "published",
    ),
    "rivalries_rivalrymember": ("id", "order", "athlete_id", "rivalry_id"),
    "rivalries_source": (
        "id", "publisher", "title", "url", "published_on", "medium", "archive_url",
    ),
    "rivalries_quote": (
        "id", "speaker_name", "text", "language", "translation", "is_paraphrase", "said_on",
        "said_on_precision", "occasion", "published", "timing", "race_id", "speaker_id",
        "source_id",
    ),
    "rivalries_quote_about": ("id", "quote_id", "athlete_id"),
    "rivalries_moment": (
        "id", "title", "description", "happened_on", "happened_on_precision", "published",
        "source_id",
    ),
    "rivalries_moment_athletes": ("id", "moment_id", "athlete_id"),
}  # fmt: skip


def copy_rows(cursor: psycopg.Cursor, table: str, rows: Iterable[tuple]) -> int:
    columns = ", ".join(f'"{column}"' for column in TABLES[table])
    count = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def drop_keys_and_indexes(cursor: psycopg.Cursor, tables: list[str]) -> list[str]:
    """Drop the tables' foreign keys, unique constraints and indexes (not primary keys), for a
    fast COPY; returns the statements that put them back (indexes are built in one sort each,
    foreign keys checked in one query each)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE contype IN ('f', 'u') AND conrelid = ANY(%s::regclass[])"
        " ORDER BY contype",  # foreign keys first
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [definition for _, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, kind, definition in sorted(constraints, key=lambda c: c[2] != "u")
    ]  # unique constraints before foreign keys
    return restore


def default_unwritten(cursor: psycopg.Cursor) -> None:
    """Columns the generator leaves to their model's default: the editors' lock counter
    (athletes/versioning.py) starts at 1, text (a quote's ``imported_text``) is empty; any other
    required column it does not write is a mistake to name, not a COPY error."""
    cursor.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ANY(%s)"
        " AND is_nullable = 'NO' AND column_default IS NULL",
        [list(TABLES)],
    )
    unwritten = [(t, c, kind) for t, c, kind in cursor.fetchall() if c not in TABLES[t]]
    for table, column, kind in unwritten:
        if column == "version":
            default = "1"
        elif kind in ("text", "character varying"):
            default = "''"
        else:
            raise SystemExit(f"bench.generate writes no value for {table}.{column}")
        cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {default}')


def generate(dsn: str, scale: float, seed: int = 7) -> Generated:
    """Fill the migrated, empty database at ``dsn``; returns the row counts."""
    gen = Generator(scale, seed)
    gen.make_athletes()
    gen.make_races()
    gen.make_rivalries()
    quotes, about = gen.quote_rows()
    moments, moment_athletes = gen.moment_rows()
    counts: dict[str, int] = {}
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        default_unwritten(cursor)
        restore = drop_keys_and_indexes(cursor, list(TABLES))
        for table, rows in [
            ("athletes_event", gen.event_rows()),
            ("athletes_athlete", gen.athlete_rows()),
            ("athletes_athletealias", gen.alias_rows()),
            ("athletes_meet", gen.meets),
            ("athletes_race", gen.race_rows()),
            ("athletes_result", gen.result_rows()),
            ("rivalries_rivalry", gen.rivalry_rows()),
            ("rivalries_rivalrymember", gen.member_rows()),
            ("rivalries_source", gen.source_rows()),
            ("rivalries_quote", quotes),
            ("rivalries_quote_about", about),
            ("rivalries_moment", moments),
            ("rivalries_moment_athletes", moment_athletes),
        ]:
            counts[table] = copy_rows(cursor, table, rows)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in restore:
            cursor.execute(statement)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return Generated(counts)


RESULT_CSV_HEADER = (
    "date,meet,race_name,city,country,venue,event,round,indoor,place,athlete,nationality,mark,"
    "status,flags,source_url,sex"
)


def write_results_csv(path: str, rows: int, seed: int = 11) -> int:
    """A results file of about ``rows`` rows in the import's format (DESIGN.md, "CSV import"),
    as a federation's export would give it; returns the number of rows written."""
    gen = Generator(rows / 288_000, seed)
    gen.make_athletes()
    gen.make_races()
    athletes = {a.pk: a for a in gen.athletes}
    countries = {a.pk: gen.rand.choice(COUNTRIES) for a in gen.athletes}
    meets = {meet[0]: meet for meet in gen.meets}
    races = {race.pk: race for race in gen.races}
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(RESULT_CSV_HEADER.split(","))
        for _, place, time_ms, status, flags, _, athlete, race_id in gen.result_rows():
            race = races[race_id]
            meet = meets[race.meet]
            round_label = "final" if race.round == "final" else f"{race.round} {race.round_number}"
            out.writerow(
                [
                    race.date.isoformat(),
                    meet[1],
                    "",
                    meet[7],
                    meet[8],
                    meet[6],
                    EVENTS[race.event][0],
                    round_label,
                    "true" if meet[9] else "false",
                    place or "",
                    athletes[athlete].name,
                    countries[athlete],
                    marks.format(time_ms) if time_ms else "",
                    "" if status == "finished" else status,
                    flags,
                    "",
                    race.sex,
                ]
            )
            written += 1
    return written
