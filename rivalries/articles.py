"""Statements in a news article: what was said, by whom, about whom, and when (issue 13).

``propose(text, published_on)`` reads an article the way an editor does and proposes each
statement in it for review: words in quotation marks of any kind (a quote split by its
attribution, running on over paragraphs, or mangled by a machine translation), dash-led
dialogue ("– Jeg bryr meg ikke, sier Kerr."), an embedded social post, short fragments quoted
inside reported speech and plain reported speech about a rival ("He said Ingebrigtsen's ego
was pretty high"). Nothing is written: the proposals are plain values an editor accepts,
corrects or drops.

Precision comes before recall: a statement whose speaker cannot be told from the text is
left out rather than guessed, words said by someone who is not an athlete in the record keep
that speaker's name (or are left out), and a date is given only at the precision the text
supports, never later than the publication.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Q

from athletes.models import MEETING_STATUSES, Athlete, AthleteAlias, Meet, Race
from athletes.text import fold
from rivalries.dates import PreciseDate, Precision

SIMILAR_CUTOFF = 0.8
"""difflib ratio for a misspelt surname ("Ingebritsson" is 0.83 of "Ingebrigtsen")."""
FRAGMENT_WORDS = 8
"""A quotation this short, not a sentence of its own, is a statement only in reported speech."""
INHERIT_GAP = 400
"""Narration (characters) across which a quote keeps the previous quote's speaker's date."""


@dataclass(frozen=True)
class Proposal:
    """One statement found in an article, as an editor will review it."""

    text: str
    speaker: Athlete | None
    speaker_name: str
    about: tuple[Athlete, ...]
    said_on: datetime.date
    precision: Precision
    language: str
    start: int
    end: int
    spans: tuple[tuple[int, int], ...] = ()
    """Where each part of the statement's words stands (a quote split by "he said")."""
    is_paraphrase: bool = False
    occasion: str = ""
    race: Race | None = None
    timing: str = ""
    """"before" or "after" ``race``, when the text says so."""

    @property
    def said(self) -> PreciseDate:
        return PreciseDate(self.said_on, self.precision)

    @property
    def speaker_label(self) -> str:
        return self.speaker.name if self.speaker else self.speaker_name

    def as_json(self) -> dict:
        """The shape ``import_article --json`` prints (DESIGN.md, "Intake")."""
        return {
            "text": self.text,
            "speaker": {"slug": self.speaker.slug, "name": self.speaker.name}
            if self.speaker
            else None,
            "speaker_name": self.speaker_name,
            "about": [athlete.slug for athlete in self.about],
            "said_on": self.said_on.isoformat(),
            "precision": str(self.precision),
            "language": self.language,
            "start": self.start,
            "end": self.end,
        }


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- words --------------------------------------------------------------------------------

_SPEECH_VERBS = (
    "said|says|say|told|tells|telling|added|adds|explained|explains|smiled|laughed|joked"
    "|insisted|insists|declared|declares|revealed|reveals|admitted|admits|continued|noted"
    "|stated|wrote|writes|posted|tweeted|replied|replies|answered|recalled|warned|claimed"
    "|claims|conceded|saying|adding|asked|shrugged"
    r"|la(?=\s+[\w-]+\s+til\b)|legger(?=\s+[\w-]+\s+til\b)"
    "|sier|sa|sa\u0308|forteller|fortalte|legger til|la til|uttalte|uttaler|skriver|skrev"
    "|svarer|svarte|innrømmer|innrømmet|smiler|smilte|ler|lo|hevder|hevdet|understreker"
    "|understreket|konstaterer|konstaterte|mener|mente|fastslår|fastslo"
)
_VERB = re.compile(rf"\b(?:{_SPEECH_VERBS})\b", re.IGNORECASE)
_REPORTING_VERB = re.compile(
    r"\b(?:said|says|told|declared|claimed|insisted|admitted|revealed|warned|stated"
    r"|sa|sier|fortalte|forteller|uttalte|hevdet|hevder|innrømmet|mente|mener)\b"
)
_PRONOUN = re.compile(r"\b(?:he|she|han|hun)\b", re.IGNORECASE)
_FEMININE = {"she", "hun"}
DEMONYMS: dict[str, str] = {
    "norwegian": "NO", "nordmannen": "NO", "norwegian's": "NO",
    "scot": "GB", "scotsman": "GB", "briton": "GB", "brit": "GB", "englishman": "GB",
    "welshman": "GB", "skotten": "GB", "briten": "GB", "engelskmannen": "GB",
    "american": "US", "amerikaneren": "US", "kenyan": "KE", "kenyaneren": "KE",
    "ethiopian": "ET", "etiopieren": "ET", "swede": "SE", "svensken": "SE", "dane": "DK",
    "dansken": "DK", "spaniard": "ES", "spanjolen": "ES", "dutchman": "NL",
    "nederlenderen": "NL", "australian": "AU", "australieren": "AU", "frenchman": "FR",
    "franskmannen": "FR", "german": "DE", "tyskeren": "DE", "ugandan": "UG", "canadian": "CA",
    "irishman": "IE", "kiwi": "NZ",
}  # fmt: skip
_DESCRIPTOR = re.compile(
    r"\b(?:the\s+(?P<age>\d{2})-year-old|(?P<aldersform>\d{2})-åringen"
    r"|the\s+(?P<demonym>" + "|".join(k for k in DEMONYMS if k.isascii() and " " not in k) + r")"
    r"|(?P<form>nordmannen|skotten|briten|engelskmannen|amerikaneren|kenyaneren|etiopieren"
    r"|svensken|dansken|spanjolen|nederlenderen|australieren|franskmannen|tyskeren))\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"(?:\b[A-Z][\w-]*\s+)?\b(?:[Mm]eet director|race director|director|organi[sz]er|coach"
    r"|agent|commentator|pundit|broadcaster|promoter|father|mother|manager|trener|ekspert|NRK-ekspert"
    r"|TV 2-ekspert|meetdirektør|arrangør|agenten|treneren|faren)\s+"
    r"(?P<name>[A-ZÆØÅÄÖÜ][\w’'-]+(?:\s+[A-ZÆØÅÄÖÜ][\w’'-]+){0,2})"
)
_ROLE_WORD = re.compile(
    r"(?:trener|sjef|president|ekspert|direktor|leder|manager|coach|director|agent)$"
)
_NAME = re.compile(r"[A-ZÆØÅÄÖÜÉ][\w'’.-]*(?:\s+(?:[A-ZÆØÅÄÖÜÉ][\w'’.-]*|de|van|von|der))*")
_NOT_NAMES = {
    fold(word)
    for word in _wordlist(
        "A An The This That These Those It Its I I’m I'm I’ll We He She They His Her Their But "
        "And So Or If When While Because After Before Then Yes No Not Of In On At For From To "
        "With Without As By Past What Why How Who Where Which Still Even Just Also Relieve "
        "Surpassing Speechless Olympic Olympics Games World Championships Diamond League Classic "
        "Mile Field Stadium Arena University Norwegian British American Kenyan Britain Paris "
        "Tokyo Eugene Budapest Oslo Amazon Times Sport Mag Final Gold Silver Bronze Monday "
        "Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
        "July August September October November December Ore Jeg Du Han Hun Vi De Det Den Men Og "
        "Etter Før Da Når Nå Så Ja Nei Også Likevel Mandag Tirsdag Onsdag Torsdag Fredag Lørdag "
        "Søndag NRK VG TV Aftenposten Dagbladet OL VM EM Diamond Bislett Games Mr Mrs Ms Dr"
    )
}
_NOT_PERSON_WORDS = {
    "field", "stadium", "games", "league", "championships", "olympics", "classic", "mile",
    "arena", "university", "sport", "sports", "times", "mag", "athletics", "news", "post",
    "club", "federation", "prize", "meet", "park", "street", "images", "getty", "olympic",
    "world", "diamond", "national", "council", "association", "tv", "radio", "bbc", "nrk",
}  # fmt: skip

_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4,
    "lørdag": 5, "søndag": 6,
}  # fmt: skip
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "aug": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12, "januar": 1,
    "februar": 2, "mars": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "desember": 12,
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "en": 1, "ett": 1, "ei": 1, "to": 2,
    "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10,
}  # fmt: skip
_SEASONS = {
    "winter": (12, 2), "vinter": (12, 2), "spring": (3, 5), "vår": (3, 5), "summer": (6, 8),
    "sommer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "høst": (9, 11),
}  # fmt: skip

_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?|januar|februar|mars|april"
    r"|mai|juni|juli|august|september|oktober|november|desember)"
)
_WEEKDAY_WORD = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|mandag|tirsdag|onsdag"
    r"|torsdag|fredag|lørdag|søndag)"
)
_NUMBER_WORD = r"(?:\d{1,2}|" + "|".join(_NUMBERS) + ")"
_DATE_CUES = re.compile(
    rf"(?P<dmy>\b(?P<d1>\d{{1,2}})\.?\s+(?P<m1>{_MONTH_WORD})(?:\s+(?P<y1>\d{{4}}))?\b)"
    rf"|(?P<mdy>\b(?P<m2>{_MONTH_WORD})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}}))?)"
    rf"|(?P<my>\b(?P<m3>{_MONTH_WORD})\s+(?P<y3>\d{{4}})\b)"
    rf"|(?P<month>\b(?P<mw>in|last|this|i|forrige|sist|i\s+fjor|early|late|mid-)\s+(?P<m4>{_MONTH_WORD})\b)"
    rf"|(?P<weekday>\b(?P<wl>last|this|on|forrige|sist|på|i)?\s*(?P<wd>{_WEEKDAY_WORD})(?:'s|’s|ens|en)?\b)"
    r"|(?P<yesterday>\b(?:yesterday|i\s+går)\b)"
    r"|(?P<today>\b(?:today|tonight|this\s+morning|this\s+evening|i\s+dag|i\s+kveld|i\s+morges)\b)"
    r"|(?P<lastyear>\b(?:last\s+year|i\s+fjor)\b)"
    r"|(?P<thisyear>\b(?:this\s+year|i\s+år)\b)"
    r"|(?P<year>\b(?:in|i)\s+(?P<y4>(?:19|20)\d{2})\b(?!\s+(?:[A-Z]|VM|OL|EM)))"
    r"|(?P<season>\b(?P<sw>(?:earlier\s+)?this|last|(?:tidligere\s+)?i|i\s+fjor)\s+(?P<sn>winter|spring|summer|autumn|fall|vinter|vår|sommer|høst)\b)"
    rf"|(?P<later>\b(?P<n>{_NUMBER_WORD})\s+(?P<unit>days?|weeks?|months?|dager|dagers|uker|ukers|måneder)\s+(?P<dir>later|earlier|after|ago|before|senere|etter|tidligere|siden)\b)"
    r"|(?P<nextday>\b(?:the\s+next\s+day|a\s+day\s+later|dagen\s+etter)\b)"
    r"|(?P<thismonth>\b(?:(?:earlier\s+)?this\s+month|(?:tidligere\s+)?denne\s+måneden)\b)"
    r"|(?P<thisweek>\b(?:(?:earlier\s+)?this\s+week|(?:tidligere\s+)?denne\s+uken)\b)",
    re.IGNORECASE,
)
_EVENT = re.compile(
    r"\b(?P<year>(?:19|20)\d{2})\s+(?P<name>(?:[A-Z][\w-]*\s*){1,4}?)"
    r"(?:Olympics|Olympic Games|World Championships|Games|Championships|Classic|Mile)?"
    r"(?:\s+in\s+(?P<city>[A-Z][\w-]+))?"
)
_AFTER = re.compile(
    r"\b(?:after\s+(?:the\s+|losing\s+the\s+|winning\s+the\s+)?(?P<a>race|final|game|mile|heat"
    r"|semi-?final|run)|in\s+the\s+mixed\s+zone|etter\s+(?:løpet|finalen|semifinalen|heatet)"
    r"|i\s+mixed\s*-?\s*sonen)\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(?:before\s+the\s+(?:race|final|mile|heat)|on\s+the\s+eve\s+of|at\s+(?:the|a)\s+press"
    r"\s+conference|før\s+(?:løpet|finalen)|på\s+pressekonferansen|under\s+pressekonferansen)\b",
    re.IGNORECASE,
)
_RIVAL_WORDS = re.compile(
    r"\b(?:him|his\s+rival|rivals?|competitors?|competition|opponents?|han|ham|rivalen"
    r"|konkurrent\w*|motstander\w*)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"^(?:I|I’m|I'm|I’ve|I've|I’ll|I'll|My|We|Jeg|Vi|Eg)\b")

_STOPWORDS = {
    "en": _wordlist(
        "the and is are was were to of in that it i you he she we they not but for with this "
        "have has be my me at on what so just there"
    ),
    "no": _wordlist(
        "og er det jeg ikke på en et som til har han hun vi de meg med for av å være var men "
        "så bare kan vil skal om hva nå"
    ),
    "sv": _wordlist(
        "och är det jag inte på en ett som till har han hon vi de mig med för av att vara var "
        "men så bara kan vill ska om vad nu"
    ),
    "de": _wordlist(
        "und ist das ich nicht auf ein eine der die zu hat er sie wir mit für von sein war "
        "aber nur kann will"
    ),
    "fr": _wordlist("et est le la les je ne pas un une que il elle nous avec pour de être mais"),
    "es": _wordlist("y es el la los yo no un una que él ella nosotros con para de ser pero"),
}


# --- the text's shape ---------------------------------------------------------------------


@dataclass
class _Part:
    start: int
    end: int
    open_at: int
    close_at: int | None
    paragraph: int


@dataclass
class _Group:
    parts: list[_Part]
    kind: str = "quote"  # "quote", "dash", "post", "reported"
    speaker: Athlete | None = None
    speaker_name: str = ""
    resolved: bool = False
    attribution: tuple[int, int] | None = None
    region: tuple[int, int] = (0, 0)
    """The statement's sentence(s), outside its own words: where its date and targets are."""

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[-1].end


@dataclass
class _Mention:
    start: int
    end: int
    surface: str
    athlete: Athlete | None


@dataclass
class _Cue:
    start: int
    end: int
    date: PreciseDate | None = None
    relative: tuple[int, str] | None = None  # (days, "later"/"earlier")
    later: bool = False
    meet: Meet | None = None
    timing: str = ""


@dataclass
class _Reading:
    text: str
    published_on: datetime.date
    anchor: datetime.date
    paragraphs: list[tuple[int, int]]
    masked: str = ""
    mentions: list[_Mention] = field(default_factory=list)
    cues: list[_Cue] = field(default_factory=list)
    rivals: dict[int, set[int]] = field(default_factory=dict)
    spoken: set[int] = field(default_factory=set)
    """The paragraphs that hold a statement read so far."""


def propose(text: str, published_on: datetime.date, language: str | None = None) -> list[Proposal]:
    """The statements in ``text`` (an article published on ``published_on``), in text order."""
    paragraphs = _paragraphs(text)
    reading = _Reading(text, published_on, _dateline(text, published_on), paragraphs)
    groups = _quote_groups(text, paragraphs)
    groups += _posts(text, paragraphs)
    reading.masked = _mask(text, groups)
    reading.mentions = _Names(text).mentions()
    reading.cues = _cues(reading)
    athletes = {m.athlete.pk: m.athlete for m in reading.mentions if m.athlete}
    reading.rivals = _rivals(athletes)
    groups += _reported(reading, groups)
    groups.sort(key=lambda group: group.start)
    article_language = language or detect_language(text) or "en"
    story_day = _story_day(reading)
    proposals: list[Proposal] = []
    previous: tuple[_Group, Proposal] | None = None
    for group in groups:
        _attribute(reading, group, previous[0] if previous else None)
        if not group.resolved:
            continue
        proposal = _proposal(reading, group, previous, story_day, article_language)
        if proposal is None:
            continue
        reading.spoken.update(part.paragraph for part in group.parts)
        previous = (group, proposal)
        proposals.append(proposal)
    return _unique(proposals)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Each non-blank line, without its surrounding whitespace."""
    found = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            found.append((match.start() + lead, match.start() + len(line.rstrip())))
    return found


def _dateline(text: str, published_on: datetime.date) -> datetime.date:
    """The date a dateline gives ("OSLO, 12 March —"), else the publication's."""
    head = re.match(r"[^\n]{0,80}?[ \t][—–-][ \t]", text)
    if head:
        for match in _DATE_CUES.finditer(head.group()):
            cue = _absolute(match, published_on)
            if cue is not None and cue.precision == Precision.DAY:
                return cue.start
    return published_on


# --- quotation marks ----------------------------------------------------------------------

_CLOSERS = {"“": "”", "„": "“”", "«": "»", '"': '"', "‘": "’'", "‹": "›"}
_ALL_MARKS = set('“”„«»"‹›')


def _quote_parts(text: str, start: int, end: int, paragraph: int) -> list[_Part]:
    """The quotations in one paragraph; an unclosed one runs to the paragraph's end."""
    parts: list[_Part] = []
    i = start
    while i < end:
        char = text[i]
        if char in '“„«"‹' and _opens(text, i, start):
            j = _closing(text, i, end, _CLOSERS[char])
            if j is None:
                parts.append(_Part(i + 1, end, i, None, paragraph))
                break
            parts.append(_Part(i + 1, j, i, j, paragraph))
            i = j + 1
            continue
        if char == "‘" and _opens(text, i, start):
            j = _single_close(text, i, end)
            if j is not None and len(text[i + 1 : j].split()) >= 2:
                parts.append(_Part(i + 1, j, i, j, paragraph))
                i = j + 1
                continue
        i += 1
    return [part for part in parts if text[part.start : part.end].strip()]


def _opens(text: str, i: int, start: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:,") and not after.isspace()


def _closing(text: str, i: int, end: int, closers: str) -> int | None:
    for j in range(i + 1, end):
        if text[j] in closers and (closers != '"' or not text[j - 1].isspace()):
            return j
    return None


def _single_close(text: str, i: int, end: int) -> int | None:
    """The ’ or ' that ends a single-quoted phrase, not the apostrophe of "it’s"."""
    for j in range(i + 2, end):
        if text[j] in "’'":
            after = text[j + 1] if j + 1 < len(text) else " "
            if not after.isalnum():
                return j
    return None


def _quote_groups(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[_Group]:
    groups: list[_Group] = []
    for index, (start, end) in enumerate(paragraphs):
        line = text[start:end]
        if (re.match(r"[–—-]\s", line) or re.search(r":\s[–—]\s", line)) and not _is_post_signature(
            line
        ):
            groups.extend(_dash_groups(text, start, end, index))
            continue
        parts = _quote_parts(text, start, end, index)
        current: _Group | None = None
        for part in parts:
            if current is not None and _continues(text, current.parts[-1], part):
                current.parts.append(part)
                continue
            if current is not None:
                groups.append(current)
            current = _Group([part])
        if current is not None:
            _unmarked_tail(text, current, end, index)
            groups.append(current)
    return _over_paragraphs(text, groups, paragraphs)


def _continues(text: str, first: _Part, second: _Part) -> bool:
    """Two quotations of one paragraph split by their attribution: "A," he said, "B"."""
    if first.close_at is None:
        return False
    gap = text[first.close_at + 1 : second.open_at]
    if len(gap) > 140 or not _VERB.search(gap):
        return False
    if len(re.findall(r"[.!?](?:\s|$)", gap)) > 1:
        return False
    closing = _closing(text, second.open_at, len(text), '”"»“')
    after = text[closing + 1 : closing + 60] if closing is not None else ""
    return not re.match(r"\s*,?\s*\S+\s+(?:" + _SPEECH_VERBS + r")\b", after)


def _unmarked_tail(text: str, group: _Group, end: int, paragraph: int) -> None:
    """A machine translation drops marks: "…go.'” … I don't listen" goes on speaking."""
    last = group.parts[-1]
    if last.close_at is None:
        return
    rest_start = last.close_at + 1
    rest = text[rest_start:end]
    if not rest.strip() or set(rest) & _ALL_MARKS or _VERB.search(rest):
        return
    stripped = rest.lstrip()
    if stripped.startswith(("…", "...")) or _FIRST_PERSON.match(stripped):
        lead = rest_start + len(rest) - len(stripped)
        group.parts.append(_Part(lead, end, lead, None, paragraph))


def _over_paragraphs(
    text: str, groups: list[_Group], paragraphs: Sequence[tuple[int, int]]
) -> list[_Group]:
    """An unclosed quotation whose next paragraph opens with a mark is one statement."""
    joined: list[_Group] = []
    for group in groups:
        if joined:
            last = joined[-1].parts[-1]
            first = group.parts[0]
            starts_paragraph = first.open_at == paragraphs[first.paragraph][0]
            if (
                joined[-1].kind == "quote"
                and group.kind == "quote"
                and last.close_at is None
                and first.paragraph == last.paragraph + 1
                and starts_paragraph
            ):
                joined[-1].parts.extend(group.parts)
                continue
        joined.append(group)
    return joined


def _dash_groups(text: str, start: int, end: int, paragraph: int) -> list[_Group]:
    """Dialogue led by a dash: "– Jeg bryr meg ikke, sier Kerr. – Det er støy."."""
    group = _Group([], kind="dash")
    for match in re.finditer(r"(?:^|(?<=[.!?…:]\s))[–—-]\s+", text[start:end]):
        speech_start = start + match.end()
        following = re.search(r"\s[–—]\s", text[speech_start:end])
        speech_end = speech_start + following.start() if following else end
        attribution = re.search(
            rf",\s+(?:(?:{_SPEECH_VERBS})\b|[^,.!?]{{1,40}}?\s(?:{_SPEECH_VERBS})\b)",
            text[speech_start:speech_end],
        )
        words_end = speech_start + attribution.start() if attribution else speech_end
        words = text[speech_start:words_end].rstrip()
        if words:
            group.parts.append(
                _Part(speech_start, speech_start + len(words), speech_start - 1, None, paragraph)
            )
        if attribution and group.attribution is None:
            group.attribution = (speech_start + attribution.start(), speech_end)
    return [group] if group.parts else []


def _is_post_signature(line: str) -> bool:
    return bool(re.match(r"[—–-]\s*.+\(@\w+\)\s+\S", line))


def _posts(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[_Group]:
    """An embedded post: its lines, then "— BBC Sport (@BBCSport) May 25, 2024"."""
    groups = []
    for index, (start, end) in enumerate(paragraphs):
        line = text[start:end]
        signature = re.match(r"[—–-]\s*(?P<who>.+?)\s*\(@\w+\)\s+(?P<when>.+)$", line)
        if not signature:
            continue
        lines: list[tuple[int, int]] = []
        seen: set[str] = set()
        length = 0
        for back in range(index - 1, max(index - 5, -1), -1):
            body_start, body_end = paragraphs[back]
            body = text[body_start:body_end]
            body_end = body_start + len(
                re.sub(r"(?:\s*(?:#\w+|pic\.twitter\.com/\S+|https?://\S+))+\s*$", "", body)
            )
            body = text[body_start:body_end]
            length += len(body)
            if body in seen or length > 280 or _is_post_signature(text[slice(*paragraphs[back])]):
                break
            seen.add(body)
            lines.insert(0, (body_start, body_end))
        if not lines:
            continue
        parts = [_Part(s, e, s, None, index) for s, e in lines]
        group = _Group(parts, kind="post")
        group.speaker_name = signature.group("who").strip()
        group.attribution = (start, end)
        groups.append(group)
    return groups


def _mask(text: str, groups: Iterable[_Group]) -> str:
    """The text with every statement's own words blanked out: what the narration says."""
    chars = list(text)
    for group in groups:
        for part in group.parts:
            for i in range(part.start, part.end):
                if not chars[i].isspace():
                    chars[i] = "_"
    return "".join(chars)


# --- names --------------------------------------------------------------------------------


class _Names:
    """The athletes an article names: by name, alias, surname or a similar spelling."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._similar_pool: list[Athlete] | None = None
        self.sequences = [
            (m.start(), m.group())
            for m in _NAME.finditer(text)
            if not m.group().isupper() or len(m.group()) > 3
        ]

    def mentions(self) -> list[_Mention]:
        pieces = self._pieces()
        exact = self._exact({fold(piece) for _, _, piece in pieces})
        found: list[_Mention] = []
        unmatched: list[tuple[int, int, str]] = []
        covered: list[tuple[int, int]] = []
        roles = [(m.start("name"), m.end("name")) for m in _ROLE.finditer(self.text)]
        for start, end, piece in sorted(pieces, key=lambda p: (p[0], -(p[1] - p[0]))):
            if any(s <= start and end <= e for s, e in covered + roles):
                continue
            athletes = exact.get(fold(piece), set())
            if athletes:
                athlete = self._one(athletes, found)
                found.append(_Mention(start, end, piece, athlete))
                covered.append((start, end))
            elif " " not in piece:
                unmatched.append((start, end, piece))
        for start, end, piece in unmatched:
            if any(s <= start and end <= e for s, e in covered + roles):
                continue
            athlete = self._similar(piece, found)
            if athlete is not None:
                found.append(_Mention(start, end, piece, athlete))
                covered.append((start, end))
        people = self._persons()
        found.extend(people)
        covered.extend((m.start, m.end) for m in people)
        found.extend(self._unknown(covered))
        found.sort(key=lambda mention: mention.start)
        return found

    def _unknown(self, covered: Sequence[tuple[int, int]]) -> list[_Mention]:
        """Runs of capitalised words no athlete is called: "Kari Nordby", "Hayward Field"."""
        unknown = []
        for start, sequence in self.sequences:
            run: list[tuple[int, str]] = []
            for match in re.finditer(r"\S+", sequence):
                word_start = start + match.start()
                word = re.sub(r"(?:['’]s?|[.,:;])$", "", match.group())
                known = fold(word) in _NOT_NAMES or not word[:1].isupper()
                inside = any(s <= word_start < e for s, e in covered)
                if known or inside:
                    if run:
                        unknown.append(self._run(run))
                    run = []
                    continue
                run.append((word_start, word))
            if run:
                unknown.append(self._run(run))
        return unknown

    @staticmethod
    def _run(run: Sequence[tuple[int, str]]) -> _Mention:
        if len(run) > 2 and _ROLE_WORD.search(fold(run[0][1])):
            run = run[1:]  # "Landslagstrener Erlend Slokvik": the coach is Erlend Slokvik
        first, last = run[0], run[-1]
        surface = " ".join(word for _, word in run)
        return _Mention(first[0], last[0] + len(last[1]), surface, None)

    def _pieces(self) -> list[tuple[int, int, str]]:
        """Every run of one to four words of each capitalised sequence, possessives cut."""
        pieces = []
        for start, sequence in self.sequences:
            words = [
                (start + m.start(), m.group())
                for m in re.finditer(r"[^\s-]+(?:-[A-ZÆØÅ][^\s-]*)*", sequence)
            ]
            words = [(s, re.sub(r"(?:['’]s?|[.,])$", "", w)) for s, w in words]
            for i in range(len(words)):
                for j in range(i, min(i + 4, len(words))):
                    piece_start = words[i][0]
                    piece_end = words[j][0] + len(words[j][1])
                    piece = self.text[piece_start:piece_end]
                    piece = re.sub(r"(?:['’]s?|[.,])$", "", piece)
                    if piece and fold(piece) not in _NOT_NAMES:
                        pieces.append((piece_start, piece_start + len(piece), piece))
                        if re.search(r"[^s]s$", piece) and j == i:
                            genitive = piece[:-1]  # Norwegian "Kerrs"
                            pieces.append((piece_start, piece_start + len(genitive), genitive))
        return pieces

    def _exact(self, names: set[str]) -> dict[str, set[Athlete]]:
        """Whole names and aliases, and surnames (the last word of a stored name)."""
        found: dict[str, set[Athlete]] = {}
        names = {name for name in names if len(name) >= 3}
        if not names:
            return found
        ordered = sorted(names)
        for batch in (ordered[i : i + 200] for i in range(0, len(ordered), 200)):
            for athlete in Athlete.objects.filter(search_name__in=batch):
                found.setdefault(athlete.search_name, set()).add(athlete)
            for alias in AthleteAlias.objects.filter(search_name__in=batch).select_related(
                "athlete"
            ):
                found.setdefault(alias.search_name, set()).add(alias.athlete)
            single = [name for name in batch if " " not in name and len(name) >= 4]
            if single:
                condition = Q()
                for name in single:
                    condition |= Q(search_name__endswith=f" {name}")
                for athlete in Athlete.objects.filter(condition)[:500]:
                    found.setdefault(athlete.search_name.rsplit(" ", 1)[-1], set()).add(athlete)
        return found

    @staticmethod
    def _one(athletes: set[Athlete], found: Sequence[_Mention]) -> Athlete | None:
        """One athlete; of several of that name, the one the article has named before."""
        if len(athletes) == 1:
            return next(iter(athletes))
        named = [m.athlete for m in found if m.athlete in athletes]
        return named[-1] if named else None

    def _similar(self, piece: str, found: Sequence[_Mention]) -> Athlete | None:
        """A misspelt surname ("Ingebritsson"): one stored spelling close enough, or none."""
        word = fold(piece)
        if len(word) < 5 or word in _NOT_NAMES or not piece[0].isupper():
            return None
        scored: list[tuple[float, Athlete]] = []
        for athlete in self._candidates(word):
            # A stored name's surname (not "Jakob", who may be anyone), an alias's any word.
            parts = [athlete.search_name.split()[-1]]
            parts += [part for a in athlete.aliases.all() for part in a.search_name.split()]
            score = max(
                (
                    difflib.SequenceMatcher(None, word, part).ratio()
                    for part in parts
                    if len(part) >= 4
                ),
                default=0.0,
            )
            if score >= SIMILAR_CUTOFF:
                scored.append((score, athlete))
        if not scored:
            return None
        scored.sort(key=lambda item: -item[0])
        named = {m.athlete.pk for m in found if m.athlete}
        best = [a for s, a in scored if s >= scored[0][0] - 0.05]
        if len(best) > 1:
            best = [a for a in best if a.pk in named]
        return best[0] if len(best) == 1 else None

    def _candidates(self, word: str) -> list[Athlete]:
        """Stored athletes sharing a word's first four letters, fetched for every unmatched
        word of the article at once (a few queries an article, not two a word)."""
        if self._similar_pool is None:
            pieces = sorted(
                {
                    fold(piece)[:4]
                    for _, _, piece in self._pieces()
                    if " " not in piece and len(fold(piece)) >= 5 and piece[0].isupper()
                }
            )
            pool: dict[int, Athlete] = {}
            for batch in (pieces[i : i + 40] for i in range(0, len(pieces), 40)):
                condition = Q()
                for piece in batch:
                    condition |= Q(search_name__contains=piece)
                    condition |= Q(aliases__search_name__contains=piece)
                for athlete in (
                    Athlete.objects.filter(condition)
                    .distinct()
                    .order_by("pk")
                    .prefetch_related("aliases")[:500]
                ):
                    pool[athlete.pk] = athlete
            self._similar_pool = list(pool.values())
        return [
            athlete
            for athlete in self._similar_pool
            if word[:4] in athlete.search_name
            or any(word[:4] in alias.search_name for alias in athlete.aliases.all())
        ]

    def _persons(self) -> list[_Mention]:
        """People named with their role ("meet director Tom Smith"): not athletes, whatever
        their name may resemble."""
        return [
            _Mention(match.start(), match.end(), match.group("name"), None)
            for match in _ROLE.finditer(self.text)
        ]


def _person_like(surface: str) -> bool:
    words = surface.split()
    if not words or any(fold(w) in _NOT_PERSON_WORDS for w in words):
        return False
    return all(w[0].isupper() for w in words) and fold(words[0]) not in _NOT_NAMES


# --- who said it --------------------------------------------------------------------------


def _attribute(reading: _Reading, group: _Group, previous: _Group | None) -> None:
    """Find the statement's speaker in its attribution, or in the quote before it."""
    text, masked = reading.text, reading.masked
    paragraph = reading.paragraphs[group.parts[0].paragraph]
    last_paragraph = reading.paragraphs[group.parts[-1].paragraph]
    sentence_start = _sentence_start(masked, group.parts[0].open_at, paragraph[0])
    sentence_end = _sentence_end(masked, group.parts[-1].end, last_paragraph[1])
    group.region = (sentence_start, sentence_end)
    if group.kind == "post":
        name = group.speaker_name
        athlete = next(
            (m.athlete for m in reading.mentions if m.athlete and fold(m.surface) == fold(name)),
            None,
        )
        group.speaker, group.speaker_name = (athlete, "") if athlete else (None, name)
        group.resolved = True
        return
    if group.kind == "reported":
        group.resolved = group.speaker is not None or bool(group.speaker_name)
        return
    regions: list[tuple[int, int]] = []
    if group.attribution:
        regions.append(group.attribution)
    for first, second in zip(group.parts, group.parts[1:], strict=False):
        if first.close_at is not None and first.paragraph == second.paragraph:
            regions.append((first.close_at + 1, second.open_at))
    last = group.parts[-1]
    if last.close_at is not None:
        regions.append(
            (last.close_at + 1, _sentence_end(masked, last.close_at + 1, last_paragraph[1]))
        )
    regions.append((sentence_start, group.parts[0].open_at))
    for start, end in regions:
        found = _speaker_in(reading, start, end)
        if found is not None:
            group.speaker, group.speaker_name = found
            group.resolved = True
            return
    if _is_fragment(text, group):
        return
    if previous is not None and previous.resolved:
        gap = masked[previous.end : group.parts[0].open_at]
        starts_paragraph = group.parts[0].open_at <= paragraph[0] + 1
        if (
            starts_paragraph
            and len(gap.strip()) < INHERIT_GAP
            and not _VERB.search(text[sentence_start : group.parts[0].open_at])
        ):
            previous_paragraph = previous.parts[-1].paragraph
            if group.parts[0].paragraph - previous_paragraph <= 1:
                group.speaker, group.speaker_name = previous.speaker, previous.speaker_name
                group.resolved = True


def _is_fragment(text: str, group: _Group) -> bool:
    words = " ".join(text[p.start : p.end] for p in group.parts).split()
    return group.kind == "quote" and len(words) <= FRAGMENT_WORDS and len(group.parts) == 1


def _sentence_start(masked: str, position: int, floor: int) -> int:
    before = masked[floor:position]
    ends = list(re.finditer(r"(?<!\b[A-Z])(?<!\bNo)(?<!\bOre)[.!?…](?:['’”\"»)]*)\s+", before))
    return floor + ends[-1].end() if ends else floor


def _sentence_end(masked: str, position: int, ceiling: int) -> int:
    match = re.search(r"(?<!\b[A-Z])(?<!\bNo)[.!?](?=\s|$)", masked[position:ceiling])
    return position + match.end() if match else ceiling


def _speaker_in(reading: _Reading, start: int, end: int) -> tuple[Athlete | None, str] | None:
    """A speaker beside a speech verb in ``text[start:end]``: "Kerr said", "sier han"."""
    text = reading.text
    if start >= end:
        return None
    for verb in _VERB.finditer(text, start, end):
        if text[verb.start() : verb.end()].lower() in {"say", "asked"}:
            continue
        for ref_start, ref_end, resolve in _refs(reading, start, end):
            before = text[ref_end : verb.start()]
            after = text[verb.end() : ref_start]
            if ref_end <= verb.start() and re.fullmatch(
                r"\s*(?:,[^,.;:]{1,60},)?\s*(?:\w+\s+){0,1}", before
            ):
                return resolve()
            if (
                ref_start >= verb.end()
                and re.fullmatch(r"\s*(?:til\s+|to\s+)?(?:[a-zæøå-]+\s+){0,2}", after)
                and not re.search(r"\b(?:til|to|with|med|about|om|at|on)\s+$", after)
            ):
                return resolve()
    return None


def _refs(reading: _Reading, start: int, end: int):
    """Who a span of narration names: athletes, people, pronouns and descriptions."""
    text = reading.text
    refs = []
    described = [(m.start(), m.end()) for m in (*_DESCRIPTOR.finditer(text, start, end),)] + [
        (m.start(), m.end()) for m in _PRONOUN.finditer(text, start, end)
    ]
    for mention in reading.mentions:
        if mention.athlete is None and any(s <= mention.start < e for s, e in described):
            continue
        if start <= mention.start and mention.end <= end:
            if mention.athlete is not None:
                athlete = mention.athlete
                refs.append((mention.start, mention.end, lambda a=athlete: (a, "")))
            elif _person_like(mention.surface) or _ROLE.match(text, mention.start):
                name = mention.surface
                refs.append((mention.start, mention.end, lambda n=name: (None, n)))
    for match in _PRONOUN.finditer(text, start, end):
        refs.append(
            (match.start(), match.end(), lambda m=match: _antecedent(reading, m.start(), m.group()))
        )
    for match in _DESCRIPTOR.finditer(text, start, end):
        refs.append((match.start(), match.end(), lambda m=match: _described(reading, m)))
    return sorted(refs, key=lambda ref: ref[0])


def _antecedent(
    reading: _Reading, position: int, pronoun: str
) -> tuple[Athlete | None, str] | None:
    """Whom "he" stands for: the first person named before it in its own sentence ("Coach
    Tom Smith agreed: – It was good, says he"), else in the nearest sentence before it."""
    masked = reading.masked
    feminine = pronoun.lower() in _FEMININE
    end = position
    for _ in range(5):
        if end <= 0:
            break
        start = _sentence_start(masked, max(end - 1, 0), 0)
        if start >= end:
            start = max(0, end - 1)
        for mention in reading.mentions:
            if start <= mention.start < end and masked[mention.start] != "_":
                if mention.athlete is not None:
                    if feminine == (mention.athlete.sex == "women"):
                        return (mention.athlete, "")
                elif _person_like(mention.surface) and " " in mention.surface.strip():
                    return (None, mention.surface)
        end = start
    return None


def _described(reading: _Reading, match: re.Match) -> tuple[Athlete | None, str] | None:
    """Whom "the Norwegian" or "the 26-year-old" stands for: the last such athlete named."""
    age = match.group("age") or match.group("aldersform")
    word = (match.group("demonym") or match.group("form") or "").lower()
    country = DEMONYMS.get(word)
    for mention in reversed(reading.mentions):
        athlete = mention.athlete
        if mention.start >= match.start() or athlete is None:
            continue
        if country and athlete.country.code == country:
            return (athlete, "")
        if (
            age
            and athlete.birth_date
            and _age(athlete.birth_date, reading.published_on) == int(age)
        ):
            return (athlete, "")
    return None


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- reported speech ----------------------------------------------------------------------


def _reported(reading: _Reading, groups: Sequence[_Group]) -> list[_Group]:
    """Sentences without marks that report what an athlete said about another one."""
    text, masked = reading.text, reading.masked
    quoted = {p.paragraph for g in groups for p in g.parts}
    found = []
    for index, (start, end) in enumerate(reading.paragraphs):
        if index in quoted or re.match(r"[–—-]\s", text[start:end]):
            continue
        position = start
        while position < end:
            stop = _sentence_end(masked, position, end)
            sentence = (position, stop)
            position = stop
            while position < end and text[position].isspace():
                position += 1
            group = _report(reading, *sentence, index)
            if group is not None:
                found.append(group)
    return found


def _report(reading: _Reading, start: int, end: int, paragraph: int) -> _Group | None:
    text = reading.text
    if set(text[start:end]) & _ALL_MARKS:
        return None
    for verb in _REPORTING_VERB.finditer(text, start, end):
        speaker = _speaker_in(reading, start, verb.end())
        if speaker is None or speaker[0] is None:
            continue
        rest = re.match(
            r"\s+(?:to\s+[^,.]{1,60}?\s+|til\s+\S+\s+)?"
            r"(?:(?:after|before|on|in|at|etter|før|på|i)\s+[^,.]{1,30}?\s+(?=that\b|at\b))?"
            r"(?:that\s+|at\s+)?",
            text[verb.end() : end],
        )
        clause_start = verb.end() + (rest.end() if rest else 0)
        clause = text[clause_start:end].strip()
        if verb.group().lower() == "told" and not (rest and "that" in rest.group()):
            tail = re.match(r"\s*\S+(?:\s+\S+){0,6}?\s+that\s+", text[verb.end() : end])
            if not tail:
                continue
            clause_start = verb.end() + tail.end()
            clause = text[clause_start:end].strip()
        others = [
            m.athlete
            for m in reading.mentions
            if clause_start <= m.start < end and m.athlete and m.athlete != speaker[0]
        ]
        if len(clause.split()) < 4 or not others:
            continue
        clause_end = clause_start + len(text[clause_start:end].rstrip())
        group = _Group(
            [_Part(clause_start, clause_end, clause_start, None, paragraph)], kind="reported"
        )
        group.speaker = speaker[0]
        group.region = (start, end)
        return group
    return None


# --- when ---------------------------------------------------------------------------------


def _absolute(match: re.Match, anchor: datetime.date) -> PreciseDate | None:
    """A date cue that needs no other date: "on Friday", "In November", "25 May 2024"."""
    kind = match.lastgroup

    def month_of(word: str) -> int:
        return _MONTHS[word.lower().rstrip(".")]

    try:
        if match.group("dmy") or match.group("mdy"):
            day = int(match.group("d1") or match.group("d2"))
            month = month_of(match.group("m1") or match.group("m2"))
            year = match.group("y1") or match.group("y2")
            if year:
                return PreciseDate(datetime.date(int(year), month, day))
            candidate = datetime.date(anchor.year, month, day)
            if candidate > anchor:
                candidate = candidate.replace(year=anchor.year - 1)
            return PreciseDate(candidate)
        if match.group("my"):
            return PreciseDate(
                datetime.date(int(match.group("y3")), month_of(match.group("m3")), 1),
                Precision.MONTH,
            )
    except ValueError:
        return None
    if match.group("month"):
        if match.group("m4")[0].islower() and match.group("m4").lower() in {"may", "march"}:
            return None
        word = re.sub(r"\s+", " ", match.group("mw").lower())
        month = month_of(match.group("m4"))
        year = anchor.year if month <= anchor.month else anchor.year - 1
        if word == "this" and month > anchor.month:
            return None
        if word in {"last", "forrige", "sist", "i fjor"} and month >= anchor.month:
            year = anchor.year - 1
        if word == "i fjor":
            year = anchor.year - 1
        return PreciseDate(datetime.date(year, month, 1), Precision.MONTH)
    if match.group("weekday"):
        weekday = match.group("wd")
        if weekday[0].islower() and weekday.lower() in {"monday", "friday"}:
            return None
        back = (anchor.weekday() - _WEEKDAYS[weekday.lower()]) % 7
        if back == 0 and (match.group("wl") or "").lower() in {"last", "forrige", "sist"}:
            back = 7
        return PreciseDate(anchor - datetime.timedelta(days=back))
    if kind == "yesterday":
        return PreciseDate(anchor - datetime.timedelta(days=1))
    if kind == "today":
        return PreciseDate(anchor)
    if kind == "thismonth":
        return PreciseDate(anchor.replace(day=1), Precision.MONTH)
    if kind == "thisweek":
        return covering(anchor - datetime.timedelta(days=anchor.weekday()), anchor)
    if kind == "lastyear":
        return PreciseDate(datetime.date(anchor.year - 1, 1, 1), Precision.YEAR)
    if kind == "thisyear":
        return PreciseDate(datetime.date(anchor.year, 1, 1), Precision.YEAR)
    if match.group("year"):
        year = int(match.group("y4"))
        return (
            PreciseDate(datetime.date(year, 1, 1), Precision.YEAR) if year <= anchor.year else None
        )
    if match.group("season"):
        return _season(match.group("sw").lower(), match.group("sn").lower(), anchor)
    return None


def _season(which: str, season: str, anchor: datetime.date) -> PreciseDate | None:
    """ "tidligere i vinter", "last summer". A winter that crosses New Year, which no single
    month or year holds, is dated by its part in the publication's year (rivalries/dates.py
    has no "Dec 2024 - Feb 2025"); an editor widens it when the text means December."""
    first, last = _SEASONS[season]
    year = anchor.year
    if "fjor" in which or which == "last":
        year -= 1
    if first > last:  # winter: December to February
        start = datetime.date(year - 1 if anchor.month <= last else year, first, 1)
        end_month_year = start.year + 1
        end = datetime.date(end_month_year, last, calendar.monthrange(end_month_year, last)[1])
        if start.year != min(end, anchor).year:
            start = datetime.date(min(end, anchor).year, 1, 1)
    else:
        start = datetime.date(year, first, 1)
        end = datetime.date(year, last, calendar.monthrange(year, last)[1])
    return covering(start, min(end, anchor))


def covering(start: datetime.date, end: datetime.date) -> PreciseDate | None:
    """The most precise date that holds every day from ``start`` to ``end``."""
    if end < start:
        return None
    if start == end:
        return PreciseDate(start)
    if (start.year, start.month) == (end.year, end.month):
        return PreciseDate(start.replace(day=1), Precision.MONTH)
    if start.year == end.year:
        return PreciseDate(start.replace(month=1, day=1), Precision.YEAR)
    return None


def _cues(reading: _Reading) -> list[_Cue]:
    """Every date the narration gives (never inside a statement's own words), in text order."""
    text, masked, anchor = reading.text, reading.masked, reading.anchor
    cues: list[_Cue] = []
    for match in _DATE_CUES.finditer(masked):
        cue = _Cue(match.start(), match.end())
        if match.group("later") or match.group("nextday"):
            if match.group("nextday"):
                cue.relative = (1, "later")
            else:
                count = match.group("n").lower()
                number = int(count) if count.isdigit() else _NUMBERS[count]
                unit = match.group("unit").lower()
                days = number * (
                    7
                    if unit.startswith(("week", "uke"))
                    else 30
                    if unit.startswith(("month", "måned"))
                    else 1
                )
                direction = match.group("dir").lower()
                if direction in {"ago", "siden"}:
                    cue.date = covering(
                        reading.published_on - datetime.timedelta(days=days),
                        reading.published_on - datetime.timedelta(days=days),
                    )
                    if unit.startswith(("month", "måned")) and cue.date:
                        cue.date = PreciseDate.of(cue.date.start, Precision.MONTH)
                else:
                    later = direction in {"later", "after", "senere", "etter"}
                    cue.relative = (days if later else -days, direction)
        else:
            cue.date = _absolute(match, anchor)
            if cue.date is None or cue.date.start > reading.published_on:
                continue
        if _in_relative_clause(text, match.start()) or _future(masked, match.start()):
            continue
        cues.append(cue)
    for match in re.finditer(r"\blater\b|\bsenere\b", masked):
        cues.append(_Cue(match.start(), match.end(), later=True))
    meets: dict[int, list[Meet]] = {}
    for match in _EVENT.finditer(masked):
        meet = _meet(match, meets)
        if meet is not None and meet.start_date <= reading.published_on:
            cue = _Cue(match.start(), match.end(), meet=meet)
            cue.date = covering(meet.start_date, meet.end_date or meet.start_date)
            cues.append(cue)
    for pattern, timing in ((_AFTER, "after"), (_BEFORE, "before")):
        for match in pattern.finditer(masked):
            cues.append(_Cue(match.start(), match.end(), timing=timing))
    cues.sort(key=lambda cue: cue.start)
    return cues


def _in_relative_clause(text: str, position: int) -> bool:
    """ "…, whose last race will be … in September" dates something else."""
    clause = text[max(0, position - 120) : position]
    return bool(re.search(r",\s*(?:whose|which|who|where|som|der|hvor)\b[^,.;]*$", clause))


def _future(masked: str, position: int) -> bool:
    """ "…when they meet again in August" is not when anything was said."""
    sentence = masked[_sentence_start(masked, position, 0) : position]
    lead = re.split(r"[,;:]", sentence)[-1][-80:]
    return bool(
        re.search(r"\b(?:will|\w+'ll|shall|skal|kommer til å|when they (?:meet|race))\b", lead)
    )


def _meet(match: re.Match, known: dict[int, list[Meet]]) -> Meet | None:
    """The stored meet "the 2023 World Championships in Budapest" stands for, if just one."""
    year = int(match.group("year"))
    words = [w for w in re.findall(r"[A-Za-z]+", match.group(0)) if w not in {"in", "the"}]
    words = [w for w in words if not w.isdigit()]
    if not words:
        return None
    if year not in known:
        known[year] = list(Meet.objects.filter(start_date__year=year).order_by("pk")[:200])
    city = match.group("city")
    keep = []
    for meet in known[year]:
        name = fold(f"{meet.name} {meet.city}")
        hits = [w for w in words if fold(w).rstrip("s")[:6] in name]
        if hits and (not city or fold(city) in fold(meet.city)):
            keep.append((len(hits), meet))
    if not keep:
        return None
    keep.sort(key=lambda item: -item[0])
    if len(keep) > 1 and keep[0][0] == keep[1][0]:
        return None
    return keep[0][1]


def _story_day(reading: _Reading) -> PreciseDate:
    """The day the article is about: the day its narration names most, else its anchor."""
    days = Counter(
        cue.date.start
        for cue in reading.cues
        if cue.date
        and cue.date.precision == Precision.DAY
        and 0 <= (reading.anchor - cue.date.start).days <= 7
    )
    if not days:
        return PreciseDate(reading.anchor)
    best = max(days.values())
    return PreciseDate(max(day for day, count in days.items() if count == best))


def _proposal(
    reading: _Reading,
    group: _Group,
    previous: tuple[_Group, Proposal] | None,
    story_day: PreciseDate,
    article_language: str,
) -> Proposal | None:
    text = reading.text
    words = _words(text, group)
    if not words:
        return None
    said, timing, meet = _when(reading, group, previous, story_day)
    about = _about(reading, group)
    race = race_for(group.speaker, said, timing, meet) if timing else None
    if race is not None and timing == "after":
        said = PreciseDate(race.date)
    return Proposal(
        text=words,
        speaker=group.speaker,
        speaker_name=group.speaker_name if group.speaker is None else "",
        about=about,
        said_on=said.start,
        precision=said.precision,
        language=_statement_language(words, article_language),
        start=group.start,
        end=group.end,
        spans=tuple((p.start, p.end) for p in group.parts),
        is_paraphrase=group.kind == "reported",
        occasion=_occasion(reading, group),
        race=race,
        timing=timing if race is not None else "",
    )


def _words(text: str, group: _Group) -> str:
    """The statement's own words, its parts joined as one quote reads."""
    pieces: list[str] = []
    for part in group.parts:
        piece = re.sub(r"\s+", " ", text[part.start : part.end]).strip()
        if group.kind == "dash":
            piece = piece.rstrip(",")
        if pieces and pieces[-1].endswith(","):
            if piece[:1].islower():
                pieces[-1] = pieces[-1][:-1]
            else:
                pieces[-1] = pieces[-1][:-1] + "."
        pieces.append(piece)
    words = " ".join(pieces).strip()
    if group.kind == "quote" and len(group.parts) == 1 and words.endswith(","):
        words = words[:-1]
    if _is_fragment(text, group) and not _FIRST_PERSON.match(words):
        words = words.rstrip(".,;:")
    return words


def _when(
    reading: _Reading,
    group: _Group,
    previous: tuple[_Group, Proposal] | None,
    story_day: PreciseDate,
) -> tuple[PreciseDate, str, Meet | None]:
    """The statement's date, "before"/"after" a race, and the meet the text places it at."""
    start, end = group.region
    own = [c for c in reading.cues if start <= c.start < end and _speaks_of(reading, group, c)]
    timing = next((c.timing for c in own if c.timing), "")
    if group.kind == "post":
        post = [c for c in reading.cues if group.attribution[0] <= c.start < group.attribution[1]]
        dated = [c.date for c in post if c.date]
        if dated:
            return dated[0], "", None
    context = _context(reading, group)
    relative = _context(reading, group, relative=True)
    meet = next((c.meet for c in reversed(relative + own) if c.meet), None)
    dated = [c for c in own if c.date or c.relative]
    if dated:
        cue = dated[0]
        if cue.relative:
            return _shifted(reading, cue), timing, meet
        if cue.meet is not None:
            return cue.date, timing, cue.meet
        return cue.date, timing, meet
    later = any(c.later for c in own)
    if timing == "after" and not later:
        # "said after the race": the race the text has just named, else the article's day.
        paragraph_start = reading.paragraphs[group.parts[0].paragraph][0]
        named = next((c for c in reversed(relative) if c.date and c.start >= paragraph_start), None)
        at_meet = next((c for c in reversed(relative + own) if c.meet and c.date), None)
        race_day = named or at_meet
        return (race_day.date if race_day else story_day), timing, meet
    if later or timing:
        base = next((c for c in reversed(relative) if c.date), None)
        if base is not None:
            date = base.date
            if any(c.later for c in own) and date.precision == Precision.DAY:
                date = PreciseDate.of(date.start, Precision.MONTH)
            return date, timing, meet
    if previous is not None:
        earlier, proposal = previous
        gap = reading.masked[earlier.end : group.start]
        between = [c for c in reading.cues if earlier.end <= c.start < group.start and c.date]
        if (
            proposal.speaker == group.speaker
            and proposal.speaker_name == group.speaker_name
            and len(gap.strip()) < INHERIT_GAP
            and not between
        ):
            return proposal.said, timing or proposal.timing, meet
    base = next((c for c in reversed(context) if c.date), None)
    if base is not None:
        return base.date, timing, meet
    return story_day, timing, meet


def _speaks_of(reading: _Reading, group: _Group, cue: _Cue) -> bool:
    """A cue in the statement's sentence dates it when it leads the sentence or sits by the
    speech verb ("Nugus said Friday"), not in a clause about something else."""
    start = group.region[0]
    lead = reading.masked[start : cue.start]
    if len(lead.split()) <= 2 or re.fullmatch(r"\s*(?:[A-Z]\w+\s+){0,3}", lead):
        return True
    window = reading.text[max(start, cue.start - 60) : cue.start]
    if re.search(rf"\b(?:{_SPEECH_VERBS})\b[^,.;]{{0,50}}$", window):
        return True
    after = reading.text[cue.end : cue.end + 40]
    if re.match(rf",?[^,.;]{{0,25}}\b(?:{_SPEECH_VERBS})\b", after):
        return True
    return group.kind == "reported" and cue.start < group.start


def _context(reading: _Reading, group: _Group, *, relative: bool = False) -> list[_Cue]:
    """Cues before the statement in its paragraph, and in the paragraph before it when that
    one holds no statement of its own (whose date the cue would be), or the statement's own
    cue is relative ("later", "two weeks later") and needs the date it counts from."""
    index = group.parts[0].paragraph
    first = reading.paragraphs[index][0]
    if index > 0 and (relative or index - 1 not in reading.spoken):
        first = reading.paragraphs[index - 1][0]
    return [c for c in reading.cues if first <= c.start < group.region[0]]


def _shifted(reading: _Reading, cue: _Cue) -> PreciseDate:
    """ "Two weeks later": the date before it, moved, at the precision that survives."""
    earlier = [c for c in reading.cues if c.start < cue.start and c.date]
    days, _ = cue.relative
    if not earlier:
        moved = reading.anchor + datetime.timedelta(days=days)
        return covering(moved, moved) or PreciseDate(reading.anchor)
    base = earlier[-1].date
    start = base.start + datetime.timedelta(days=days)
    end = base.end + datetime.timedelta(days=days)
    end = min(end, reading.published_on)
    return covering(start, end) or base


def race_for(
    speaker: Athlete | None, said: PreciseDate, timing: str, meet: Meet | None = None
) -> Race | None:
    """The race a quote said "after the final" or "before the race" belongs to."""
    if speaker is None:
        return None
    races = Race.objects.official().filter(
        results__athlete=speaker, results__status__in=MEETING_STATUSES
    )
    if meet is not None:
        races = races.filter(meet=meet)
        if timing == "after":
            finals = races.filter(round="final")
            races = finals if finals.exists() else races
    elif said.precision == Precision.DAY:
        if timing == "after":
            races = races.filter(date=said.start)
        else:
            races = races.filter(
                date__gte=said.start, date__lte=said.start + datetime.timedelta(days=3)
            )
    else:
        return None
    found = list(races.distinct().order_by("date", "pk")[:2])
    return found[0] if len(found) == 1 else None


# --- about whom, where, which language -----------------------------------------------------


def _about(reading: _Reading, group: _Group) -> tuple[Athlete, ...]:
    """The athletes named in the statement or its sentence, and the rival it speaks of."""
    start, end = group.region
    start = min(start, group.start)
    end = max(end, group.end)
    named: list[Athlete] = []
    for mention in reading.mentions:
        athlete = mention.athlete
        if start <= mention.start < end and athlete and athlete != group.speaker:
            named.append(athlete)
    for match in _DESCRIPTOR.finditer(reading.text, start, end):
        found = _described(reading, match)
        if found and found[0] is not None and found[0] != group.speaker:
            named.append(found[0])
    named = list(dict.fromkeys(named))
    if named or group.speaker is None:
        return tuple(named)
    rivals = reading.rivals.get(group.speaker.pk, set())
    words = _words(reading.text, group)
    paragraph = reading.paragraphs[group.parts[0].paragraph]
    in_article = {m.athlete.pk: m.athlete for m in reading.mentions if m.athlete}
    if _RIVAL_WORDS.search(words):
        return tuple(in_article[pk] for pk in sorted(rivals) if pk in in_article)
    nearby = {
        m.athlete.pk
        for m in reading.mentions
        if m.athlete and paragraph[0] <= m.start < paragraph[1]
    }
    return tuple(in_article[pk] for pk in sorted(rivals & nearby))


def _rivals(athletes: dict[int, Athlete]) -> dict[int, set[int]]:
    """For each athlete named, the others named whom a rivalry pairs them with."""
    from rivalries.models import RivalryMember

    members = RivalryMember.objects.filter(
        rivalry__memberships__athlete__in=list(athletes)
    ).values_list("rivalry_id", "athlete_id")
    by_rivalry: dict[int, set[int]] = {}
    for rivalry_id, athlete_id in members:
        by_rivalry.setdefault(rivalry_id, set()).add(athlete_id)
    rivals: dict[int, set[int]] = {}
    for group in by_rivalry.values():
        for pk in group:
            rivals.setdefault(pk, set()).update(group - {pk})
    return rivals


def _occasion(reading: _Reading, group: _Group) -> str:
    """Whom it was said to ("to The Times", "to NRK") or where, when the text says."""
    start, end = group.region
    narration = reading.masked[start:end]
    told = re.search(
        r"\b(?:told|telling|tells)\s+(?P<to>[^,.:;_]{2,60}?)(?=\s+that\b|\s*[,.:;_]|$)",
        narration,
    ) or re.search(r"\btil\s+(?P<to>[A-ZÆØÅ][\w-]*(?:\s+\d)?)", narration)
    if told:
        return f"to {told.group('to').strip()}"
    where = re.search(
        r"\b(?:on|på)\s+(?P<on>Instagram|X|Twitter|Facebook|TikTok|Threads)\b", narration
    )
    if where:
        return f"on {where.group('on')}"
    if group.kind == "post":
        return "social media post"
    if re.search(r"press conference|pressekonferanse", narration, re.IGNORECASE):
        return "press conference"
    if re.search(r"mixed\s*-?\s*(?:zone|sonen)", narration, re.IGNORECASE):
        return "mixed zone"
    return ""


def detect_language(text: str) -> str:
    """The language most of ``text``'s common words belong to ("en", "no", ...), or ""."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return ""
    scores = {code: sum(w in stop for w in words) for code, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 2 or ranked[0] < 1.5 * ranked[1]:
        return ""
    return best


def _statement_language(words: str, article_language: str) -> str:
    """The article's language unless the statement is plainly in another."""
    detected = detect_language(words)
    if detected and detected != article_language and len(words.split()) >= 5:
        return detected
    return article_language


def _unique(proposals: Sequence[Proposal]) -> list[Proposal]:
    """An article that repeats a passage (a pasted lead twice) holds its statements once."""
    seen: set[tuple] = set()
    kept = []
    for proposal in proposals:
        key = (fold(proposal.text), proposal.speaker_label)
        if key in seen:
            continue
        seen.add(key)
        kept.append(proposal)
    return kept


def with_speaker(proposal: Proposal, speaker: Athlete | None, name: str = "") -> Proposal:
    """The proposal given to another speaker (an editor's correction)."""
    return replace(proposal, speaker=speaker, speaker_name="" if speaker else name)
