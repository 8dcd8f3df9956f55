"""``manage.py load_demo``: the demo data, built from the seed article, loaded idempotently.

Results and quotes go through the same CSV importers editors use, so loading the demo also
exercises them. Athletes (with the article's misspellings as aliases), the rivalry and its
moments have no CSV format of their own and are loaded here with get-or-create.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from athletes.importing import Counts, ImportReport, import_results, parse_country, parse_sex
from athletes.models import Athlete, AthleteAlias
from athletes.text import fold
from rivalries.dates import PreciseDate
from rivalries.importing import import_quotes
from rivalries.lists import count_in_the_data
from rivalries.models import Moment, Rivalry, Source

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo data (the Kerr vs Ingebrigtsen story of the seed article) through the"
        " CSV importers. Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            athletes, aliases = load_athletes(DEMO_DIR / "athletes.csv")
            results = checked(import_results(DEMO_DIR / "results.csv", filename="results.csv"))
            quotes = checked(import_quotes(DEMO_DIR / "quotes.csv", filename="quotes.csv"))
            story = load_story(DEMO_DIR / "rivalry.json")
            pairs = count_in_the_data()
        self.stdout.write(
            f"athletes.csv: athletes {describe(athletes)}; aliases {describe(aliases)}"
        )
        self.stdout.write(results.summary())
        self.stdout.write(quotes.summary())
        self.stdout.write(
            "rivalry.json: "
            + "; ".join(f"{kind} {describe(counts)}" for kind, counts in story.items())
        )
        self.stdout.write(f"rivalries in the data: {pairs} pairs counted")


def checked(report: ImportReport) -> ImportReport:
    """The demo files must import cleanly; a bad row is a bug in the demo data."""
    if not report.ok:
        raise CommandError(report.summary())
    return report


def describe(counts: Counts) -> str:
    return f"{counts.created} created, {counts.unchanged} unchanged"


def load_athletes(path: Path) -> tuple[Counts, Counts]:
    """``name,country,sex,aliases`` rows (aliases ``;``-separated): the names spelled right."""
    athletes, aliases = Counts(), Counts()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            athlete = Athlete.objects.filter(search_name=fold(name)).order_by("pk").first()
            if athlete is None:
                athlete = Athlete(
                    name=name, country=parse_country(row["country"]), sex=parse_sex(row["sex"])
                )
                athlete.save()
                athletes.created += 1
            else:
                athletes.unchanged += 1
            for alias in filter(None, (part.strip() for part in row["aliases"].split(";"))):
                _, created = AthleteAlias.objects.get_or_create(
                    athlete=athlete, search_name=fold(alias), defaults={"name": alias}
                )
                if created:
                    aliases.created += 1
                else:
                    aliases.unchanged += 1
    return athletes, aliases


def load_story(path: Path) -> dict[str, Counts]:
    """The rivalry (members in order) and its moments, each created once."""
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"rivalry": Counts(), "moments": Counts()}
    spec = data["rivalry"]
    began = PreciseDate.parse(spec["began_on"], spec["began_on_precision"])
    rivalry = Rivalry.objects.filter(title=spec["title"]).first()
    if rivalry is None:
        rivalry = Rivalry.objects.create(
            title=spec["title"],
            summary=spec["summary"],
            began_on=began.start,
            began_on_precision=str(began.precision),
            published=True,
        )
        counts["rivalry"].created += 1
    else:
        counts["rivalry"].unchanged += 1
    if not rivalry.members.exists():
        for name in spec["members"]:  # one at a time: add(a, b) numbers them in pk-set order
            rivalry.members.add(athlete(name))
    for moment_spec in data["moments"]:
        happened = PreciseDate.parse(
            moment_spec["happened_on"], moment_spec["happened_on_precision"]
        )
        moment = Moment.objects.filter(
            title=moment_spec["title"], happened_on=happened.start
        ).first()
        if moment is not None:
            counts["moments"].unchanged += 1
            continue
        moment = Moment.objects.create(
            title=moment_spec["title"],
            description=moment_spec["description"],
            happened_on=happened.start,
            happened_on_precision=str(happened.precision),
            source=source(moment_spec["source"]),
            published=True,
        )
        moment.athletes.set([athlete(name) for name in moment_spec["athletes"]])
        counts["moments"].created += 1
    return counts


def athlete(name: str) -> Athlete:
    found = Athlete.objects.matching(name).order_by("pk").first()
    if found is None:
        raise CommandError(f"rivalry.json names '{name}', who is not in athletes.csv")
    return found


def source(spec: dict[str, Any]) -> Source:
    """The publisher's source without a URL (or with it): the one the quotes import made."""
    found = (
        Source.objects.filter(publisher=spec["publisher"], url=spec.get("url", ""))
        .order_by("pk")
        .first()
    )
    return found or Source.objects.create(publisher=spec["publisher"], url=spec.get("url", ""))
