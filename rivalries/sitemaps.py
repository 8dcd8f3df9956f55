"""``/sitemap.xml``: an index of one sitemap per kind of page, each paged by ``limit``.

Every page a search engine should know: the lists, published rivalries and quotes, athletes
and races. Items are fetched with only the columns their URL needs, a page at a time.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from athletes.models import Athlete, Race
from rivalries.models import Quote, Rivalry

PAGE = 5000


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["home", "rivalries", "athletes"]

    def location(self, item: str) -> str:
        return reverse(item)


class RivalrySitemap(Sitemap):
    limit = PAGE
    changefreq = "weekly"
    priority = 0.9

    def items(self) -> QuerySet[Rivalry]:
        return Rivalry.objects.published().only("slug").order_by("pk")


class AthleteSitemap(Sitemap):
    limit = PAGE
    changefreq = "weekly"

    def items(self) -> QuerySet[Athlete]:
        return Athlete.objects.only("slug").order_by("pk")


class RaceSitemap(Sitemap):
    limit = PAGE
    changefreq = "monthly"

    def items(self) -> QuerySet[Race]:
        return Race.objects.only("pk").order_by("pk")


class QuoteSitemap(Sitemap):
    limit = PAGE
    changefreq = "monthly"

    def items(self) -> QuerySet[Quote]:
        return Quote.objects.published().only("pk").order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "rivalries": RivalrySitemap,
    "athletes": AthleteSitemap,
    "races": RaceSitemap,
    "quotes": QuoteSitemap,
}
