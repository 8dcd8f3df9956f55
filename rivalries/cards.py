"""Share cards: the 1200x630 PNG a shared link shows (docs/design.md, "Interfaces").

A quote's card carries its words, who said them and when; a head-to-head's and a rivalry's
carry the names, their countries, the score large and the rule that counted it; every card
carries the site's name. Cards are drawn with Pillow in DejaVu Sans, shipped in
``rivalries/fonts`` (with its licence) so a fresh clone draws the same card as production.

Stored text is hostile until drawn: control characters and bidi overrides are dropped,
characters the font has no glyph for (most emoji) are left out rather than drawn as boxes,
right-to-left words are laid out by Pillow's raqm engine (when the wheel has it) and set
flush right, and words are wrapped and shrunk until they fit; what does not fit even at the
smallest size ends in an ellipsis. Nothing a stored value holds can make a card fail.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from athletes import headtohead, meetings
from athletes.headtohead import Tally
from athletes.models import Athlete
from rivalries import statements
from rivalries.models import Quote, Rivalry

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
INNER = WIDTH - 2 * MARGIN
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
PAPER, INK, MUTED, ACCENT, RULE = "#fbfaf7", "#1b1d21", "#5b616b", "#b3261e", "#d9d6cf"
SITE_NAME = "Rivalries"
QUOTE_SIZES = (64, 56, 50, 44, 40, 36, 32, 28)
LINE_SPACING = 1.25
MAX_TEXT = 800
"""Characters of a quote considered at all: more than the smallest size can show."""
MAX_PAIR_ROWS = 4
ELLIPSIS = "…"
DASH = "\u2013"
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RTL = frozenset({"R", "AL"})
_NOTDEF_PROBE = "\U0010fffd"
"""A private-use code point no font maps: what the font draws for a missing glyph."""


# --- the text ---------------------------------------------------------------------------------


@functools.cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


@functools.cache
def _notdef() -> tuple[tuple[int, int], bytes]:
    mask = font(40).getmask(_NOTDEF_PROBE)
    return mask.size, bytes(mask)


@functools.lru_cache(maxsize=4096)
def drawable(char: str) -> bool:
    """Whether the font has a glyph for ``char`` (a missing one draws as the notdef box)."""
    if char.isspace() or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return True  # combining marks and joiners draw as part of their neighbour
    mask = font(40).getmask(char)
    return (mask.size, bytes(mask)) != _notdef()


def clean(text: str, limit: int = MAX_TEXT) -> str:
    """The text as a card may draw it: one line of drawable characters, spaces collapsed."""
    kept = []
    for char in text[: limit * 2]:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or char in _BIDI_CONTROLS:
            continue
        elif drawable(char):
            kept.append(char)
    return " ".join("".join(kept).split())[:limit]


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character reads right to left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in _RTL:
            return True
        if direction == "L":
            return False
    return False


def _width(text: str, face: ImageFont.FreeTypeFont) -> float:
    return face.getlength(text)


def _break_word(word: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """A word wider than the line, in pieces that each fit (a URL, a hostile run of letters)."""
    pieces, piece = [], ""
    for char in word:
        if piece and _width(piece + char, face) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{line} {word}" if line else word
        if _width(candidate, face) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        if _width(word, face) <= width:
            line = word
        else:
            *whole, line = _break_word(word, face, width)
            lines.extend(whole)
    if line:
        lines.append(line)
    return lines


def _shorten(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """The line cut so that it and an ellipsis fit ``width``."""
    while line and _width(line + ELLIPSIS, face) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


@dataclass(frozen=True)
class Fitted:
    """Text set in a box: the size chosen, its lines and their height."""

    face: ImageFont.FreeTypeFont
    lines: tuple[str, ...]
    line_height: int

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def fit(text: str, width: int, height: int, sizes: Sequence[int], *, bold: bool = False) -> Fitted:
    """The largest of ``sizes`` at which ``text`` wraps into the box; at the smallest, the
    lines that fit, the last ending in an ellipsis."""
    for size in sizes:
        face = font(size, bold=bold)
        line_height = round(size * LINE_SPACING)
        lines = wrap(text, face, width)
        if len(lines) * line_height <= height:
            return Fitted(face, tuple(lines), line_height)
    keep = max(1, height // line_height)
    if len(lines) > keep:
        lines = [*lines[: keep - 1], _shorten(lines[keep - 1], face, width)]
    return Fitted(face, tuple(lines), line_height)


def one_line(text: str, width: int, sizes: Sequence[int], *, bold: bool = False) -> Fitted:
    """``text`` on one line: the largest size that fits, else the smallest, shortened."""
    for size in sizes:
        face = font(size, bold=bold)
        if _width(text, face) <= width:
            return Fitted(face, (text,), round(size * LINE_SPACING))
    return Fitted(face, (_shorten(text, face, width),), round(sizes[-1] * LINE_SPACING))


# --- the canvas -------------------------------------------------------------------------------


class Canvas:
    """One card being drawn."""

    def __init__(self, kind: str) -> None:
        self.image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
        self.draw.text((MARGIN, 52), SITE_NAME, font=font(36, bold=True), fill=ACCENT)
        self.draw.text((WIDTH - MARGIN, 60), kind, font=font(28), fill=MUTED, anchor="ra")
        self.draw.line((MARGIN, 112, WIDTH - MARGIN, 112), fill=RULE, width=2)

    def block(self, fitted: Fitted, top: int, *, fill: str = INK, align: str = "auto") -> int:
        """Draw the lines from ``top``; returns the y below them."""
        y = top
        right = align == "right" or (align == "auto" and is_rtl(" ".join(fitted.lines)))
        for line in fitted.lines:
            if align == "center":
                self.draw.text((WIDTH / 2, y), line, font=fitted.face, fill=fill, anchor="ma")
            elif right:
                self.draw.text((WIDTH - MARGIN, y), line, font=fitted.face, fill=fill, anchor="ra")
            else:
                self.draw.text((MARGIN, y), line, font=fitted.face, fill=fill)
            y += fitted.line_height
        return y

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG", optimize=False, compress_level=6)
        return out.getvalue()


def _side(athlete: Athlete) -> str:
    code = athlete.country_code
    return f"{clean(athlete.name, 120)} ({code})" if code else clean(athlete.name, 120)


def _names(
    a: Athlete, b: Athlete, width: int, sizes: Sequence[int], others: Sequence[Athlete] = ()
) -> tuple[Fitted, Fitted]:
    """Both sides on one line each, at one size: the largest at which both (and the names of
    ``others``, shown in rows beside them) fit."""
    sides = _side(a), _side(b)
    every = [*sides, *(_side(athlete) for athlete in others)]
    for size in sizes:
        face = font(size, bold=True)
        if all(_width(side, face) <= width for side in every):
            break
    left, right = (one_line(side, width, (face.size,), bold=True) for side in sides)
    return left, right


def _tally_words(a: Athlete, b: Athlete, tally: Tally) -> str:
    if not tally.meetings:
        return _("They have not met in a race yet.")
    return _("%(a)s ahead in %(a_ahead)s of %(meetings)s, %(b)s in %(b_ahead)s") % {
        "a": clean(a.name, 60),
        "a_ahead": tally.a_ahead,
        "meetings": tally.meetings,
        "b": clean(b.name, 60),
        "b_ahead": tally.b_ahead,
    }


def _score(canvas: Canvas, a: Athlete, b: Athlete, tally: Tally, rule: str, top: int) -> None:
    """Both sides, the score large between them, and the rule under it."""
    half = INNER // 2 - 20
    left, right = _names(a, b, half, (44, 38, 32, 28, 24))
    canvas.draw.text((MARGIN, top), left.lines[0], font=left.face, fill=INK)
    canvas.draw.text((WIDTH - MARGIN, top), right.lines[0], font=right.face, fill=INK, anchor="ra")
    score_face = font(150, bold=True)
    middle = top + 70
    draw = canvas.draw
    draw.text((WIDTH / 2 - 40, middle), str(tally.a_ahead), font=score_face, fill=INK, anchor="ra")
    draw.text((WIDTH / 2, middle + 20), DASH, font=font(110, bold=True), fill=MUTED, anchor="ma")
    draw.text((WIDTH / 2 + 40, middle), str(tally.b_ahead), font=score_face, fill=INK, anchor="la")
    words = f"{_tally_words(a, b, tally)} · {_('counting')} {rule}"
    canvas.block(fit(words, INNER, 80, (28, 24)), HEIGHT - 130, fill=MUTED, align="center")


# --- the three cards --------------------------------------------------------------------------


def quote_card(quote: Quote) -> bytes:
    """The words, wrapped and shrunk to fit; who they belong to; when and where."""
    canvas = Canvas(_("Paraphrase") if quote.is_paraphrase else _("Quote"))
    text = statements.card(quote, MAX_TEXT)
    canvas.block(fit(clean(text.words), INNER, 330, QUOTE_SIZES), 140)
    byline = one_line(clean(text.byline, 200), INNER, (36, 32, 28), bold=True)
    canvas.block(byline, HEIGHT - 128, align="left")
    when = quote.said.display()
    if quote.source is not None:
        when = _("%(date)s, in %(publisher)s") % {"date": when, "publisher": quote.source.publisher}
    canvas.block(one_line(clean(when, 200), INNER, (28, 24)), HEIGHT - 76, fill=MUTED, align="left")
    return canvas.png()


def head_to_head_card(a: Athlete, b: Athlete) -> bytes:
    """The pair's score under the default counting (every round, event and venue)."""
    filters = headtohead.Filters()
    tally = headtohead.between(a, b, filters).overall
    canvas = Canvas(_("Head-to-head"))
    _score(canvas, a, b, tally, filters.describe(), 170)
    return canvas.png()


def rivalry_card(rivalry: Rivalry) -> bytes:
    """The title and the members: a pair's score large, every pair of a trio in rows."""
    members = [membership.athlete for membership in rivalry.memberships.select_related("athlete")]
    canvas = Canvas(_("Rivalry"))
    title = one_line(clean(rivalry.title, 200), INNER, (48, 42, 36, 30), bold=True)
    below = canvas.block(title, 140, align="left")
    rule = headtohead.Filters().describe()
    pairs = list(combinations(members, 2))
    tallies = meetings.scores([(a.pk, b.pk) for a, b in pairs])
    if len(members) == 2:
        a, b = members
        _score(canvas, a, b, tallies[(a.pk, b.pk)], rule, below + 30)
        return canvas.png()
    if len(members) < 2:
        names = " · ".join(_side(athlete) for athlete in members) or _("No members yet")
        canvas.block(fit(names, INNER, 200, (40, 34, 28)), below + 40, align="left")
        return canvas.png()
    row_face = font(36, bold=True)
    y = below + 30
    for a, b in pairs[:MAX_PAIR_ROWS]:
        tally = tallies[(a.pk, b.pk)]
        half = INNER // 2 - 70
        left, right = _names(a, b, half, (36, 32, 28, 24), members)
        canvas.draw.text((MARGIN, y), left.lines[0], font=left.face, fill=INK)
        score = f"{tally.a_ahead} {DASH} {tally.b_ahead}"
        canvas.draw.text((WIDTH / 2, y), score, font=row_face, fill=ACCENT, anchor="ma")
        canvas.draw.text(
            (WIDTH - MARGIN, y), right.lines[0], font=right.face, fill=INK, anchor="ra"
        )
        y += 60
    if len(pairs) > MAX_PAIR_ROWS:
        more = _("and %(count)s more pairs") % {"count": len(pairs) - MAX_PAIR_ROWS}
        canvas.draw.text((MARGIN, y), more, font=font(28), fill=MUTED)
    words = f"{_('Times ahead in their meetings, counting')} {rule}"
    canvas.block(fit(words, INNER, 40, (28, 24)), HEIGHT - 90, fill=MUTED, align="center")
    return canvas.png()


def alt_text(kind: str, **names: str) -> str:
    """The ``og:image:alt`` of a card: what it shows, in words."""
    if kind == "quote":
        return _("%(headline)s, on Rivalries") % names
    if kind == "h2h":
        return _("The head-to-head score of %(a)s and %(b)s, on Rivalries") % names
    return _("The rivalry %(title)s and its score, on Rivalries") % names
