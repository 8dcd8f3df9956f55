"""The site's one search box: athletes, rivalries and quotes for whatever a reader types.

Athletes come from ``athletes.search`` (names and aliases folded, then similar spellings).
Rivalries match by title, or by having a found athlete among their members. Quotes match by
their words: full-text search on PostgreSQL (English stemming, a GIN index on the same
expression, ranked), substring matching of every word elsewhere. Each part is one query with
a LIMIT, so a search costs the same however large the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from athletes.search import AthleteHit, clean_query, find_athletes, words
from rivalries.models import Quote, Rivalry, RivalryMember

LIMIT = 10
QUOTE_SEARCH_CONFIG = "english"
"""The text search configuration of the quote index (migration 0003): keep them the same."""


@dataclass(frozen=True)
class SearchResults:
    query: str
    athletes: list[AthleteHit] = field(default_factory=list)
    rivalries: list[Rivalry] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.athletes) + len(self.rivalries) + len(self.quotes)

    @property
    def similar_only(self) -> bool:
        """Every athlete found is a near spelling: say "did you mean"."""
        return bool(self.athletes) and all(hit.match == "similar" for hit in self.athletes)


def search(text: str | None, limit: int = LIMIT) -> SearchResults:
    query = clean_query(text)
    if not words(query):
        return SearchResults(query=query)
    athletes = find_athletes(query, limit)
    return SearchResults(
        query=query,
        athletes=athletes,
        rivalries=list(find_rivalries(query, [hit.athlete.pk for hit in athletes], limit)),
        quotes=list(find_quotes(query, limit)),
    )


def find_rivalries(query: str, athlete_ids: list[int], limit: int = LIMIT) -> QuerySet[Rivalry]:
    """Published rivalries whose title holds every word, or with a found athlete as member."""
    title = Q()
    for word in query.split()[:8]:
        title &= Q(title__icontains=word)
    # Each side on its own, so that each can use its index (trigram on the title, PostgreSQL).
    by_title = Rivalry.objects.filter(title).values("pk")
    with_athlete = RivalryMember.objects.filter(athlete__in=athlete_ids).values("rivalry_id")
    return (
        Rivalry.objects.published()
        .filter(pk__in=by_title.union(with_athlete))
        .prefetch_related("members")
        .order_by("title")[:limit]
    )


def find_quotes(query: str, limit: int = LIMIT) -> QuerySet[Quote]:
    """Published quotes with the words, best first."""
    quotes = Quote.objects.published().select_related("speaker")  # what a hit shows
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        search_query = SearchQuery(query, search_type="websearch", config=QUOTE_SEARCH_CONFIG)
        vector = quote_vector()
        return (
            quotes.annotate(document=vector)
            .filter(document=search_query)
            .annotate(rank=SearchRank(vector, search_query))
            .order_by("-rank", "-said_on", "-pk")[:limit]
        )
    condition = Q()
    for word in query.split()[:8]:
        condition &= Q(text__icontains=word) | Q(translation__icontains=word)
    return quotes.filter(condition).order_by("-said_on", "-pk")[:limit]


def quote_vector():
    """The document a quote is searched by: its words and their translation.

    Migration 0003 indexes exactly this expression (GIN), so PostgreSQL can use the index.
    """
    from django.contrib.postgres.search import SearchVector

    return SearchVector("text", "translation", config=QUOTE_SEARCH_CONFIG)
