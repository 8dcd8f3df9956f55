"""The rivalry timeline in TimelineJS's JSON format, so a newsroom can use the tool it knows.

``/api/v1/rivalries/<slug>/timeline/?format=timelinejs`` answers with the same items (same
filters, same cursor) as the JSON timeline, shaped as TimelineJS reads it
(https://timeline.knightlab.com/docs/json-format.html): a title slide and one event per item.
TimelineJS reads one document and never follows a ``next`` link, so the document holds the
whole timeline, up to ``MAX_EVENTS`` events; when there are more, the title slide says so
and the extra keys ``truncated`` and ``next`` (ignored by TimelineJS) tell a program where
the rest is. A date carries only the parts its precision knows ("Nov 2023" has no day),
``text`` fields are HTML (escaped here, every link an absolute URL on the site's origin and
every source's link through the http/https allow-list), the title slide's ``media`` is the
rivalry's share card (an absolute URL too: TimelineJS runs on other sites' pages), and
``group`` puts races, quotes and moments on rows of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.html import escape, format_html, format_html_join, linebreaks

from athletes.links import outbound
from rivalries import statements
from rivalries.dates import Precision
from rivalries.models import Rivalry
from rivalries.timeline import Item, MomentItem, QuoteItem, RaceItem, TimelinePage

GROUPS = {"race": "Races", "upcoming": "Races", "quote": "Quotes", "moment": "Moments"}
MAX_EVENTS = 500
"""Events in one document: far past any rivalry we have (the demo has 16), and a bound on the
work one anonymous request can ask for."""


def page_to_timelinejs(
    rivalry: Rivalry,
    page: TimelinePage,
    next_url: str | None,
    url_for: Callable[[models.Model], str],
    card_url: str = "",
) -> dict[str, Any]:
    """A TimelineJS document of one timeline page; ``next_url`` and ``card_url`` (absolute)
    are the caller's."""
    text = linebreaks(rivalry.summary, autoescape=True)
    if next_url:
        text += format_html(
            '<p>This timeline shows its first {} events; <a href="{}">the rest</a>.</p>',
            len(page.items),
            next_url,
        )
    title: dict[str, Any] = {"text": {"headline": escape(rivalry.title), "text": text}}
    if card_url:
        title["media"] = {"url": card_url, "alt": escape(rivalry.title), "link": url_for(rivalry)}
    return {
        "title": title,
        "events": [_event(item, page, url_for) for item in page.items],
        "truncated": (
            {"shown": len(page.items), "limit": MAX_EVENTS, "note": TRUNCATED_NOTE}
            if next_url
            else None
        ),
        "next": next_url,
    }


TRUNCATED_NOTE = (
    f"TimelineJS reads one document, so this one stops at {MAX_EVENTS} events: `next` gives"
    " the rest, in the same format."
)


def start_date(item: Item) -> dict[str, int]:
    """Year, then month and day only as far as the item's precision goes."""
    day = item.date.start
    parts = {"year": day.year}
    if item.date.precision != Precision.YEAR:
        parts["month"] = day.month
    if item.date.precision == Precision.DAY:
        parts["day"] = day.day
    return parts


def _event(item: Item, page: TimelinePage, url_for: Callable[[models.Model], str]) -> dict:
    obj: models.Model
    if item.race is not None:
        headline, text, obj = _race(item.race), _race_text(item.race, page), item.race.race
    elif item.quote is not None:
        headline, text, obj = _quote(item.quote), _quote_text(item.quote, url_for), item.quote.quote
    else:
        moment = item.moment.moment
        headline, text, obj = escape(moment.title), _moment_text(item.moment), moment
    url = url_for(obj)
    if url:
        text += format_html('<p><a href="{}">More</a></p>', url)
    return {
        "unique_id": f"{item.kind}-{obj.pk}",
        "start_date": start_date(item),
        "display_date": item.date.display(),
        "text": {"headline": headline, "text": text},
        "group": GROUPS[item.kind],
    }


def _race(item: RaceItem) -> str:
    race = item.race
    label = race.name or f"{race.meet.name} {race.event.name}"
    headline = f"{label}, {race.round_label}"
    if item.upcoming:
        headline = f"Upcoming: {headline}"
    return escape(headline)


def _race_text(item: RaceItem, page: TimelinePage) -> str:
    results = format_html_join(
        "",
        "<li>{} {}</li>",
        (
            (result.athlete.name, result.time or result.status)
            if result.place is None
            else (f"{result.place}. {result.athlete.name}", result.time)
            for result in item.results
        ),
    )
    text = format_html("<ul>{}</ul>", results) if item.results else ""
    if not item.upcoming:
        tally = " – ".join(  # noqa: RUF001 - an en dash, as the page shows scores
            f"{member.name} {item.tally_after.get(member.slug, 0)}" for member in page.members
        )
        text += format_html("<p>Head-to-head after this race: {}</p>", tally)
    return text


def _quote(item: QuoteItem) -> str:
    quote = item.quote
    about = ", ".join(athlete.name for athlete in quote.about.all())
    headline = f"{quote.speaker_label} on {about}" if about else quote.speaker_label
    return escape(f"Paraphrase of {headline}" if quote.is_paraphrase else headline)


def _quote_text(item: QuoteItem, url_for: Callable[[models.Model], str]) -> str:
    quote = item.quote
    text = statements.html(quote)
    if quote.translation:
        text += format_html("<p>Translation: {}</p>", quote.translation)
    text += _source(quote.source)
    following = item.next_meeting
    if following is not None:
        when = "" if following.certain else " (the quote may come after it)"
        race = following.race
        text += format_html(
            '<p>What happened next: <a href="{}">{} {}</a>, {}{}</p>',
            url_for(race),
            race.meet.name,
            race.event.name,
            f"{following.date.day} {following.date:%b %Y}",
            when,
        )
    return text


def _moment_text(item: MomentItem) -> str:
    moment = item.moment
    return linebreaks(moment.description, autoescape=True) + _source(moment.source)


def _source(source: Any) -> str:
    if source is None:
        return ""
    name = f"{source.publisher}: {source.title}" if source.title else source.publisher
    url = outbound(source.url)
    if url:
        return format_html('<p>Source: <a href="{}">{}</a></p>', url, name)
    return format_html("<p>Source: {}</p>", name)
