"""An Atom feed per rivalry (``/rivalries/<slug>/feed/``): its races and its quotes.

Entries are the races at least two members ran and the published quotes a member said about
another member, newest first, at most ``LIMIT`` of them: two LIMITed queries and one
prefetch, whatever the rivalry's length.

To RFC 4287: the feed's author is the site, an entry's author only the speaker of a quote (a
paraphrase's is its source: rivalries.statements), every title carries its date so no two
read alike, and links are absolute on the site's origin (rivalries/origin.py), never the
request's Host. Summaries are ``type="html"``, so text is HTML-escaped before it goes in: a
quote holding ``<img onerror=…>`` shows as text in a feed reader, never as markup.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.contrib.syndication.views import Feed
from django.db.models import Count, Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from athletes.models import MEETING_STATUSES, Athlete, Race, Result
from rivalries import statements
from rivalries.dates import PreciseDate
from rivalries.models import Quote, Rivalry
from rivalries.origin import site_origin

LIMIT = 30


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    summary: str
    date: datetime.date
    author: str | None = None
    kind: str = "race"

    @property
    def published(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date, datetime.time(), tzinfo=datetime.UTC)


def race_entry(race: Race) -> Entry:
    label = race.name or race.event.name
    if not race.is_final:
        label = f"{label} ({race.round_label.lower()})"
    lines = [
        f"{result.athlete.name}: "
        + (f"{ordinal(result.place)}, {result.time}" if result.time_ms else result.status)
        for result in race.member_results
    ]
    day = f"{race.date.day} {race.date:%b %Y}"
    return Entry(
        title=f"{race.meet.name}: {label}, {day}",
        url=race.get_absolute_url(),
        summary="; ".join(lines) + f". {day}, {race.meet.name}.",
        date=race.date,
    )


def quote_entry(quote: Quote) -> Entry:
    said: PreciseDate = quote.said
    source = f", in {quote.source.publisher}" if quote.source else ""
    original = f" (original: {quote.text})" if quote.translation else ""
    return Entry(
        title=f"{statements.headline(quote, 80)} ({said})",
        url=quote.get_absolute_url(),
        summary=f"{statements.plain(quote)}{original} {statements.attribution(quote)},"
        f" {said}{source}.",
        date=said.start,
        author=statements.feed_author(quote),
        kind="quote",
    )


def ordinal(place: int) -> str:
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"


def entries(rivalry: Rivalry, limit: int = LIMIT) -> list[Entry]:
    """The rivalry's races and quotes as feed entries, newest first."""
    members = list(Athlete.objects.filter(memberships__rivalry=rivalry))
    member_results = Prefetch(
        "results",
        queryset=Result.objects.filter(athlete__in=members)
        .select_related("athlete")
        .in_finishing_order(),
        to_attr="member_results",
    )
    # The races two members started, found from the members' results alone: counting over
    # every race's results instead scanned the whole table (a second at 2.8 million results).
    shared = (
        Result.objects.filter(athlete__in=members, status__in=MEETING_STATUSES)
        .values("race_id")
        .annotate(started=Count("pk"))
        .filter(started__gte=2)
        .values("race_id")
    )
    races = (
        Race.objects.official()
        .filter(pk__in=shared)
        .select_related("meet", "event")
        .prefetch_related(member_results)
        .order_by("-date", "-pk")[:limit]
    )
    quotes = (
        Quote.objects.published()
        .by(*members)
        .about(*members)
        .select_related("speaker", "source")
        .order_by("-said_on", "-pk")[:limit]
    )
    found = [race_entry(race) for race in races] + [quote_entry(quote) for quote in quotes]
    found.sort(key=lambda entry: entry.date, reverse=True)
    return found[:limit]


class RivalryFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Rivalries"

    def get_object(self, request: HttpRequest, slug: str) -> Rivalry:
        rivalry = get_object_or_404(Rivalry.objects.published(), slug=slug)
        # The feed object is shared by every request: the origin travels with the rivalry.
        rivalry.feed_origin = site_origin(request)
        return rivalry

    def author_link(self, rivalry: Rivalry) -> str:
        return rivalry.feed_origin + "/"

    def feed_url(self, rivalry: Rivalry) -> str:
        return rivalry.feed_origin + reverse("rivalry-feed", args=[rivalry.slug])

    def title(self, rivalry: Rivalry) -> str:
        return f"{rivalry.title} | Rivalries"

    def link(self, rivalry: Rivalry) -> str:
        return rivalry.feed_origin + rivalry.get_absolute_url()

    def subtitle(self, rivalry: Rivalry) -> str:
        return rivalry.summary or f"What {rivalry.title} said, and what they then ran."

    def items(self, rivalry: Rivalry) -> list[Entry]:
        return [replace(entry, url=rivalry.feed_origin + entry.url) for entry in entries(rivalry)]

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_description(self, entry: Entry) -> str:
        """HTML, as Atom's ``type="html"`` says: the plain summary, escaped."""
        return escape(entry.summary)

    def item_link(self, entry: Entry) -> str:
        return entry.url

    def item_pubdate(self, entry: Entry) -> datetime.datetime:
        return entry.published

    def item_updateddate(self, entry: Entry) -> datetime.datetime:
        """Atom requires ``updated`` on every entry; the record keeps no edit time, so the day."""
        return entry.published

    def item_author_name(self, entry: Entry) -> str | None:
        """None leaves the feed's own author (the site) standing for the entry."""
        return entry.author

    def item_categories(self, entry: Entry) -> tuple[str, ...]:
        return (entry.kind,)
