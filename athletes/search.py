"""Finding athletes by what a reader types: names and aliases, case and accents folded.

In order, each step only when the one before found nobody:

1. names and aliases containing every word typed ("ingebr" finds Jakob Ingebrigtsen, the
   alias "Josh Cole" finds Josh Kerr), exact matches first;
2. spellings that are merely close ("Ingebrigsten"): on PostgreSQL, trigram word similarity
   (``pg_trgm``, served by GIN indexes on ``search_name``); elsewhere, ``difflib`` over a
   small candidate set that shares a three-letter piece with what was typed.

Each step is one query with a LIMIT: search never loads the athletes table.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest

from athletes.models import Athlete, AthleteAlias
from athletes.text import fold

MAX_QUERY_LENGTH = 100
"""Longer input is cut: no name or quote search needs more, and it bounds the work."""
MAX_WORDS = 8
DIFFLIB_CUTOFF = 0.75
CANDIDATES = 200

Match = Literal["name", "alias", "similar"]


def clean_query(text: str | None) -> str:
    """What the reader typed, made safe to search with.

    Control and format characters (NUL, escapes, bidi overrides) are dropped, runs of
    whitespace become one space, and the result is cut to ``MAX_QUERY_LENGTH`` characters.
    """
    text = unicodedata.normalize("NFC", text or "")
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or not unicodedata.category(char).startswith("C")
    )
    return re.sub(r"\s+", " ", kept).strip()[:MAX_QUERY_LENGTH].strip()


def words(text: str) -> list[str]:
    """The folded words of a query, at most ``MAX_WORDS`` of them."""
    return fold(text).replace(",", " ").split()[:MAX_WORDS]


@dataclass(frozen=True)
class AthleteHit:
    athlete: Athlete
    match: Match
    """How it was found: by its name, by an alias, or by a similar spelling."""
    alias: str = ""
    """The alias that matched, to show the reader why ("also written Josh Cole")."""


def find_athletes(text: str, limit: int = 10) -> list[AthleteHit]:
    """Athletes for a query, best first: exact name or alias, then containing every word,
    then (only when nothing contains them) similar spellings."""
    terms = words(clean_query(text))
    if not terms:
        return []
    folded = " ".join(terms)
    hits = _containing(terms, folded, limit)
    if not hits:
        hits = _similar(terms, folded, limit)
    return hits[:limit]


def _all_words(field: str, terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{field}__contains": term})
    return condition


def _containing(terms: list[str], folded: str, limit: int) -> list[AthleteHit]:
    """Names, then aliases, that contain every word; each list exact matches first."""
    by_name = (
        Athlete.objects.filter(_all_words("search_name", terms))
        .annotate(rank=_rank("search_name", folded))
        .order_by("rank", "sort_name", "pk")[:limit]
    )
    by_alias = (
        AthleteAlias.objects.filter(_all_words("search_name", terms))
        .select_related("athlete")
        .annotate(rank=_rank("search_name", folded))
        .order_by("rank", "athlete__sort_name", "pk")[:limit]
    )
    ranked: dict[int, tuple[int, AthleteHit]] = {}
    for athlete in by_name:
        ranked[athlete.pk] = (athlete.rank * 2, AthleteHit(athlete, "name"))
    for alias in by_alias:
        rank = alias.rank * 2 + 1  # a name beats an alias matching as well
        if alias.athlete_id not in ranked or ranked[alias.athlete_id][0] > rank:
            ranked[alias.athlete_id] = (rank, AthleteHit(alias.athlete, "alias", alias.name))
    ordered = sorted(ranked.values(), key=lambda item: (item[0], item[1].athlete.sort_name))
    return [hit for _, hit in ordered]


def _rank(field: str, folded: str) -> Case:
    """0 for the whole name, 1 for a name that starts with the query, 2 for any other."""
    return Case(
        When(**{field: folded}, then=Value(0)),
        When(**{f"{field}__startswith": folded}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _similar(terms: list[str], folded: str, limit: int) -> list[AthleteHit]:
    if connection.vendor == "postgresql":
        return _trigram_similar(folded, limit)
    return _difflib_similar(terms, limit)


def _trigram_similar(folded: str, limit: int) -> list[AthleteHit]:
    """pg_trgm word similarity on names and aliases, one grouped query.

    The ``%>`` operator (``trigram_word_similar``) can use the GIN trigram indexes; it keeps
    spellings with a word similarity of at least ``pg_trgm.word_similarity_threshold`` (0.6
    by default: "ingebritsen" against "jakob ingebrigtsen" scores 0.67).
    """
    from django.contrib.postgres.search import TrigramWordSimilarity

    # Each side on its own, so that each can use its index (an OR across the join cannot).
    similar = Athlete.objects.filter(search_name__trigram_word_similar=folded).values("pk")
    alias_similar = AthleteAlias.objects.filter(search_name__trigram_word_similar=folded).values(
        "athlete_id"
    )
    name_similarity = TrigramWordSimilarity(folded, "search_name")
    alias_similarity = Coalesce(TrigramWordSimilarity(folded, "aliases__search_name"), 0.0)
    athletes: QuerySet[Athlete] = (
        Athlete.objects.filter(pk__in=similar.union(alias_similar))
        .annotate(similarity=Max(Greatest(name_similarity, alias_similarity)))
        .order_by("-similarity", "sort_name", "pk")[:limit]
    )
    return [AthleteHit(athlete, "similar") for athlete in athletes]


def _difflib_similar(terms: list[str], limit: int) -> list[AthleteHit]:
    """SQLite: candidates sharing a three-letter piece with a word typed, scored by difflib."""
    pieces = {term[i : i + 3] for term in terms if len(term) >= 3 for i in (0, len(term) - 3)}
    if not pieces:
        return []
    shares_a_piece = Q()
    alias_shares_a_piece = Q()
    for piece in pieces:
        shares_a_piece |= Q(search_name__contains=piece)
        alias_shares_a_piece |= Q(aliases__search_name__contains=piece)
    candidates = (
        Athlete.objects.filter(shares_a_piece | alias_shares_a_piece)
        .distinct()
        .order_by("pk")[:CANDIDATES]
        .prefetch_related("aliases")
    )
    scored = []
    for athlete in candidates:
        spellings = [athlete.search_name, *(alias.search_name for alias in athlete.aliases.all())]
        score = max(_closeness(terms, spelling) for spelling in spellings)
        if score >= DIFFLIB_CUTOFF:
            scored.append((-score, athlete.sort_name, athlete.pk, athlete))
    scored.sort(key=lambda item: item[:3])
    return [AthleteHit(athlete, "similar") for *_, athlete in scored[:limit]]


def _closeness(terms: list[str], spelling: str) -> float:
    """How well every typed word matches some word of a name (the worst word counts)."""
    name_words = spelling.split()
    return min(
        max(difflib.SequenceMatcher(None, term, word).ratio() for word in name_words)
        for term in terms
    )


def similar_spellings(names: list[str], limit: int = 3) -> dict[str, list[Athlete]]:
    """For each name, the stored athletes spelled most like it, best first; every name at once.

    A pasted results table asks this for all its unknown names together, so the page costs
    the same two queries (candidates, their aliases) for one unknown name as for twenty: on
    PostgreSQL the candidates are those trigram-similar to any name, elsewhere those sharing a
    three-letter piece with one; ``difflib`` then ranks them for each name.
    """
    terms_by_name = {name: words(clean_query(name)) for name in names}
    terms_by_name = {name: terms for name, terms in terms_by_name.items() if terms}
    if not terms_by_name:
        return {}
    condition = Q()
    if connection.vendor == "postgresql":
        for terms in terms_by_name.values():
            folded = " ".join(terms)
            condition |= Q(search_name__trigram_word_similar=folded)
            condition |= Q(aliases__search_name__trigram_word_similar=folded)
    else:
        for terms in terms_by_name.values():
            for term in terms:
                for piece in {term[:3], term[-3:]} if len(term) >= 3 else ():
                    condition |= Q(search_name__contains=piece)
                    condition |= Q(aliases__search_name__contains=piece)
    if not condition:
        return {}
    candidates = list(
        Athlete.objects.filter(condition)
        .distinct()
        .order_by("pk")[: CANDIDATES * 2]
        .prefetch_related("aliases")
    )
    found = {}
    for name, terms in terms_by_name.items():
        scored = []
        for athlete in candidates:
            spellings = [athlete.search_name, *(a.search_name for a in athlete.aliases.all())]
            score = max(_closeness_with_initials(terms, spelling) for spelling in spellings)
            if score >= DIFFLIB_CUTOFF:
                scored.append((-score, athlete.sort_name, athlete.pk, athlete))
        scored.sort(key=lambda item: item[:3])
        found[name] = [athlete for *_, athlete in scored[:limit]]
    return found


def _closeness_with_initials(terms: list[str], spelling: str) -> float:
    """As ``_closeness``, but an initial ("j." in "J. Ingebrigtsen", as results lists write
    given names) matches any word it begins."""
    name_words = spelling.split()
    return min(
        float(any(word.startswith(term[0]) for word in name_words))
        if re.fullmatch(r"\w\.?", term)
        else max(difflib.SequenceMatcher(None, term, word).ratio() for word in name_words)
        for term in terms
    )
