"""``/sitemap.xml``: an index of one sitemap per kind of page, each paged by ``limit``.

Every page a search engine should know: the lists, published rivalries and quotes, athletes,
races, and the head-to-head pages of every published rivalry's members and of the busiest
pairs (``BusyPair``, as last counted). Items are fetched with only the columns their URL and
``lastmod`` need, a page at a time. ``lastmod`` comes from the data: a race's date, the
newest race of an athlete or of a rivalry's members, a quote's last edit (its history), the
time the busiest pairs were counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import combinations
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from athletes.models import Athlete, BusyPair, Race, Result
from rivalries.models import Quote, Rivalry, RivalryMember
from rivalries.origin import site_origin

PAGE = 5000
BUSY_PAIRS = 1000
"""The busiest pairs listed: the head of ``BusyPair``'s order, most meetings first."""


def _day(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["home", "rivalries", "athletes"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime.date | None:
        return _newest_race_day()

    def get_latest_lastmod(self) -> datetime.date | None:
        return _newest_race_day()


def _newest_race_day() -> datetime.date | None:
    return Race.objects.official().aggregate(newest=Max("date"))["newest"]


def _newest_race_of(athlete: OuterRef) -> Subquery:
    """The date of the athlete's newest race: a probe of one athlete's results per row, where
    an aggregate over the join would count the whole results table before paging."""
    return Subquery(
        Result.objects.filter(athlete=athlete).order_by("-race__date").values("race__date")[:1]
    )


class RivalrySitemap(Sitemap):
    limit = PAGE
    changefreq = "weekly"
    priority = 0.9

    def items(self) -> QuerySet[Rivalry]:
        return (
            Rivalry.objects.published()
            .only("slug")
            .annotate(newest=Max("members__results__race__date"))
            .order_by("pk")
        )

    def lastmod(self, rivalry: Rivalry) -> datetime.date | None:
        return rivalry.newest

    def get_latest_lastmod(self) -> datetime.date | None:
        return _newest_race_day()


class AthleteSitemap(Sitemap):
    limit = PAGE
    changefreq = "weekly"

    def items(self) -> QuerySet[Athlete]:
        return (
            Athlete.objects.only("slug")
            .annotate(newest=_newest_race_of(OuterRef("pk")))
            .order_by("pk")
        )

    def lastmod(self, athlete: Athlete) -> datetime.date | None:
        return athlete.newest

    def get_latest_lastmod(self) -> datetime.date | None:
        return _newest_race_day()


class RaceSitemap(Sitemap):
    limit = PAGE
    changefreq = "monthly"

    def items(self) -> QuerySet[Race]:
        return Race.objects.only("pk", "date").order_by("pk")

    def lastmod(self, race: Race) -> datetime.date:
        return race.date

    def get_latest_lastmod(self) -> datetime.date | None:
        return Race.objects.aggregate(newest=Max("date"))["newest"]


class QuoteSitemap(Sitemap):
    limit = PAGE
    changefreq = "monthly"

    def items(self) -> QuerySet[Quote]:
        edited = (
            Quote.history.filter(id=OuterRef("pk"))
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        return (
            Quote.objects.published()
            .only("pk", "said_on")
            .annotate(edited=Subquery(edited))
            .order_by("pk")
        )

    def lastmod(self, quote: Quote) -> datetime.date:
        return _day(quote.edited) or quote.said_on

    def get_latest_lastmod(self) -> datetime.date | None:
        return _day(Quote.history.aggregate(newest=Max("history_date"))["newest"])


@dataclass(frozen=True)
class Pair:
    """A pair's page under its one URL: the lower athlete id first (rivalries.views)."""

    a: tuple[int, str]
    b: tuple[int, str]
    lastmod: datetime.date | None

    @classmethod
    def of(cls, a: tuple[int, str], b: tuple[int, str], lastmod: datetime.date | None) -> Pair:
        first, second = sorted((a, b))
        return cls(first, second, lastmod)

    def get_absolute_url(self) -> str:
        return reverse("h2h", args=[self.a[1], self.b[1]])


class HeadToHeadSitemap(Sitemap):
    """The pairs of every published rivalry, then the busiest pairs, each pair once."""

    limit = PAGE
    changefreq = "weekly"
    priority = 0.7

    def items(self) -> list[Pair]:
        if not hasattr(self, "_pairs"):  # asked for by the paginator and by the index's lastmod
            self._pairs = self._find_pairs()
        return self._pairs

    def _find_pairs(self) -> list[Pair]:
        pairs: dict[tuple[int, int], Pair] = {}
        members: dict[int, list[tuple[int, str]]] = {}
        for rivalry_id, athlete_id, slug in (
            RivalryMember.objects.filter(rivalry__published=True)
            .order_by("rivalry_id", "order", "id")
            .values_list("rivalry_id", "athlete_id", "athlete__slug")
        ):
            members.setdefault(rivalry_id, []).append((athlete_id, slug))
        newest = dict(
            Rivalry.objects.published()
            .annotate(newest=Max("members__results__race__date"))
            .values_list("pk", "newest")
        )
        for rivalry_id, athletes in members.items():
            for a, b in combinations(athletes, 2):
                pair = Pair.of(a, b, newest.get(rivalry_id))
                pairs.setdefault((pair.a[0], pair.b[0]), pair)
        busiest = BusyPair.objects.values_list("a_id", "a__slug", "b_id", "b__slug", "counted_at")
        for a_id, a_slug, b_id, b_slug, counted_at in busiest[:BUSY_PAIRS]:
            pair = Pair.of((a_id, a_slug), (b_id, b_slug), _day(counted_at))
            pairs.setdefault((pair.a[0], pair.b[0]), pair)
        return list(pairs.values())

    def lastmod(self, pair: Pair) -> datetime.date | None:
        return pair.lastmod

    def get_latest_lastmod(self) -> datetime.date | None:
        return max((pair.lastmod for pair in self.items() if pair.lastmod), default=None)


SITEMAPS = {
    "pages": PagesSitemap,
    "rivalries": RivalrySitemap,
    "athletes": AthleteSitemap,
    "races": RaceSitemap,
    "quotes": QuoteSitemap,
    "h2h": HeadToHeadSitemap,
}


def _on_site_origin(view):
    """Django's sitemap views build their URLs from the request's host and scheme: give them
    the site's origin (rivalries/origin.py) instead, never a Host header an attacker chose."""

    def on_origin(request: HttpRequest, **kwargs) -> HttpResponse:
        origin = urlsplit(site_origin(request))
        request.META["HTTP_HOST"] = origin.netloc
        request.META["wsgi.url_scheme"] = origin.scheme
        request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        request.META.pop("HTTP_X_FORWARDED_HOST", None)
        return view(request, **kwargs)

    on_origin.__doc__ = view.__doc__
    return on_origin


index = _on_site_origin(sitemap_views.index)
section = _on_site_origin(sitemap_views.sitemap)
