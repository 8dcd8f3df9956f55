"""``manage.py load_demo``: the demo data, built from the seed article, loaded idempotently.

Each race is a results table as its source prints it, pasted through the importer editors
use (``races.json`` gives each table's race and its sources), and the quotes go through the
article intake:
the seed article itself (``bowerman-mile-2024.txt``) is read as the admin's "Quotes from an
article" page reads it, and ``article.json`` is the editor's review of what it proposes (which
statements to keep, with what corrections); ``quotes.csv`` holds what the article does not say
right. Loading the demo exercises both. Athletes (with the article's misspellings as aliases),
the rivalry and its moments have no format of their own and are loaded with get-or-create.

The second rivalry (``kipyegon-tsegay/``) is entered the same way from the real record: its
races as pasted tables, its statements through the article intake (``articles.json``, one
review per article) and ``quotes.csv``.

Running it again changes nothing, and leaves an editor's corrections alone: a quote is its
speaker, date, source and words as first imported (DESIGN.md, "Identity on re-import").
"""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from athletes.importing import (
    Counts,
    ImportReport,
    import_results,
    parse_country,
    parse_sex,
    race_row,
)
from athletes.models import Athlete, AthleteAlias
from athletes.text import fold
from rivalries.article_intake import read_article, save_quote, store_article
from rivalries.articles import Proposal, race_for
from rivalries.dates import PreciseDate
from rivalries.importing import import_quotes
from rivalries.lists import count_in_the_data
from rivalries.models import Moment, Quote, Rivalry, Source

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
SECOND_DIR = DEMO_DIR / "kipyegon-tsegay"
RACE_FIELDS = (
    "date", "meet", "event", "round", "sex", "race_name", "city", "country", "venue", "indoor",
    "source_url",
)  # fmt: skip
"""What a ``races.json`` entry says of its race: ``import_results``'s options for a table."""


class Command(BaseCommand):
    help = (
        "Load the demo data (the Kerr vs Ingebrigtsen story of the seed article, and Kipyegon vs"
        " Tsegay from the real record) through the importers. Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            athletes, aliases = load_athletes(DEMO_DIR / "athletes.csv")
            results = load_races(DEMO_DIR / "races.json")
            proposed, kept = load_article(DEMO_DIR / "article.json")
            quotes = checked(import_quotes(DEMO_DIR / "quotes.csv", filename="quotes.csv"))
            story = load_story(DEMO_DIR / "rivalry.json")
            second = load_second(SECOND_DIR)
            pairs = count_in_the_data()
        self.stdout.write(
            f"athletes.csv: athletes {describe(athletes)}; aliases {describe(aliases)}"
        )
        for report in results:
            self.stdout.write(report.summary())
        self.stdout.write(
            f"article.json: {proposed} statements proposed; quotes kept {describe(kept)}"
        )
        self.stdout.write(quotes.summary())
        self.stdout.write(
            "rivalry.json: "
            + "; ".join(f"{kind} {describe(counts)}" for kind, counts in story.items())
        )
        for line in second:
            self.stdout.write(line)
        self.stdout.write(f"rivalries in the data: {pairs} pairs counted")


def checked(report: ImportReport) -> ImportReport:
    """The demo files must import cleanly; a bad row is a bug in the demo data."""
    if not report.ok:
        raise CommandError(report.summary())
    return report


def describe(counts: Counts) -> str:
    return f"{counts.created} created, {counts.unchanged} unchanged"


def load_second(folder: Path) -> list[str]:
    """The second rivalry (Kipyegon vs Tsegay): its athletes, its races as pasted tables, its
    statements through the article intake, then the rivalry and its moments. The lines of the
    command's summary."""
    athletes, aliases = load_athletes(folder / "athletes.csv")
    lines = [
        f"{folder.name}/athletes.csv: athletes {describe(athletes)}; aliases {describe(aliases)}"
    ]
    lines += [report.summary() for report in load_races(folder / "races.json")]
    reviews = json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]
    for spec in reviews:
        proposed, kept = review_article(spec, folder)
        lines.append(
            f"{folder.name}/{spec['file']}: {proposed} statements proposed;"
            f" quotes kept {describe(kept)}"
        )
    lines.append(
        checked(
            import_quotes(folder / "quotes.csv", filename=f"{folder.name}/quotes.csv")
        ).summary()
    )
    story = load_story(folder / "rivalry.json")
    lines.append(
        f"{folder.name}/rivalry.json: "
        + "; ".join(f"{kind} {describe(counts)}" for kind, counts in story.items())
    )
    return lines


def load_races(path: Path) -> list[ImportReport]:
    """Each race's pasted table (its parts from other pages after ``source:`` lines) through
    the pasted-table importer, into the race the manifest describes."""
    reports = []
    for spec in json.loads(path.read_text(encoding="utf-8"))["races"]:
        report = import_results(
            path.parent / spec["file"],
            filename=f"{path.parent.name}/{spec['file']}",
            race=race_row(**{key: spec[key] for key in RACE_FIELDS if key in spec}),
            create_athletes=True,
        )
        reports.append(checked(report))
    return reports


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


def load_article(path: Path) -> tuple[int, Counts]:
    """The seed article through the article intake, reviewed as ``article.json`` says.

    Each kept statement is saved with the editor's corrections and published; one the article
    already holds (a second run) is left as it is, whatever an editor has made of it since.
    """
    return review_article(json.loads(path.read_text(encoding="utf-8")), path.parent)


def review_article(spec: dict[str, Any], folder: Path) -> tuple[int, Counts]:
    """One article (``spec["file"]`` in ``folder``) through the intake, as its review says."""
    text = (folder / spec["file"]).read_text(encoding="utf-8")
    published_on = datetime.date.fromisoformat(spec["published_on"])
    where = {"url": spec["url"], "published_on": published_on, "publisher": spec["publisher"]}
    result = read_article(text, language=spec["language"], **where)
    counts = Counts()
    wanted = []
    for review in spec["keep"]:
        proposal = _proposed(result.new, review["starts"])
        if proposal is not None:
            wanted.append((proposal, review))
        elif _proposed(result.found, review["starts"]) is not None:
            counts.unchanged += 1
        else:
            raise CommandError(
                f"article.json keeps the statement starting '{review['starts']}', which the"
                f" article intake does not propose from {spec['file']}"
            )
    if not wanted:
        return len(result.found), counts
    demo_source = (
        Source.objects.filter(publisher=spec["publisher"], url=spec["url"], article__isnull=True)
        .order_by("pk")
        .first()
    )
    article = store_article(text, language=spec["language"], source=demo_source, **where)
    for proposal, review in wanted:
        if _adopted(article, proposal, review):
            counts.unchanged += 1
            continue
        _keep(article, proposal, review)
        counts.created += 1
    return len(result.found), counts


def _proposed(proposals: list[Proposal], starts: str) -> Proposal | None:
    return next((p for p in proposals if p.text.startswith(starts)), None)


def _reviewed(proposal: Proposal, review: dict[str, Any]) -> Proposal:
    said = PreciseDate.parse(review["said_on"], review["precision"])
    speaker = athlete(review["speaker"])
    timing = review["timing"]
    race = race_for(speaker, said, timing) if timing else None
    if timing and race is None:
        raise CommandError(f"article.json links '{review['starts']}' {timing} a race: none found")
    return Proposal(
        text=proposal.text,
        speaker=speaker,
        speaker_name="",
        about=tuple(athlete(name) for name in review["about"]),
        said_on=said.start,
        precision=said.precision,
        language=proposal.language,
        start=proposal.start,
        end=proposal.end,
        is_paraphrase=review["is_paraphrase"],
        occasion=review["occasion"],
        race=race,
        timing=timing,
    )


def _adopted(article, proposal: Proposal, review: dict[str, Any]) -> bool:
    """A quote of these corrected words loaded before the demo read the article (from the
    CSV it used to be): given its place in the article instead of a second copy."""
    reviewed = _reviewed(proposal, review)
    quote = (
        Quote.objects.filter(
            speaker=reviewed.speaker, said_on=reviewed.said_on, article__isnull=True
        )
        .filter(imported_text=review["text"])
        .first()
    )
    if quote is None:
        return False
    quote.article, quote.article_start, quote.article_end = article, proposal.start, proposal.end
    quote._change_reason = "found in the demo's article"
    quote.save(update_fields=["article", "article_start", "article_end"])
    return True


def _keep(article, proposal: Proposal, review: dict[str, Any]) -> Quote:
    quote = save_quote(article, _reviewed(proposal, review), reason="kept from the demo article")
    quote.text = review["text"]
    quote.published = True
    quote._change_reason = "reviewed and published (demo)"
    quote.save(update_fields=["text", "published"])
    return quote


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
