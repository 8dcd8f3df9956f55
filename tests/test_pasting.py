"""Reading a pasted results table: the three layouts of ../shared/intake/, and what is refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from athletes import marks
from athletes.pasting import FLAGS, PastedRow, given_family, parse, title_case

# ../shared/intake/, copied here so the tests need nothing outside the repository.
WEB_TABLE = (
    "Place\tAthlete\tNat\tMark\tNotes\n"
    "1\tJosh KERR\tGBR\t3:45.34\tWL NR\n"
    "2\tJakob INGEBRIGTSEN\tNOR\t3:45.60\t\n"
    "3\tYared NUGUSE\tUSA\t3:46.22\t\n"
    "4\tNeil GOURLEY\tGBR\t3:47.74\t\n"
    "5\tJake WIGHTMAN\tGBR\t3:47.83\t\n"
    "\tJane DOE\tXYZ\tDNF\t\n"
)
RESULTS_PDF = (
    "Rank Bib Name Nat Date of Birth Result\n"
    "1 200 KERR Josh GBR 12 JUN 1996 3:45.34 WL, NR\n"
    "2 201 INGEBRIGTSEN Jakob NOR 12 JUN 1996 3:45.60\n"
    "3 202 NUGUSE Yared USA 12 JUN 1996 3:46.22\n"
    "4 203 GOURLEY Neil GBR 12 JUN 1996 3:47.74\n"
    "5 204 WIGHTMAN Jake GBR 12 JUN 1996 3:47.83\n"
    "DQ 299 DOE Jane XYZ 01 JAN 2000\n"
)
NEWS_LIST = (
    "Men's Bowerman Mile:\n"
    "1. Josh Kerr (GBR) 3:45.34 WL NR\n"
    "2. Jakob Ingebrigtsen (NOR) 3:45.60\n"
    "3. Yared Nuguse (USA) 3:46.22\n"
    "4. Neil Gourley (GBR) 3:47.74\n"
    "5. Jake Wightman (GBR) 3:47.83\n"
    "DNS: Jane Doe (XYZ)\n"
)
BOWERMAN = [
    (1, "Josh Kerr", "GBR", 225_340, ["WL", "NR"]),
    (2, "Jakob Ingebrigtsen", "NOR", 225_600, []),
    (3, "Yared Nuguse", "USA", 226_220, []),
    (4, "Neil Gourley", "GBR", 227_740, []),
    (5, "Jake Wightman", "GBR", 227_830, []),
]


def row(
    line, place, name, country, time_ms, flags=(), *, status="finished", hand=False, problem=""
):
    return PastedRow(line, place, status, name, country, time_ms, hand, list(flags), problem)


def bowerman(last_status):
    finishers = [row(line, *values) for line, values in enumerate(BOWERMAN, 2)]
    return [*finishers, row(7, None, "Jane Doe", "XYZ", None, status=last_status)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(WEB_TABLE, bowerman("dnf"), id="web table with tabs"),
        pytest.param(RESULTS_PDF, bowerman("dq"), id="results PDF"),
        pytest.param(NEWS_LIST, bowerman("dns"), id="news list"),
    ],
)
def test_every_line_of_the_three_example_layouts_is_read_exactly(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # places as results pages write them
        ("=3\tNarve GILJE NORDÅS\tNOR\t3:47.83", row(1, 3, "Narve Gilje Nordås", "NOR", 227_830)),
        ("3=  Narve GILJE NORDÅS  NOR  3:47.83", row(1, 3, "Narve Gilje Nordås", "NOR", 227_830)),
        ("1.\tJosh KERR\tGBR\t3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        # status in the place column or the mark column, with or without a colon
        ("DNF\tJosh KERR\tGBR", row(1, None, "Josh Kerr", "GBR", None, status="dnf")),
        ("DSQ 12 KERR Josh GBR", row(1, None, "Josh Kerr", "GBR", None, status="dq")),
        ("Josh Kerr (GBR) DNS", row(1, None, "Josh Kerr", "GBR", None, status="dns")),
        ("DNF: Josh Kerr", row(1, None, "Josh Kerr", "", None, status="dnf")),
        ("dnf  Josh Kerr  GBR", row(1, None, "Josh Kerr", "GBR", None, status="dnf")),
        # marks: hand timing, thousandths, long races, qualifiers, European decimal commas
        ("1 Josh Kerr (GBR) 3:30.2h", row(1, 1, "Josh Kerr", "GBR", 210_200, hand=True)),
        ("1 Josh Kerr (GBR) 3:29.379", row(1, 1, "Josh Kerr", "GBR", 209_379)),
        ("1 Josh Kerr (GBR) 13:05.12", row(1, 1, "Josh Kerr", "GBR", 785_120)),
        ("1  Josh KERR  GBR  3:35.12 Q", row(1, 1, "Josh Kerr", "GBR", 215_120)),
        ("6  Josh KERR  GBR  3:35.12q", row(1, 6, "Josh Kerr", "GBR", 215_120)),
        ("1 Josh Kerr GBR 3:45,34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 Josh Kerr GBR 3.45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 Josh Kerr GBR 3:45.34 (3:45.331)", row(1, 1, "Josh Kerr", "GBR", 225_331)),
        ("1 Josh Kerr GBR (3:45.331)", row(1, 1, "Josh Kerr", "GBR", 225_331)),
        # reaction times and years of birth beside the mark
        ("1\tNoah LYLES\tUSA\t0.178\t9.79", row(1, 1, "Noah Lyles", "USA", 9_790)),
        ("1\tNoah LYLES\tUSA\t9.79\t0.178", row(1, 1, "Noah Lyles", "USA", 9_790)),
        ("1 Josh KERR 1997 GBR 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        # birth dates in the forms results lists use
        ("1 200 KERR Josh GBR 1996-06-12 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 200 KERR Josh GBR 12.06.1996 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 200 KERR Josh GBR 12/06/1996 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 200 KERR Josh GBR 12 Jun 96 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 200 KERR Josh GBR 12-JUN-96 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        # flags: commas, the order they are kept in, any area's record as AR
        ("1 Josh Kerr (GBR) 3:45.34 NR, WL", row(1, 1, "Josh Kerr", "GBR", 225_340, ["WL", "NR"])),
        ("1 Josh Kerr (GBR) 3:45.34 PB SB", row(1, 1, "Josh Kerr", "GBR", 225_340, ["PB", "SB"])),
        (
            "1 Jakob Ingebrigtsen (NOR) 3:43.73 ER",
            row(1, 1, "Jakob Ingebrigtsen", "NOR", 223_730, ["AR"]),
        ),
        ("1 Faith Kipyegon (KEN) 3:49.11 AfR", row(1, 1, "Faith Kipyegon", "KEN", 229_110, ["AR"])),
        ("1 Yared Nuguse (USA) 3:43.97 NACAC", row(1, 1, "Yared Nuguse", "USA", 223_970, ["AR"])),
        ("1 Josh Kerr (GBR) 3:45.34 DLR MR", row(1, 1, "Josh Kerr", "GBR", 225_340, ["MR", "DLR"])),
        # names: capitals title-cased, given names as written, particles, Mc and O'
        ("1\tKERR Josh\tGBR\t3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1\tJakob INGEBRIGTSEN\tNOR\t3:45.60", row(1, 1, "Jakob Ingebrigtsen", "NOR", 225_600)),
        ("1 Liam O'CONNOR IRL 3:45.60", row(1, 1, "Liam O'Connor", "IRL", 225_600)),
        ("1 MCDONALD Sean IRL 3:45.60", row(1, 1, "Sean McDonald", "IRL", 225_600)),
        ("1 Jan van der BERG NED 3:45.60", row(1, 1, "Jan van der Berg", "NED", 225_600)),
        ("1 Andre DE GRASSE CAN 9.90", row(1, 1, "Andre De Grasse", "CAN", 9_900)),
        (
            "1 Ana-Maria POPESCU-IONESCU ROU 4:01.10",
            row(1, 1, "Ana-Maria Popescu-Ionescu", "ROU", 241_100),
        ),
        ("1 Kerr, Josh (GBR) 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 KERR, Josh GBR 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 Jane LEE 3:45.34", row(1, 1, "Jane Lee", "", 225_340)),
        ("1 Josh Kerr(GBR) 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        ("1 Mo Farah AIN 13:05.12", row(1, 1, "Mo Farah", "AIN", 785_120)),
        # World Athletics' order: the country before the name, in a cell or on one line
        ("1\tETH\tGudaf TSEGAY\t14:46.29", row(1, 1, "Gudaf Tsegay", "ETH", 886_290)),
        (
            "1 3081 NOR Jakob INGEBRIGTSEN 3:28.32 OR",
            row(1, 1, "Jakob Ingebrigtsen", "NOR", 208_320, ["OR"]),
        ),
        ("7 AUS Stewart MCSWEYN 3:31.91", row(1, 7, "Stewart McSweyn", "AUS", 211_910)),
        # a name whose first word is a country's code stays a name when its country follows it
        ("1 GUY Jean FRA 3:45.34", row(1, 1, "Jean Guy", "FRA", 225_340)),
        # news reports' punctuation: commas between the parts, flags and ISO codes in brackets
        ("1. Josh Kerr, GBR, 3:45.34", row(1, 1, "Josh Kerr", "GBR", 225_340)),
        (
            "1. Josh Kerr (GB) 3:45.34 (WL, NR)",
            row(1, 1, "Josh Kerr", "GBR", 225_340, ["WL", "NR"]),
        ),
        ("1. Josh Kerr (GBR) 3:45.34 (PB)", row(1, 1, "Josh Kerr", "GBR", 225_340, ["PB"])),
        # what web pages paste besides tabs: no-break spaces, Windows line ends
        (
            "1\u00a0\u00a0Josh KERR\u00a0\u00a0GBR\u00a0\u00a03:45.34\r",
            row(1, 1, "Josh Kerr", "GBR", 225_340),
        ),
    ],
)
def test_a_line_is_read_whatever_its_layout(line, expected):
    assert parse(line) == [expected]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "1 Josh Kerr GBR 3:4x.60",
            "'3:4x.60' is not a time: only digits, ':' and '.' are allowed",
        ),
        ("1 Josh Kerr GBR 3:65.00", "'3:65.00' is not a time: seconds must be under 60"),
        (
            "1 Josh Kerr GBR 3:45.34h",
            "'3:45.34h' is not a time: a hand-timed mark is read to tenths",
        ),
        ("1 Josh Kerr GBR", "no mark: a finisher needs one"),
        ("Josh Kerr GBR 3:45.34", "no place: a finisher needs one"),
        ("0 Josh Kerr GBR 3:45.34", "'0' is not a place: places start at 1"),
        ("1 Josh Kerr GBR 3:45.34 =PB", "'=PB' is not a flag: use WR WL AR NR PB SB OR CR MR DLR"),
        (
            "1 Josh Kerr GBR 3:45.34 WU20R",
            "'WU20R' is not a flag: use WR WL AR NR PB SB OR CR MR DLR",
        ),
        ("1 Josh Kerr GBR 3:45.34 Edinburgh AC", "not read: 'Edinburgh AC'"),
        ("1 Josh Kerr GBR 3:45.34 (=PB)", "'=PB' is not a flag"),
        ("1 Josh Kerr (ZZ) 3:45.34", "'(ZZ)' is not a country code: write GBR, or GB"),
        ("1 Josh Kerr (Great Britain) 3:45.34", "not read: '(Great Britain)'"),
        ("1 Josh Kerr GBR 3:45.34 3:46.00", "'3:46.00' is a second mark after '3:45.34'"),
        ("1 Josh Kerr GBR 3:45.34 (3:46.001)", "'(3:46.001)' does not round to '3:45.34'"),
        ("1 Josh Kerr GBR DNF", "'1' is a place, but the result is 'DNF'"),
        (
            "DQ Josh Kerr GBR 3:45.34 TR17.3.1",
            "'3:45.34' is a mark, but the result is 'DQ': a result that did not finish keeps no"
            " mark",
        ),
        ("DNF Josh Kerr GBR DNS", "'DNS' contradicts 'DNF'"),
        ("1 Josh Kerr GBR NOR 3:45.34", "'NOR' is a second country after 'GBR'"),
        ("1 JOSH KERR GBR 3:45.34", "'JOSH KERR' is all capitals: which is the family name?"),
        ("1 Josh KERR Smith GBR 3:45.34", "'Josh KERR Smith': the family name in capitals stands"),
        ("1 2 3:45.34", "no athlete's name in '1 2 3:45.34'"),
        ("Men's 1500m Final", "not read: '1500m Final'"),
    ],
)
def test_a_line_not_read_fully_is_a_row_whose_problem_quotes_what_was_not(line, problem):
    (pasted,) = parse(line)
    assert problem in pasted.problem


def test_rows_keep_the_line_numbers_of_the_text_and_headers_and_blanks_give_none():
    text = "Men's Mile:\n\nPlace\tAthlete\tNat\tMark\n1\tJosh KERR\tGBR\t3:45.34\n\n2 Wrong 3:4x\n"
    assert [(pasted.line, pasted.name) for pasted in parse(text)] == [
        (4, "Josh Kerr"),
        (6, "Wrong"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Place\tAthlete\tNat\tMark\tNotes",
        "Rank Bib Name Nat Date of Birth Result",
        "Pos.  Name  Club  Time",
        "Men's Bowerman Mile:",
        "Results:",
        "",
        " \t ",
    ],
)
def test_headers_titles_and_blank_lines_are_no_rows(line):
    assert parse(line) == []


@pytest.mark.parametrize(
    ("words", "name"),
    [
        (["KERR", "Josh"], "Josh Kerr"),
        (["Josh", "KERR"], "Josh Kerr"),
        (["Narve", "GILJE", "NORDÅS"], "Narve Gilje Nordås"),
        (["GILJE", "NORDÅS", "Narve"], "Narve Gilje Nordås"),
        (["Josh", "Kerr"], "Josh Kerr"),
        (["josh", "kerr"], "josh kerr"),
        (["KIPCHOGE"], "Kipchoge"),
        (["J.", "KERR"], "J. Kerr"),
        (["Jan", "van", "der", "BERG"], "Jan van der Berg"),
    ],
)
def test_names_are_given_then_family(words, name):
    assert given_family(words) == (name, "")


@pytest.mark.parametrize(
    ("word", "cased"),
    [
        ("NORDÅS", "Nordås"),
        ("O'CONNOR", "O'Connor"),
        ("O\u2019CONNOR", "O\u2019Connor"),
        ("MCDONALD", "McDonald"),
        ("MC", "Mc"),
        ("GILJE-NORDÅS", "Gilje-Nordås"),
        ("ØSTBERG", "Østberg"),
    ],
)
def test_family_names_in_capitals_are_title_cased(word, cased):
    assert title_case(word) == cased


NAME_WORD = st.from_regex(r"[A-Z][a-zåéøü]{1,10}", fullmatch=True)


@given(
    place=st.integers(1, 40),
    given_name=NAME_WORD,
    family=st.lists(NAME_WORD, min_size=1, max_size=2).map(" ".join),
    country=st.sampled_from(["GBR", "NOR", "USA", "KEN", "ETH", "XYZ"]),
    hundredths=st.integers(900, 360_000),
    hand_timed=st.booleans(),
    flags=st.lists(st.sampled_from(["WR", "WL", "AR", "NR", "PB", "SB", "DLR"]), unique=True),
    status=st.sampled_from(["finished", "finished", "dnf", "dns", "dq"]),
)
def test_a_news_list_line_round_trips(
    place, given_name, family, country, hundredths, hand_timed, flags, status
):
    name = f"{given_name} {family}"
    if status == "finished":
        time_ms = hundredths * 10 if not hand_timed else (hundredths // 10) * 100
        mark = marks.format(time_ms, hand_timed)
        line = f"{place}. {name} ({country}) {mark} {' '.join(flags)}"
        kept = [flag for flag in FLAGS if flag in flags]  # in the site's order
        expected = row(1, place, name, country, time_ms, kept, hand=hand_timed)
    else:
        line = f"{status.upper()}: {name} ({country})"
        expected = row(1, None, name, country, None, status=status)
    assert parse(line) == [expected]
