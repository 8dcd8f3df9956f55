"""A results table as editors paste it: one row per result line, with what could not be read.

Editors copy results from a web page (cells separated by tabs), a results PDF (bib, FAMILY
Given, birth date) or a news report ("1. Josh Kerr (GBR) 3:45.34 WL NR"). ``parse`` reads any
of them without being told which: a line is cut into cells (tabs, else runs of two or more
spaces, else one cell), each cell into words, and the words are read in the order results are
written everywhere: place (or DNF/DNS/DQ), bib, the athlete's name (or the country, then the
name, as World Athletics lists them), then in any order the country, a birth date, the mark,
qualifiers and flags. Nothing is guessed silently: what cannot
be read is quoted in the row's ``problem``, and an editor decides.

Plain Python with no database: matching the names to athletes is the caller's business.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django_countries.ioc_data import IOC_TO_ISO

from athletes import marks

STATUSES = {"DNF": "dnf", "DNS": "dns", "DQ": "dq", "DSQ": "dq", "DISQ": "dq"}
FLAGS = ("WR", "WL", "AR", "NR", "PB", "SB", "OR", "CR", "MR", "DLR")
AREA_RECORDS = {"ER", "EUR", "AFR", "ASR", "NACR", "NACAC", "OCR", "SAR", "SAMR"}
"""Each continental area's own record code: all of them are the site's AR ("Area record")."""
QUALIFIERS = {"Q", "q", "qR", "qJ", "qr", "qj"}
EXTRA_COUNTRIES = {"AIN", "ANA", "ART", "EOR", "IOA", "WLD"}
"""Codes results lists use besides the IOC's own: neutral athletes, refugees, mixed teams."""
HEADER_WORDS = {
    "place", "pl", "pos", "position", "rank", "rk", "bib", "no", "athlete", "athletes", "name",
    "competitor", "nat", "nationality", "country", "team", "club", "date", "of", "birth", "dob",
    "yob", "born", "mark", "result", "results", "time", "perf", "performance", "notes", "note",
    "remarks", "info", "flags", "records", "record", "react", "reaction", "rt", "age", "lane",
    "order", "pts", "points", "q", "qual", "wind",
}  # fmt: skip
MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
}  # fmt: skip

_PLACE = re.compile(r"=?(\d{1,3})\.?=?")
APOSTROPHES = "'\u2019"
_NAME_WORD = re.compile(rf"(?:[^\W\d_]+[.{APOSTROPHES}\-]?)+,?")
_COUNTRY = re.compile(r"[A-Z]{3}")
_BRACKETED_COUNTRY = re.compile(r"\(([A-Z]{2,3})\)")
IOC_OF_ISO = {iso: ioc for ioc, iso in IOC_TO_ISO.items()}
_BRACKETED_MARK = re.compile(r"\(([\d:.,]+)\)")
_QUALIFIED_MARK = re.compile(r"(?P<mark>\d+(?:[:.,]\d+)+[hH]?)(?P<qualifier>q[RJrj]?|Q)?")
_FLAG_LIKE = re.compile(r"=?[A-Z][A-Z0-9]{1,5}|=[A-Za-z]{2,3}")
_REACTION = re.compile(r"0\.\d{3}")
_ONE_WORD_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{1,2}-?[A-Za-z]{3}-?\d{2,4}"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DAY = re.compile(r"\d{1,2}")
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la",
    "le", "ter", "ten", "el", "al", "bin", "ben", "y", "e",
}  # fmt: skip


@dataclass(frozen=True)
class PastedRow:
    """One result line as read; ``problem`` quotes whatever was not (empty when all was)."""

    line: int
    place: int | None
    status: str
    name: str
    country: str
    time_ms: int | None
    hand_timed: bool
    flags: list[str]
    problem: str


def parse(text: str) -> list[PastedRow]:
    """Every result line of a pasted table; header, title and blank lines give no row."""
    rows = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = _clean(raw)
        if not line.strip() or _is_header(line) or _is_title(line):
            continue
        rows.append(_Line(number, line).read())
    return rows


def _clean(raw: str) -> str:
    """Web pages paste no-break spaces and invisible marks; keep tabs, make the rest spaces."""
    text = unicodedata.normalize("NFC", raw)
    kept = []
    for char in text:
        if char == "\t":
            kept.append(char)
        elif char.isspace():
            kept.append(" ")
        elif not unicodedata.category(char).startswith("C"):
            kept.append(char)
    return "".join(kept).rstrip()


def _is_header(line: str) -> bool:
    words = [word.strip(".:()#/").lower() for word in line.split()]
    words = [word for word in words if word]
    return len(words) >= 2 and all(word in HEADER_WORDS for word in words)


def _is_title(line: str) -> bool:
    """ "Men's Bowerman Mile:", "Results:": a line introducing the list, not a result."""
    return line.strip().endswith(":") and not re.search(r"\d:\d", line)


def _cells(line: str) -> list[str]:
    """Tabs separate cells; without tabs, runs of two or more spaces do; else one cell."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    if re.search(r"\S {2,}\S", line.strip()):
        return [cell.strip() for cell in re.split(r" {2,}", line.strip())]
    return [line.strip()]


class _Line:
    """Reads one line's words left to right, keeping every part it did not understand."""

    def __init__(self, number: int, line: str) -> None:
        self.number = number
        self.line = line
        self.place: int | None = None
        self.place_text = ""
        self.status = ""
        self.status_text = ""
        self.name_words: list[str] = []
        self.country = ""
        self.mark: marks.Mark | None = None
        self.mark_text = ""
        self.precise: marks.Mark | None = None
        self.precise_text = ""
        self.flags: set[str] = set()
        self.reaction: str | None = None
        self.problems: list[str] = []
        self.unread: list[str] = []

    def read(self) -> PastedRow:
        groups = [self._words(cell) for cell in _cells(self.line)]
        for index, words in enumerate(groups):
            if words:
                self._read_cell(words, first=index == 0)  # a place only ever in the first
        if self.reaction and self.mark is None:  # "0.178" was no reaction time, then
            self._read_mark(self.reaction)
        self._flush_unread()
        return self._row()

    @staticmethod
    def _words(cell: str) -> list[str]:
        # "Kerr(GBR)" is "Kerr (GBR)"
        return re.sub(r"(?<=\S)\(", " (", cell).split()

    def _read_cell(self, words: list[str], first: bool) -> None:
        position = 0
        if first:
            position = self._read_place(words)
        while position < len(words):
            word = words[position]
            if not self.name_words and self._is_bib(word):
                position += 1
                continue
            if not self.name_words and len(words) == 1 and _is_known_country(word):
                self._set_country(word, word)  # a country column before the name's
                position += 1
                continue
            if not self.name_words and _NAME_WORD.fullmatch(word) and not self._is_code(word):
                position = self._read_name(words, position)
                continue
            position = self._read_detail(words, position)

    def _read_place(self, words: list[str]) -> int:
        word = words[0]
        place = _PLACE.fullmatch(word)
        if place:
            self.place, self.place_text = int(place.group(1)), word
            if self.place == 0:
                self.problems.append(f"'{word}' is not a place: places start at 1")
                self.place = None
            return 1
        if _is_status(word):
            self._set_status(word)
            return 1
        return 0

    def _is_bib(self, word: str) -> bool:
        """A number between the place (or status) and the name is a bib (or a lane)."""
        return word.isdigit() and (self.place is not None or bool(self.status))

    def _is_code(self, word: str) -> bool:
        bare = word.rstrip(",:")
        return _is_status(bare) or bare in FLAGS

    def _read_name(self, words: list[str], position: int) -> int:
        start = position
        while (
            position < len(words)
            and _NAME_WORD.fullmatch(words[position])
            and not self._is_code(words[position])
            and words[position] not in QUALIFIERS
        ):
            position += 1
        run = words[start:position]
        codes = []
        while len(run) >= 2 and self._ends_with_country(run):
            codes.insert(0, run.pop().rstrip(","))
        if not codes and len(run) >= 3 and _is_known_country(run[0]):
            codes.append(run.pop(0))  # "NOR Jakob INGEBRIGTSEN": World Athletics' order
        for code in codes:
            self._set_country(code, code)
        if run:  # "Josh Kerr, GBR, 3:45.34": the comma after the name only separates
            run[-1] = run[-1].rstrip(",")
        self.name_words = run
        return position

    @staticmethod
    def _ends_with_country(run: list[str]) -> bool:
        """ "KERR Josh GBR": the last capitals of three letters are the country, when the name
        keeps a word or more without them (two, for a code that is no known country's)."""
        last = run[-1].rstrip(",")
        if not _COUNTRY.fullmatch(last):
            return False
        known = last in IOC_TO_ISO or last in EXTRA_COUNTRIES
        return len(run) - 1 >= (1 if known else 2)

    def _read_detail(self, words: list[str], position: int) -> int:
        """One thing after the name (or an unread word); returns where the next one starts."""
        word = words[position]
        date_length = _date_length(words, position)
        if date_length:
            self._flush_unread()
            return position + date_length
        bare = word.rstrip(",;")
        if _is_status(bare):
            self._set_status(bare)
        elif (bracketed := _BRACKETED_COUNTRY.fullmatch(bare)) and _ioc(bracketed.group(1)):
            self._set_country(_ioc(bracketed.group(1)), word)
        elif _COUNTRY.fullmatch(bare) and not self.country and bare not in FLAGS:
            self._set_country(bare, word)
        elif bare.strip("()") in QUALIFIERS or self._read_flag(bare):
            self._flush_unread()
        elif _BRACKETED_COUNTRY.fullmatch(bare):
            self._flush_unread()
            self.problems.append(f"'{bare}' is not a country code: write GBR, or GB")
        elif bracketed := _BRACKETED_MARK.fullmatch(bare):
            self._read_precise(bracketed.group(1), word)
        elif _REACTION.fullmatch(bare) and self.reaction is None:
            self._flush_unread()
            self.reaction = bare
        elif _QUALIFIED_MARK.fullmatch(bare) or (":" in bare and any(c.isdigit() for c in bare)):
            self._read_mark(bare)
        elif _YEAR.fullmatch(bare) and self.name_words and self.mark is None:
            self._flush_unread()  # a year of birth
        elif _FLAG_LIKE.fullmatch(bare.strip("()[]")) and self.name_words and not self.unread:
            self._flush_unread()
            self.problems.append(f"'{bare.strip('()[]')}' is not a flag: use {' '.join(FLAGS)}")
        else:
            self.unread.append(word)
        return position + 1

    def _flush_unread(self) -> None:
        if self.unread:
            self.problems.append(f"not read: '{' '.join(self.unread)}'")
            self.unread = []

    def _set_status(self, word: str) -> None:
        self._flush_unread()
        status = STATUSES[word.rstrip(":").upper()]
        if self.status and self.status != status:
            self.problems.append(f"'{word}' contradicts '{self.status_text}'")
            return
        self.status, self.status_text = status, word.rstrip(":")

    def _set_country(self, code: str, word: str) -> None:
        self._flush_unread()
        if self.country and self.country != code:
            self.problems.append(f"'{word}' is a second country after '{self.country}'")
            return
        self.country = code

    def _read_flag(self, word: str) -> bool:
        """ "WL", "NR," "(PB)", "(WL, NR)"; any area's record code is AR."""
        word = word.strip("()[]")
        code = word.upper()
        if not (word.isupper() or code in AREA_RECORDS) or len(code) < 2:
            return False
        if code in FLAGS:
            self.flags.add(code)
            return True
        if code in AREA_RECORDS:
            self.flags.add("AR")
            return True
        return False

    def _read_mark(self, word: str) -> None:
        self._flush_unread()
        match = _QUALIFIED_MARK.fullmatch(word)
        text = match.group("mark") if match else word
        try:
            mark = marks.read(_decimal_point(text))
        except marks.MarkError as error:
            self.problems.append(str(error).replace(f"'{_decimal_point(text)}'", f"'{word}'", 1))
            return
        if self.mark is not None:
            self.problems.append(f"'{word}' is a second mark after '{self.mark_text}'")
            return
        self.mark, self.mark_text = mark, word

    def _read_precise(self, text: str, word: str) -> None:
        """ "3:45.34 (3:45.331)": the thousandths a photo finish was decided by."""
        self._flush_unread()
        try:
            precise = marks.read(_decimal_point(text))
        except marks.MarkError as error:
            self.problems.append(str(error).replace(f"'{_decimal_point(text)}'", f"'{word}'", 1))
            return
        self.precise, self.precise_text = precise, word

    def _row(self) -> PastedRow:
        name, name_problem = given_family(self.name_words)
        if name_problem:
            self.problems.append(name_problem)
        if not name:
            self.problems.append(f"no athlete's name in '{self.line.strip()}'")
        status = self.status or "finished"
        mark = self._final_mark()
        place = self.place
        if status != "finished":
            if place is not None:
                self.problems.append(
                    f"'{self.place_text}' is a place, but the result is '{self.status_text}'"
                )
                place = None
            if mark is not None:
                self.problems.append(
                    f"'{self.mark_text}' is a mark, but the result is '{self.status_text}':"
                    " a result that did not finish keeps no mark"
                )
                mark = None
        elif name:
            if place is None:
                self.problems.append("no place: a finisher needs one")
            if mark is None and not any("is not a time" in p for p in self.problems):
                self.problems.append("no mark: a finisher needs one")
        return PastedRow(
            line=self.number,
            place=place,
            status=status,
            name=name,
            country=self.country,
            time_ms=mark.time_ms if mark else None,
            hand_timed=mark.hand_timed if mark else False,
            flags=[flag for flag in FLAGS if flag in self.flags],
            problem="; ".join(self.problems),
        )

    def _final_mark(self) -> marks.Mark | None:
        """The mark, to the thousandth when the line gives the thousandths in brackets."""
        if self.precise is None:
            return self.mark
        if self.mark is None:
            self.mark_text = self.precise_text
            return self.precise
        shown = marks.format(self.precise.time_ms, self.mark.hand_timed)
        if shown != marks.format(self.mark.time_ms, self.mark.hand_timed):
            self.problems.append(f"'{self.precise_text}' does not round to '{self.mark_text}'")
            return self.mark
        return self.precise


def _is_known_country(word: str) -> bool:
    """ "NOR", "AIN": a code a results list gives a country by (not just any three capitals)."""
    return bool(_COUNTRY.fullmatch(word)) and (word in IOC_TO_ISO or word in EXTRA_COUNTRIES)


def _ioc(code: str) -> str:
    """ "GBR" as it is; "GB" (an ISO code, as some reports write it) as "GBR"."""
    if len(code) == 3:
        return code
    return IOC_OF_ISO.get(code, "")


def _is_status(word: str) -> bool:
    """ "DNF", "dnf", "DNF:"; not "Dnf", which could be a name."""
    code = word.removesuffix(":")
    return (code.isupper() or code.islower()) and code.upper() in STATUSES


def _decimal_point(text: str) -> str:
    """ "3:45,34" and "3.45.34" (European lists) are 3:45.34."""
    text = text.replace(",", ".")
    if re.fullmatch(r"\d{1,2}\.\d{2}\.\d{1,3}[hH]?", text):
        text = text.replace(".", ":", 1)
    return text


def _date_length(words: list[str], position: int) -> int:
    """How many words a birth date takes here: "1996-06-12" one, "12 JUN 1996" three."""
    word = words[position].rstrip(",")
    if _ONE_WORD_DATE.fullmatch(word) and not re.fullmatch(r"\d{1,2}\.\d{2}\.\d{1,3}", word):
        return 1
    following = [w.rstrip(",").lower() for w in words[position : position + 3]]
    if (
        len(following) == 3
        and _DAY.fullmatch(following[0])
        and following[1].rstrip(".") in MONTHS
        and re.fullmatch(r"\d{2}|\d{4}", following[2])
    ):
        return 3
    return 0


def given_family(words: list[str]) -> tuple[str, str]:
    """The name as "Given Family", and a problem when its order cannot be told.

    Family names in capitals are title-cased ("KERR Josh", "Josh KERR" -> "Josh Kerr"); a
    comma puts the family first ("Kerr, Josh"); a name without capitals is kept as written.
    """
    words = [word for word in words if word]
    if not words:
        return "", ""
    joined = " ".join(words)
    if "," in joined:
        family, _, given = joined.partition(",")
        if given.strip() and "," not in given:
            return _join(given.split(), _family_case(family.split())), ""
        return joined.replace(",", ""), f"'{joined}': the comma does not split family and given"
    capitals = [bool(_is_capitals(word)) for word in words]
    if not any(capitals):
        return joined, ""
    if all(capitals):
        if len(words) == 1:
            return title_case(words[0]), ""
        return (
            " ".join(title_case(word) for word in words),
            f"'{joined}' is all capitals: which is the family name?",
        )
    first, last = capitals.index(True), len(capitals) - 1 - capitals[::-1].index(True)
    if not all(capitals[first : last + 1]):
        return joined, f"'{joined}': the family name in capitals is not in one piece"
    if first == 0:  # FAMILY Given
        return _join(words[last + 1 :], _family_case(words[: last + 1])), ""
    if last == len(words) - 1:  # Given FAMILY, with "van der" and the like before it
        start = first
        while start > 1 and words[start - 1] in _PARTICLES:
            start -= 1
        return _join(words[:start], [*words[start:first], *_family_case(words[first:])]), ""
    return joined, f"'{joined}': the family name in capitals stands between given names"


def _is_capitals(word: str) -> bool:
    """ "KERR", "GILJE", "O'CONNOR": a family name as results lists write it."""
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def _join(given: list[str], family: list[str]) -> str:
    return " ".join([*given, *family])


def _family_case(words: list[str]) -> list[str]:
    return [title_case(word) if _is_capitals(word) else word for word in words]


def title_case(word: str) -> str:
    """ "NORDÅS" -> "Nordås", "O'CONNOR" -> "O'Connor", "MCDONALD" -> "McDonald",
    "GILJE-NORDÅS" -> "Gilje-Nordås"."""
    parts = re.split(f"([-{APOSTROPHES}])", word)
    cased = []
    for part in parts:
        if not part or part in f"-{APOSTROPHES}":
            cased.append(part)
        elif part.upper().startswith("MC") and len(part) > 3:
            cased.append("Mc" + part[2].upper() + part[3:].lower())
        else:
            cased.append(part[0].upper() + part[1:].lower())
    return "".join(cased)
