"""A small world behind every public URL, and the list of those URLs, for the tests that sweep
the whole readers' site (security headers, methods, fuzzing, hostile text in a browser).

The record comes in through the CSV importers, as editors' files do, so hostile text given as
names reaches the pages by the same road as a real file's cells.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from athletes.importing import import_results_text
from athletes.models import Athlete, Race
from rivalries.importing import import_quotes_text
from rivalries.models import Quote, Rivalry, Source
from tests.factories import AthleteAliasFactory, MomentFactory, RivalryFactory


@dataclass(frozen=True)
class Names:
    """Every text a reader sees that an editor typed or a file carried."""

    athlete_a: str = "Josh Kerr"
    athlete_b: str = "Jakob Ingebrigtsen"
    alias: str = "Jakob Ingebritsen"
    meet: str = "Prefontaine Classic"
    race_name: str = "Bowerman Mile"
    city: str = "Eugene"
    venue: str = "Hayward Field"
    quote: str = "He would win 98 out of 100 races."
    translation: str = ""
    occasion: str = "in the mixed zone"
    publisher: str = "The Athletic"
    source_title: str = "The rivalry, in their words"
    moment: str = "The feud goes public"
    rivalry: str = "Kerr vs Ingebrigtsen"
    summary: str = "Two milers, one argument."
    bio: str = "A miler from Edinburgh."


@dataclass(frozen=True)
class World:
    a: Athlete
    b: Athlete
    rivalry: Rivalry
    race: Race
    quote: Quote
    source: Source


RESULT_HEADER = [
    "date", "meet", "race_name", "city", "country", "venue", "event", "round", "indoor", "place",
    "athlete", "nationality", "mark", "status", "flags", "source_url",
]  # fmt: skip
QUOTE_HEADER = [
    "date", "date_precision", "speaker", "about", "text", "source_name", "source_url",
    "language", "translation", "occasion", "timing",
]  # fmt: skip


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def build_world(names: Names | None = None) -> World:
    """Two athletes who met twice, a quote before their second race, a moment, a rivalry."""
    n = names or Names()
    results = []
    for date, a_place, a_mark, b_mark in (
        ("2023-06-10", "2", "3:48.10", "3:47.90"),
        ("2024-05-25", "1", "3:45.34", "3:45.60"),
    ):
        b_place = "1" if a_place == "2" else "2"
        common = [date, n.meet, n.race_name, n.city, "USA", n.venue, "Mile", "final", "false"]
        results.append([*common, a_place, n.athlete_a, "GBR", a_mark, "", "PB", ""])
        results.append([*common, b_place, n.athlete_b, "NOR", b_mark, "", "", ""])
    report = import_results_text(csv_text(RESULT_HEADER, results), create_athletes=True)
    assert report.ok, report.summary()

    quotes = [
        [
            "2024-05-25", "day", n.athlete_a, n.athlete_b, n.quote, n.publisher,
            "https://example.com/interview", "en" if not n.translation else "no",
            n.translation, n.occasion, "before",
        ]
    ]  # fmt: skip
    report = import_quotes_text(csv_text(QUOTE_HEADER, quotes))
    assert report.ok, report.summary()

    a = Athlete.objects.get(name=" ".join(n.athlete_a.split()))
    b = Athlete.objects.get(name=" ".join(n.athlete_b.split()))
    Athlete.objects.filter(pk=a.pk).update(bio=n.bio)
    AthleteAliasFactory(athlete=b, name=n.alias)
    source = Source.objects.get()
    source.title = n.source_title
    source.save()
    MomentFactory(title=n.moment, athletes=[a, b], source=source, description=n.summary)
    rivalry = RivalryFactory(
        title=n.rivalry,
        summary=n.summary,
        members=[a, b],
        began_on=datetime.date(2023, 6, 1),
    )
    race = Race.objects.order_by("-date").first()
    return World(a=a, b=b, rivalry=rivalry, race=race, quote=Quote.objects.get(), source=source)


def public_urls(world: World) -> dict[str, str]:
    """One URL of each public pattern (by its name), all with something behind them."""
    a, b, rivalry = world.a.slug, world.b.slug, world.rivalry.slug
    return {
        "home": "/",
        "rivalries": "/rivalries/",
        "rivalry": f"/rivalries/{rivalry}/",
        "rivalry-feed": f"/rivalries/{rivalry}/feed/",
        "athletes": "/athletes/",
        "athlete": f"/athletes/{a}/",
        "h2h": f"/h2h/{a}/vs/{b}/",
        "race": f"/races/{world.race.pk}/",
        "quote": f"/quotes/{world.quote.pk}/",
        "quote-card": f"/quotes/{world.quote.pk}/card.png",
        "h2h-card": f"/h2h/{a}/vs/{b}/card.png",
        "rivalry-card": f"/rivalries/{rivalry}/card.png",
        "search": "/search/?q=kerr",
        "embed-h2h": f"/embed/h2h/{a}/vs/{b}/",
        "embed-rivalry": f"/embed/rivalries/{rivalry}/",
        "oembed": f"/oembed?url=http://testserver/rivalries/{rivalry}/",
        "sitemap": "/sitemap.xml",
        "sitemap-section": "/sitemap-athletes.xml",
        "robots": "/robots.txt",
        "favicon": "/favicon.ico",
        "healthz": "/healthz",
        "api-h2h": f"/api/v1/h2h/{a}/{b}/",
        "api-rivalry-timeline": f"/api/v1/rivalries/{rivalry}/timeline/",
    }


def public_pattern_names() -> set[str]:
    """The name of every URL pattern outside /admin/: a new page joins the sweeps by name."""
    names = set()
    entries = list(get_resolver().url_patterns)
    while entries:
        entry = entries.pop()
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":  # admin.site.urls: the editors' side
                entries += entry.url_patterns  # the readers' pages in each language
            continue
        assert isinstance(entry, URLPattern)
        assert entry.name, f"the public URL pattern {entry.pattern} has no name"
        names.add(entry.name)
    return names
