"""CSV import of quotes, on the results intake's plumbing (the athletes.importing package).

The same rules hold: all or nothing, every bad row reported by line, column and value, a dry
run that rolls back, and a second import of the same file that changes nothing. A quote is the
same quote when its speaker, date, source and words *as first imported* match (DESIGN.md,
"Identity on re-import"): an editor's later correction of the wording is not undone, nor
copied, by importing the file again. Every imported quote has a source, so every imported
quote is published.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from athletes.importing import (
    AthleteMatcher,
    Cells,
    ImportAbort,
    ImportReport,
    ImportSource,
    Row,
    imported,
    parse_bool,
    parse_url,
    read_rows,
    source_name,
    unknown_athlete,
)
from athletes.models import MEETING_STATUSES, Athlete, Race
from athletes.text import fold
from rivalries.dates import PreciseDate, Precision
from rivalries.models import Quote, Source, Timing

QUOTE_COLUMNS = ("date", "date_precision", "speaker", "about", "text", "source_name", "source_url")
QUOTE_OPTIONAL_COLUMNS = ("language", "translation", "occasion", "is_paraphrase", "timing")
QUOTE_KINDS = ("athletes", "sources", "quotes")

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z]{2,4})?")


def parse_precision(text: str) -> Precision | None:
    """day, month or year in any case; empty lets the date's own shape decide."""
    value = text.strip().lower()
    if not value:
        return None
    try:
        return Precision(value)
    except ValueError:
        raise ValueError(f"'{text}' is not a precision: write day, month or year") from None


def parse_timing(text: str) -> str:
    """before or after in any case; empty is no link to a race."""
    value = text.strip().lower()
    if value and value not in Timing.values:
        raise ValueError(f"'{text}' is not a timing: write before or after (or leave it empty)")
    return value


def parse_language(text: str) -> str:
    """An ISO 639-1 code ("en", "no", "nb"); empty is English."""
    value = text.strip().lower() or "en"
    if not _LANGUAGE.fullmatch(value):
        raise ValueError(f"'{text}' is not a language code: write e.g. en, no, sv")
    return value


def guess_medium(publisher: str, url: str) -> str:
    """A light guess from the names; "article" unless the publisher or link says otherwise."""
    text = f"{fold(publisher)} {url.lower()}"
    if re.search(r"podcast|plodcast|spotify\.com|podcasts\.apple", text):
        return Source.Medium.PODCAST
    if re.search(
        r"twitter\.com|//x\.com|instagram\.com|threads\.net|tiktok\.com|facebook\.com", text
    ):
        return Source.Medium.SOCIAL_POST
    if re.search(r"press conference", text):
        return Source.Medium.PRESS_CONFERENCE
    if re.search(r"youtube\.com|youtu\.be|iplayer|\btv\b|nrk\.no/tv", text):
        return Source.Medium.BROADCAST
    return Source.Medium.ARTICLE


@dataclass
class _QuoteLine:
    line: int
    said: PreciseDate
    speaker: Athlete
    about_ids: set[int]
    text: str
    source: Source
    language: str
    translation: str
    occasion: str
    is_paraphrase: bool
    timing: str
    race: Race | None = None


def import_quotes(
    source: ImportSource,
    *,
    dry_run: bool = False,
    create_athletes: bool = False,
    filename: str | None = None,
) -> ImportReport:
    """Import a quotes CSV (DESIGN.md, "CSV import"): all of it, or nothing and every error.

    Speakers and the athletes a quote is ``about`` are matched by name or alias (created with
    ``create_athletes``); sources by URL, else by publisher; ``timing`` links the quote to the
    one official race the speaker ran on its day.
    """
    report = ImportReport(filename or source_name(source), QUOTE_KINDS, dry_run=dry_run)
    rows = list(
        read_rows(
            source, report, required=QUOTE_COLUMNS, optional=QUOTE_OPTIONAL_COLUMNS, kind="quotes"
        )
    )
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            _QuotesImport(report, create_athletes=create_athletes).run(rows)
            if not report.ok or dry_run:
                raise ImportAbort
            if report.changed:
                imported.send(sender=Quote)
    except ImportAbort:
        pass
    return report


class _QuotesImport:
    def __init__(self, report: ImportReport, *, create_athletes: bool) -> None:
        self.report = report
        self.create_athletes = create_athletes
        self.athletes = AthleteMatcher()
        self.sources: dict[tuple[str, str], Source] = {}
        self.sources_created: set[int] = set()
        self.sources_used: set[int] = set()
        self.change_reason = f"imported from {report.filename}"

    def run(self, rows: Sequence[Row]) -> None:
        self.athletes.load(
            name for row in rows for name in [row["speaker"], *_about_names(row["about"])] if name
        )
        lines = [line for row in rows if (line := self._parse(row)) is not None]
        self._check_duplicates(lines)
        if not self.report.ok:
            return
        self._save(lines)
        self.athletes.count_into(self.report.counts["athletes"])
        counts = self.report.counts["sources"]
        counts.created = len(self.sources_created)
        counts.unchanged = len(self.sources_used - self.sources_created)

    def _parse(self, row: Row) -> _QuoteLine | None:
        cells = Cells(row, self.report)
        precision = cells.parse("date_precision", parse_precision, None)
        said = None
        if cells.ok:
            said = cells.parse("date", lambda text: PreciseDate.parse(text, precision), None)
        speaker = self._athlete(cells, "speaker", row["speaker"], required=True)
        about = [
            athlete
            for name in _about_names(row["about"])
            if (athlete := self._athlete(cells, "about", name)) is not None
        ]
        text = cells.text("text", required=True)
        publisher = row["source_name"]
        if not publisher:
            cells.fail(
                "source_name",
                "",
                "a quote needs a source: give source_name (and source_url when it has one)",
            )
        elif len(publisher) > 120:
            cells.fail("source_name", publisher, f"'{publisher[:40]}...' is too long: at most 120")
        url = cells.parse("source_url", parse_url, "")
        timing = cells.parse("timing", parse_timing, "")
        language = cells.parse("language", parse_language, "en")
        occasion = cells.text("occasion", max_length=200)
        is_paraphrase = cells.parse("is_paraphrase", parse_bool, False)
        if not cells.ok or said is None or speaker is None:
            return None
        line = _QuoteLine(
            line=row.line,
            said=said,
            speaker=speaker,
            about_ids={athlete.pk for athlete in about},
            text=text,
            source=self._source(publisher, url),
            language=language,
            translation=row["translation"],
            occasion=occasion,
            is_paraphrase=is_paraphrase,
            timing=timing,
        )
        if timing:
            line.race = self._race(cells, line)
        return line if cells.ok else None

    def _athlete(
        self, cells: Cells, column: str, name: str, *, required: bool = False
    ) -> Athlete | None:
        if not name:
            if required:
                cells.fail(column, "", f"'{column}' is empty: every quote has a speaker")
            return None
        try:
            athlete = self.athletes.find(name)
        except ValueError as error:
            cells.fail(column, name, str(error))
            return None
        if athlete is None:
            if not self.create_athletes:
                cells.fail(column, name, unknown_athlete(name))
                return None
            athlete = self.athletes.create(name)
        return athlete

    def _source(self, publisher: str, url: str) -> Source:
        """By URL when there is one, else the publisher's source without a URL."""
        key = ("url", url) if url else ("publisher", fold(publisher))
        source = self.sources.get(key)
        if source is None:
            if url:
                source = Source.objects.filter(url=url).order_by("pk").first()
            else:
                source = (
                    Source.objects.filter(publisher__iexact=publisher, url="")
                    .order_by("pk")
                    .first()
                )
            if source is None:
                source = Source(publisher=publisher, url=url, medium=guess_medium(publisher, url))
                source._change_reason = self.change_reason
                source.save()
                self.sources_created.add(source.pk)
            self.sources[key] = source
        self.sources_used.add(source.pk)
        return source

    def _race(self, cells: Cells, line: _QuoteLine) -> Race | None:
        """The one official race the speaker ran on the quote's day."""
        if line.said.precision != Precision.DAY:
            cells.fail(
                "timing",
                line.timing,
                f"'{line.timing}' links a quote to a race on its day, but the date"
                f" '{line.said.isoformat()}' is a {line.said.precision}: give the day",
            )
            return None
        races = list(
            Race.objects.official()
            .filter(
                date=line.said.start,
                results__athlete=line.speaker,
                results__status__in=MEETING_STATUSES,
            )
            .select_related("meet", "event")
            .distinct()
            .order_by("pk")
        )
        if len(races) == 1:
            return races[0]
        day = line.said.start.isoformat()
        if not races:
            cells.fail(
                "timing",
                line.timing,
                f"'{line.timing}' needs a race, but {line.speaker.name} ran no official race on"
                f" {day}: import the results first, or leave timing empty",
            )
        else:
            which = "; ".join(str(race) for race in races)
            cells.fail(
                "timing",
                line.timing,
                f"'{line.timing}' is ambiguous: {line.speaker.name} ran {len(races)} official"
                f" races on {day} ({which})",
            )
        return None

    def _check_duplicates(self, lines: Sequence[_QuoteLine]) -> None:
        seen: dict[tuple, int] = {}
        for line in lines:
            key = (line.speaker.pk, line.said.start, line.text)
            if key in seen:
                self.report.error(
                    line.line,
                    "text",
                    line.text[:60],
                    f"this quote is in the file twice: also on line {seen[key]}",
                )
            else:
                seen[key] = line.line

    def _save(self, lines: Sequence[_QuoteLine]) -> None:
        existing: dict[tuple, Quote] = {}
        speakers = {line.speaker.pk for line in lines}
        dates = {line.said.start for line in lines}
        quotes = Quote.objects.filter(speaker__in=speakers, said_on__in=dates).prefetch_related(
            "about"
        )
        for quote in quotes:
            existing[(quote.speaker_id, quote.said_on, quote.source_id, quote.imported_text)] = (
                quote
            )
        counts = self.report.counts["quotes"]
        for line in lines:
            values = {
                "said_on_precision": str(line.said.precision),
                "language": line.language,
                "translation": line.translation,
                "occasion": line.occasion,
                "is_paraphrase": line.is_paraphrase,
                "source_id": line.source.pk,
                "race_id": line.race.pk if line.race else None,
                "timing": line.timing,
                "published": True,
            }
            quote = existing.get((line.speaker.pk, line.said.start, line.source.pk, line.text))
            if quote is None:
                quote = Quote(speaker=line.speaker, said_on=line.said.start, text=line.text)
                for name, value in values.items():
                    setattr(quote, name, value)
                quote._change_reason = self.change_reason
                quote.save()
                quote.about.set(line.about_ids)
                counts.created += 1
                continue
            same_about = {athlete.pk for athlete in quote.about.all()} == line.about_ids
            if same_about and all(getattr(quote, k) == v for k, v in values.items()):
                counts.unchanged += 1
                continue
            for name, value in values.items():
                setattr(quote, name, value)
            quote._change_reason = self.change_reason
            quote.save()
            quote.about.set(line.about_ids)
            counts.updated += 1


def _about_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(";") if name.strip()]


def import_quotes_text(text: str, **options: bool | str) -> ImportReport:
    """Import quotes CSV given as a string (tests, the admin's paste box)."""
    return import_quotes(io.StringIO(text), **options)
