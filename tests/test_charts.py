"""The charts: their scales and ticks (table-driven), and the text each page's SVG carries."""

import datetime
import re

import pytest

from athletes import charts
from athletes.charts import (
    SeasonBest,
    date_ticks,
    linear,
    nice_step,
    seconds_label,
    time_label,
)
from athletes.headtohead import Filters, between
from tests.factories import (
    AthleteFactory,
    EventFactory,
    MeetFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)


@pytest.mark.parametrize(
    ("domain", "span", "value", "expected"),
    [
        ((0, 10), (0, 100), 5, 50),
        ((0, 10), (100, 0), 2, 80),  # an upward axis: SVG's y grows downwards
        ((-2, 2), (200, 20), 0, 110),
        ((3, 3), (10, 30), 3, 20),  # one value: the middle of the span
        ((2021, 2024), (0, 300), 2024, 300),
    ],
)
def test_linear_scale(domain, span, value, expected):
    assert linear(domain, span)(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("largest", "most", "step"),
    [
        (0.45, 3, 0.2),
        (1.13, 3, 0.5),
        (0.05, 3, 0.02),
        (3.0, 3, 1),
        (9.5, 3, 5),
        (40, 4, 10),
        (50, 4, 15),
        (5000, 3, 1667),  # beyond the nice steps: an even split
    ],
)
def test_nice_step(largest, most, step):
    assert nice_step(largest, most) == step


@pytest.mark.parametrize(
    ("value", "label"), [(0.5, "0.5 s"), (2, "2 s"), (0.25, "0.25 s"), (1.1, "1.1 s"), (10, "10 s")]
)
def test_seconds_label(value, label):
    assert seconds_label(value) == label


@pytest.mark.parametrize(
    ("seconds", "label"),
    [(207, "3:27"), (207.5, "3:27.5"), (13.25, "13.25"), (13, "13"), (480, "8:00"), (59.9, "59.9")],
)
def test_time_axis_labels_drop_idle_hundredths(seconds, label):
    assert time_label(seconds) == label


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        ("2021-08-07", "2024-08-06", ["2022", "2023", "2024"]),
        ("2010-06-01", "2024-06-01", ["2011", "2014", "2017", "2020", "2023"]),  # at most six
        ("2024-01-01", "2025-03-01", ["2024", "2025"]),
        ("2024-05-25", "2024-08-06", ["Jun 2024", "Jul 2024", "Aug 2024"]),  # one season: months
        ("2024-05-25", "2024-05-25", ["May 2024"]),
    ],
)
def test_date_ticks(first, last, labels):
    ticks = date_ticks(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
    assert [label for _, label in ticks] == labels
    assert all(
        datetime.date.fromisoformat(first).replace(day=1)
        <= day
        <= datetime.date.fromisoformat(last)
        for day, _ in ticks
    )


def race(day, event, *results):
    """A final on ``day`` with (athlete, place, time_ms) results."""
    found = RaceFactory(meet=MeetFactory(start_date=day, name=f"Meet {day}"), event=event)
    for athlete, place, time_ms in results:
        ResultFactory(race=found, athlete=athlete, place=place, time_ms=time_ms)
    return found


@pytest.fixture
def trio(db):
    """A three-way rivalry over three seasons: every pair meets at least twice."""
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    nuguse = AthleteFactory(name="Yared Nuguse", country="US")
    event = EventFactory(name="1500m", distance_m=1500)
    race(datetime.date(2022, 7, 19), event, (jakob, 1, 209_000), (kerr, 2, 209_450))
    race(datetime.date(2023, 8, 23), event, (kerr, 1, 209_000), (jakob, 2, 209_300),
         (nuguse, 3, 209_800))  # fmt: skip
    race(datetime.date(2024, 8, 6), event, (kerr, 1, 206_000), (nuguse, 2, 206_100))
    race(datetime.date(2024, 9, 5), event, (jakob, 1, 207_000), (nuguse, 2, 208_130))
    rivalry = RivalryFactory(title="Kerr, Ingebrigtsen, Nuguse", members=[kerr, jakob, nuguse])
    return rivalry, kerr, jakob, nuguse


def test_gap_chart_has_a_series_per_pair_and_axes_in_years_and_seconds(trio):
    _, kerr, jakob, nuguse = trio
    pairs = [
        (a, b, between(a, b).meetings) for a, b in ((kerr, jakob), (kerr, nuguse), (jakob, nuguse))
    ]
    chart = charts.gap_chart(pairs)
    assert [len(series.points) for series in chart.series] == [2, 2, 2]
    assert [tick.label for tick in chart.x_ticks] == ["2023", "2024"]
    # The largest gap is 1.13 s: half-second steps up to 1.5 s either side of the line.
    assert [tick.label for tick in chart.y_ticks] == [
        "1.5 s", "1 s", "0.5 s", "0", "0.5 s", "1 s", "1.5 s",
    ]  # fmt: skip
    first_pair = chart.series[0].points
    assert first_pair[0].y > chart.middle > first_pair[1].y  # Jakob ahead, then Kerr ahead
    assert (
        first_pair[0].label
        == "Meet 2022-07-19 1500m, 19 Jul 2022: Jakob Ingebrigtsen ahead by 0.45 s"
    )
    assert all(chart.left < point.x < chart.right for point in chart.points)
    assert all(chart.top <= point.y <= chart.bottom for point in chart.points)


def test_gap_chart_spreads_meetings_of_one_day_in_round_order(db):
    a, b = AthleteFactory(name="A"), AthleteFactory(name="B")
    event = EventFactory(name="1500m", distance_m=1500)
    day = datetime.date(2024, 8, 4)
    for round_code, a_time in (("final", 206_000), ("heat", 214_000)):
        found = RaceFactory(meet=MeetFactory(start_date=day), event=event, round=round_code)
        ResultFactory(race=found, athlete=a, place=1, time_ms=a_time)
        ResultFactory(race=found, athlete=b, place=2, time_ms=a_time + 500)
    chart = charts.gap_chart([(a, b, between(a, b).meetings)])
    heat, final = chart.series[0].points
    assert chart.left < heat.x < final.x < chart.right
    assert [tick.label for tick in chart.x_ticks] == ["Aug 2024"]


def test_gap_chart_of_pairs_that_never_met_is_none(db):
    a, b = AthleteFactory(), AthleteFactory()
    assert charts.gap_chart([(a, b, [])]) is None


def test_season_chart_bars_say_who_led_each_year(trio):
    _, kerr, jakob, _ = trio
    chart = charts.season_chart(between(kerr, jakob))
    assert [(bar.year, bar.a, bar.b, bar.leader) for bar in chart.bars] == [
        (2022, 0, 1, "b"),
        (2023, 1, 0, "a"),
    ]
    assert chart.bars[0].a_width == 0
    assert chart.bars[0].b_width > 0
    assert charts.season_chart(between(kerr, jakob, Filters(from_year=2030))) is None


def test_progression_puts_faster_seasons_higher():
    bests = [
        SeasonBest(year=2022, time_ms=212_500, mark="3:32.50", race_id=1, meet="A"),
        SeasonBest(year=2023, time_ms=209_000, mark="3:29.00", race_id=2, meet="B"),
        SeasonBest(year=2024, time_ms=206_000, mark="3:26", race_id=3, meet="C"),
    ]
    chart = charts.progression("1500m", False, bests)
    assert [point.y for point in chart.points] == sorted((p.y for p in chart.points), reverse=True)
    assert [tick.label for tick in chart.x_ticks] == ["2022", "2023", "2024"]
    assert [tick.label for tick in chart.y_ticks] == [
        "3:26",
        "3:28",
        "3:30",
        "3:32",
        "3:34",
    ]


# --- the text of each chart as the pages render it ---------------------------------------------


def svg(html: str, css_class: str) -> str:
    found = re.search(rf'<figure class="chart {css_class}">.*?</figure>', html, re.S)
    assert found, f"no {css_class} on the page"
    return found.group(0)


def texts(figure: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r"<text[^>]*>(.*?)</text>", figure, re.S)
    ]


@pytest.mark.django_db
def test_rivalry_page_charts_every_pair_of_a_trio_with_labelled_axes(client, trio):
    rivalry, *_ = trio
    html = client.get(f"/rivalries/{rivalry.slug}/").content.decode()
    figure = svg(html, "gap-chart")
    labels = texts(figure)
    assert {"2023", "2024"} <= set(labels)
    assert {"0", "0.5 s", "1 s", "1.5 s"} <= set(labels)
    assert figure.count('class="series series-') == 3
    titles = re.findall(r"<(?:circle|rect|path)[^>]*class=\"mark[^>]*><title>(.*?)</title>", figure)
    assert len(titles) == 6  # a point per meeting of every pair: 2 + 2 + 2
    assert "Meet 2024-09-05 1500m, 5 Sep 2024: Jakob Ingebrigtsen ahead by 1.13 s" in titles
    assert "Josh Kerr (above) vs Yared Nuguse (below)" in figure
    # Shown whole: every member on the rivalry page and in the list.
    listing = client.get("/rivalries/").content.decode()
    for name in ("Josh Kerr", "Jakob Ingebrigtsen", "Yared Nuguse"):
        assert name in html.split('class="scoreboard"')[1].split("</section>")[0]
        assert name in listing.split('class="pair-scores"')[1].split("</ul>")[0]


@pytest.mark.django_db
def test_head_to_head_has_gap_and_season_charts_with_text(client, trio):
    _, kerr, jakob, _ = trio
    html = client.get(f"/h2h/{kerr.slug}/vs/{jakob.slug}/").content.decode()
    gap = texts(svg(html, "gap-chart"))
    assert "▲ Josh Kerr ahead" in gap
    assert "▼ Jakob Ingebrigtsen ahead" in gap
    # A rivalry of 13 months: month ticks, since one new year alone would not place a point.
    assert [t for t in gap if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)] == [
        "Aug 2022",
        "Dec 2022",
        "Apr 2023",
        "Aug 2023",
    ]
    assert "0.2 s" in gap
    seasons = svg(html, "season-chart")
    assert texts(seasons)[:2] == ["◀ Josh Kerr", "Jakob Ingebrigtsen ▶"]
    assert "<title>2022: Josh Kerr ahead 0, Jakob Ingebrigtsen ahead 1</title>" in seasons
    assert "<title>2023: Josh Kerr ahead 1, Jakob Ingebrigtsen ahead 0</title>" in seasons


@pytest.mark.django_db
def test_athlete_page_has_a_progression_chart(client, trio):
    _, kerr, *_ = trio
    html = client.get(f"/athletes/{kerr.slug}/").content.decode()
    figure = svg(html, "progression-chart")
    assert "Season's bests, 1500m: 2022 3:29.45, 2023 3:29.00, 2024 3:26.00" in figure
    labels = texts(figure)
    assert {"2022", "2023", "2024"} <= set(labels)
    assert any(re.fullmatch(r"3:\d\d(\.\d+)?", label) for label in labels)
    assert figure.count("<circle") == 3
