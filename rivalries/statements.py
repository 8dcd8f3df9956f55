"""How a statement is written in each output: the one place that decides it.

A quote is the speaker's words as the source reports them, so it stands in quotation marks
with the speaker as its author. A paraphrase is the *source's* words about what the speaker
said: it is reported speech, never in quotation marks, always with its marker, and the
speaker is never presented as the author of those words (the feed's entry author, a share
card's byline). Every output asks here: the page (partials/quote.html via the ``statements``
template tags), ``<title>``, OpenGraph and Twitter descriptions, the Atom feed, the JSON
timeline, TimelineJS and the share card's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext

from rivalries.languages import ENGLISH, same_language


def marker() -> str:
    """ "Paraphrase:" in the reader's language (English in the feed and the JSON)."""
    return pgettext("a statement in reported speech", "Paraphrase:")


OPEN, CLOSE = "“", "”"


class SourceLike(Protocol):
    publisher: str


class Statement(Protocol):
    """What a ``rivalries.models.Quote`` offers (a protocol, so tests may pass plain objects)."""

    text: str
    translation: str
    is_paraphrase: bool
    source: SourceLike | None

    @property
    def speaker_label(self) -> str: ...


def words(statement: Statement) -> str:
    """The words a reader is shown first: for a reader of English the translation when there
    is one; for a reader of the quote's own language (or of neither) the original."""
    return shown(statement, getattr(statement, "language", ""), get_language()).first


def truncate(text: str, length: int | None) -> str:
    if length is None or len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"


def plain(statement: Statement, length: int | None = None) -> str:
    """“He would win 98 out of 100.” or ``Paraphrase: he could beat Kerr blindfolded``."""
    shown = truncate(words(statement), length)
    if statement.is_paraphrase:
        return f"{marker()} {shown}"
    return f"{OPEN}{shown}{CLOSE}"


def attribution(statement: Statement) -> str:
    """Who the words belong to: the speaker, or for a paraphrase the source that wrote them."""
    if not statement.is_paraphrase:
        return statement.speaker_label
    if statement.source is not None:
        return gettext("{publisher}, reporting {speaker}").format(
            publisher=statement.source.publisher, speaker=statement.speaker_label
        )
    return gettext("reporting {speaker}").format(speaker=statement.speaker_label)


def headline(statement: Statement, length: int | None = 80) -> str:
    """One line for a ``<title>``, a feed entry or a card: speaker and the words.

    ``Jakob Ingebrigtsen: “He would win…”`` for a quote; for a paraphrase
    ``Paraphrase of Jakob Ingebrigtsen: He could beat…``, reported speech.
    """
    if statement.is_paraphrase:
        return gettext("Paraphrase of {speaker}: {words}").format(
            speaker=statement.speaker_label, words=truncate(words(statement), length)
        )
    return f"{statement.speaker_label}: {plain(statement, length)}"


def description(statement: Statement, length: int | None = 200) -> str:
    """OpenGraph, Twitter and the page's meta description."""
    source = statement.source.publisher if statement.source is not None else ""
    if statement.is_paraphrase:
        not_own = gettext("not {speaker}'s own words").format(speaker=statement.speaker_label)
        by = f"{source}, {not_own}" if source else not_own
        return f"{marker()} {truncate(words(statement), length)} ({by})"
    return f"{plain(statement, length)} {statement.speaker_label}" + (
        f" ({source})" if source else ""
    )


def feed_author(statement: Statement) -> str | None:
    """The Atom entry's author: the speaker of a quote; for a paraphrase the source, or none
    (the feed's own author then stands), never the athlete whose words they are not."""
    if not statement.is_paraphrase:
        return statement.speaker_label
    return statement.source.publisher if statement.source is not None else None


def html(statement: Statement, words: str | None = None, lang: str = "") -> SafeString:
    """The statement as escaped HTML, for the pages and TimelineJS: a ``<blockquote>`` only for
    a quote; a paraphrase is a paragraph that starts with its marker. ``words`` defaults to
    the original text; ``lang`` marks the words' language when it is not the page's."""
    shown = statement.text if words is None else words
    lang_attribute = format_html(' lang="{}"', lang) if lang else ""
    if statement.is_paraphrase:
        return format_html(
            '<p class="reported"{}><span class="paraphrase" lang="{}">{}</span> {}</p>',
            lang_attribute,
            get_language(),
            marker(),
            shown,
        )
    return format_html("<blockquote{}>{}</blockquote>", lang_attribute, shown)


@dataclass(frozen=True)
class CardText:
    """The text of a share card (DESIGN.md, "Languages and sharing"): the words and a byline."""

    words: str
    byline: str


def card(statement: Statement, length: int = 220) -> CardText:
    return CardText(words=plain(statement, length), byline=f"— {attribution(statement)}")


@dataclass(frozen=True)
class Shown:
    """A quote's words in the order a reader is shown them (DESIGN.md: in its original
    language with the translation beside it, the reader's language first)."""

    first: str
    first_lang: str
    """The ``lang`` of the first words when it is not the page's, else ""."""
    second: str
    second_lang: str
    second_is_original: bool


def shown(statement: Statement, language: str, reader: str) -> Shown:
    """``language`` is the quote's own; its ``translation`` is English. A reader of English
    sees the translation first, a reader of the quote's language (or of any language the
    translation is not in) the original first."""
    original_lang = "" if same_language(language, reader) else language
    if not statement.translation:
        return Shown(statement.text, original_lang, "", "", False)
    english_lang = "" if same_language(ENGLISH, reader) else ENGLISH
    if reader == ENGLISH and not same_language(language, reader):
        return Shown(statement.translation, english_lang, statement.text, original_lang, True)
    return Shown(statement.text, original_lang, statement.translation, english_lang, False)
