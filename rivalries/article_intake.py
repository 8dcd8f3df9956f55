"""An article's statements into the record: its ``Article`` and ``Source``, and a quote for each
statement an editor (or ``manage.py import_article``) accepts, unpublished until reviewed.

``rivalries.articles`` reads the text and writes nothing; this module stores what it proposes.
The same article brought in again holds each statement once: a proposal is already held when
the article has a quote first imported with the same words, or standing at the same place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction

from athletes.text import fold
from rivalries.articles import Proposal, detect_language, propose
from rivalries.importing import guess_medium
from rivalries.models import Article, Quote, Source


class ArticleError(ValueError):
    """An article that cannot be stored as given; the message quotes the value."""


@dataclass
class ArticleImport:
    """What bringing in an article found and did."""

    article: Article | None
    found: list[Proposal]
    new: list[Proposal]
    saved: list[Quote] = field(default_factory=list)


def find_article(url: str, publisher: str, published_on: datetime.date, text: str):
    """The stored article with this URL (or, without one, this publisher, day and text)."""
    if url:
        article = Article.objects.filter(url=url).select_related("source").first()
    else:
        article = (
            Article.objects.filter(url="", publisher=publisher, published_on=published_on)
            .filter(text=text)
            .select_related("source")
            .first()
        )
    if article is not None and _same(article.text) != _same(text):
        raise ArticleError(
            f"'{url or publisher}' is already stored with another text (article"
            f" #{article.pk}): its quotes point into that text, so it is not replaced"
        )
    return article


def _same(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def held(article: Article | None, proposals: Iterable[Proposal]) -> list[Proposal]:
    """The proposals the article does not hold yet, in order."""
    if article is None:
        return list(proposals)
    words, places = set(), set()
    for imported_text, start, end in article.quotes.values_list(
        "imported_text", "article_start", "article_end"
    ):
        words.add(fold(imported_text))
        places.add((start, end))
    return [
        proposal
        for proposal in proposals
        if fold(proposal.text) not in words and (proposal.start, proposal.end) not in places
    ]


def read_article(
    text: str,
    *,
    url: str,
    published_on: datetime.date,
    publisher: str = "",
    language: str | None = None,
) -> ArticleImport:
    """The article's statements, and which of them it does not hold yet. Writes nothing."""
    article = find_article(url, publisher, published_on, text)
    found = propose(text, published_on, language or (article.language if article else None))
    return ArticleImport(article, found, held(article, found))


@transaction.atomic
def store_article(
    text: str,
    *,
    url: str,
    published_on: datetime.date,
    publisher: str = "",
    language: str | None = None,
    source: Source | None = None,
) -> Article:
    """The stored article, created the first time with ``source`` or a source of its own."""
    article = find_article(url, publisher, published_on, text)
    if article is not None:
        return article
    publisher = publisher or _host(url) or "Unknown publisher"
    if source is None and url:
        source = Source.objects.filter(url=url, article__isnull=True).order_by("pk").first()
    if source is None:
        source = Source(
            publisher=publisher,
            url=url,
            published_on=published_on,
            medium=guess_medium(publisher, url),
        )
        source._change_reason = "article brought in"
        source.save()
    return Article.objects.create(
        text=text,
        url=url,
        publisher=publisher,
        published_on=published_on,
        language=language or detect_language(text) or "en",
        source=source,
    )


def save_quote(article: Article, proposal: Proposal, *, reason: str) -> Quote:
    """One accepted statement as an unpublished quote of ``article``, citing its source."""
    quote = Quote(
        speaker=proposal.speaker,
        speaker_name="" if proposal.speaker else proposal.speaker_name,
        text=proposal.text,
        imported_text=proposal.text,
        language=proposal.language,
        is_paraphrase=proposal.is_paraphrase,
        said_on=proposal.said_on,
        said_on_precision=str(proposal.precision),
        occasion=proposal.occasion[:200],
        source=article.source,
        published=False,
        race=proposal.race if proposal.timing else None,
        timing=proposal.timing if proposal.race else "",
        article=article,
        article_start=proposal.start,
        article_end=proposal.end,
    )
    quote.full_clean(exclude=["about"])
    quote._change_reason = reason
    quote.save()
    quote.about.set(proposal.about)
    return quote


def import_article(
    text: str,
    *,
    url: str,
    published_on: datetime.date,
    publisher: str = "",
    language: str | None = None,
    dry_run: bool = False,
) -> ArticleImport:
    """Propose the article's statements and, unless ``dry_run``, save the new ones unpublished."""
    result = read_article(
        text, url=url, published_on=published_on, publisher=publisher, language=language
    )
    if dry_run or not result.new:
        return result
    with transaction.atomic():
        article = store_article(
            text, url=url, published_on=published_on, publisher=publisher, language=language
        )
        reason = f"proposed from article #{article.pk}"
        result.saved = [save_quote(article, proposal, reason=reason) for proposal in result.new]
    result.article = article
    return result


def _host(url: str) -> str:
    return urlsplit(url).hostname or "" if url else ""


def describe(proposals: Sequence[Proposal]) -> list[str]:
    """One line a statement, as the command prints them."""
    lines = []
    for proposal in proposals:
        words = proposal.text if len(proposal.text) <= 70 else f"{proposal.text[:67]}..."
        who = proposal.speaker_label or "(nobody)"
        lines.append(
            f"  {who}, {proposal.said.display()}: “{words}” [{proposal.start}-{proposal.end}]"
        )
    return lines
