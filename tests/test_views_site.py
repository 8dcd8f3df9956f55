"""The reader's site around the timeline: every public page, its content, its cost."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client

from athletes.models import Athlete, Race
from rivalries.models import Quote, Rivalry
from tests.factories import (
    AthleteAliasFactory,
    AthleteFactory,
    EventFactory,
    MeetFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = pytest.mark.django_db


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- every public URL, on the demo data ------------------------------------------------------


def public_urls() -> dict[str, str]:
    """Every public URL of DESIGN.md, with demo data behind it."""
    bowerman = Race.objects.get(name="Bowerman Mile")
    quote = Quote.objects.published().get(text__startswith="He would win 98 out of 100")
    return {
        "home": "/",
        "rivalries": "/rivalries/",
        "rivalry": "/rivalries/kerr-vs-ingebrigtsen/",
        "feed": "/rivalries/kerr-vs-ingebrigtsen/feed/",
        "athletes": "/athletes/",
        "athlete": "/athletes/josh-kerr/",
        "h2h": "/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "race": f"/races/{bowerman.pk}/",
        "quote": f"/quotes/{quote.pk}/",
        "search": "/search/?q=Ingebritsen",
        "sitemap": "/sitemap.xml",
        "robots": "/robots.txt",
        "api_h2h": "/api/v1/h2h/josh-kerr/jakob-ingebrigtsen/",
        "api_timeline": "/api/v1/rivalries/kerr-vs-ingebrigtsen/timeline/",
    }


EXPECTED = {
    "home": ["Kerr vs Ingebrigtsen", "Featured rivalry", "Latest quotes", "Bowerman Mile"],
    "rivalries": ["Kerr vs Ingebrigtsen", "Rivalries in the data", "Yared Nuguse"],
    "rivalry": ["Kerr vs Ingebrigtsen", "98 out of 100"],
    "feed": ["<feed", "Bowerman Mile", "98 out of 100"],
    "athletes": ["Kerr, Josh", "Ingebrigtsen, Jakob", "NOR"],
    "athlete": ["Josh Kerr", "Josh Cole", "Personal bests", "3:45.34", "Jakob Ingebrigtsen"],
    "h2h": ["Josh Kerr", "Jakob Ingebrigtsen", "Every meeting"],
    "race": ["Bowerman Mile", "Prefontaine Classic", "3:45.34", "Said after the race"],
    "quote": ["Jakob Ingebrigtsen", "98 out of 100", "The Athletic", "og:title", "Corrections"],
    "search": ["Jakob Ingebrigtsen", "Ingebritsen"],
    "sitemap": ["sitemapindex", "sitemap-athletes.xml"],
    "robots": ["Sitemap: http://testserver/sitemap.xml", "Disallow: /admin/"],
    "api_h2h": ['"meetings"'],
    "api_timeline": ['"items"'],
}


def test_every_public_url_answers_with_its_content_and_sets_no_cookie(client, demo):
    for name, url in public_urls().items():
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        for text in EXPECTED[name]:
            assert text in body, f"{url} lacks {text!r}"
        assert not response.cookies, f"{url} set a cookie"
        assert "Set-Cookie" not in response.headers, url


def test_every_html_page_has_one_h1_a_title_a_description_and_the_search_box(client, demo):
    for name, url in public_urls().items():
        if name in {"feed", "sitemap", "robots", "api_h2h", "api_timeline"}:
            continue
        body = html(client, url)
        assert body.count("<h1") == 1, url
        assert "<title>" in body, url
        assert '<meta name="description" content="' in body, url
        assert 'role="search"' in body, url
        assert 'name="q"' in body, url
        assert 'class="skip-link" href="#main"' in body, url
        assert "<main" in body, url
        assert "<header" in body, url
        assert "<footer" in body, url


def test_pages_use_only_our_own_static_files(client, demo):
    for name, url in public_urls().items():
        if name in {"feed", "sitemap", "robots", "api_h2h", "api_timeline"}:
            continue
        body = html(client, url)
        for attribute in ('src="http', "src='http", 'href="//', 'src="//'):
            assert attribute not in body, url
        assert 'rel="stylesheet" href="/static/' in body


@pytest.mark.parametrize(
    "url",
    [
        "/athletes/nobody-at-all/",
        "/rivalries/no-such-rivalry/",
        "/rivalries/no-such-rivalry/feed/",
        "/races/999999/",
        "/quotes/999999/",
        "/h2h/josh-kerr/vs/nobody-at-all/",
        "/sitemap-nothing.xml",
        "/no/such/page/",
    ],
)
def test_unknown_slugs_and_ids_are_404_with_a_helpful_page(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404
    if not url.startswith("/sitemap"):
        body = response.content.decode()
        assert "We have no page at this address" in body
        assert 'name="q"' in body
        assert "Kerr vs Ingebrigtsen" in body  # a rivalry to start from
        assert not response.cookies


def test_the_404_page_guesses_the_athlete_a_mistyped_address_meant(client, demo):
    response = client.get("/athletes/jakob-ingebritsen/")
    assert response.status_code == 404
    assert 'href="/athletes/jakob-ingebrigtsen/"' in response.content.decode()


def test_unpublished_quotes_and_rivalries_are_not_found(client):
    draft = RivalryFactory(published=False)
    quote = QuoteFactory(published=False, source=None)
    assert client.get(f"/rivalries/{draft.slug}/").status_code == 404
    assert client.get(f"/rivalries/{draft.slug}/feed/").status_code == 404
    assert client.get(f"/quotes/{quote.pk}/").status_code == 404


def test_pages_answer_head_but_not_post(client, demo):
    assert client.head("/athletes/josh-kerr/").status_code == 200
    assert client.post("/athletes/josh-kerr/").status_code == 405
    assert client.post("/search/?q=kerr").status_code == 405


# --- the athlete page ------------------------------------------------------------------------


@pytest.fixture
def kerr():
    """Josh Kerr with three seasons, two events, an indoor race and two rivals."""
    kerr = AthleteFactory(name="Josh Kerr", country="GB")
    AthleteAliasFactory(athlete=kerr, name="Josh Cole")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen", country="NO")
    yared = AthleteFactory(name="Yared Nuguse", country="US")
    metric, mile = (
        EventFactory(name="1500m", distance_m=1500),
        EventFactory(name="Mile", distance_m=1609.344),
    )

    def race(day, event, results, indoor=False, **fields):
        meet = MeetFactory(name=f"Meet {day}", start_date=day, indoor=indoor)
        race = RaceFactory(meet=meet, event=event, **fields)
        for place, (athlete, time_ms) in enumerate(results, start=1):
            ResultFactory(race=race, athlete=athlete, place=place, time_ms=time_ms)
        return race

    race(datetime.date(2021, 8, 7), metric, [(jakob, 208_320), (kerr, 209_050)])
    race(datetime.date(2023, 8, 23), metric, [(kerr, 209_380), (jakob, 209_650), (yared, 210_250)])
    race(datetime.date(2024, 5, 25), mile, [(kerr, 225_340), (jakob, 225_600), (yared, 226_220)])
    race(datetime.date(2024, 2, 11), mile, [(kerr, 229_000)], indoor=True)
    race(datetime.date(2024, 8, 6), metric, [(jakob, 207_000), (kerr, 207_790)])
    RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    return kerr


def test_athlete_page_shows_profile_aliases_bests_rivalries_and_opponents(client, kerr):
    body = html(client, "/athletes/josh-kerr/")
    assert "Josh Kerr" in body
    assert "GBR" in body
    assert "Josh Cole" in body
    bests = body.split('id="bests-heading"')[1].split("</table>")[0]
    # The fastest 1500m (3:27.79), the fastest outdoor mile, and the indoor mile apart.
    assert "3:27.79" in bests
    assert "3:29.38" not in bests
    assert "3:45.34" in bests
    assert "3:49.00i" in bests
    assert "Kerr vs Ingebrigtsen" in body
    opponents = body.split('id="h2h-heading"')[1].split("</ul>")[0]
    assert opponents.index("Jakob Ingebrigtsen") < opponents.index("Yared Nuguse")
    assert 'href="/h2h/josh-kerr/vs/jakob-ingebrigtsen/"' in opponents
    assert "4 meetings, ahead in 2, behind in 2" in opponents


def test_athlete_results_filter_by_year_and_event_without_javascript(client, kerr):
    everything = html(client, "/athletes/josh-kerr/")
    assert "5 results" in everything
    in_2024 = html(client, "/athletes/josh-kerr/?year=2024")
    assert "3 results in 2024" in in_2024
    assert "7 Aug 2021" not in in_2024
    miles = html(client, "/athletes/josh-kerr/?year=2024&event=mile")
    assert "2 results in 2024 at Mile" in miles
    assert "3:27.79" not in miles.split('id="results"')[1]
    nothing = html(client, "/athletes/josh-kerr/?year=2022")
    assert "No result matches these choices." in nothing


def test_athlete_results_answer_htmx_with_the_table_alone(client, kerr):
    response = client.get("/athletes/josh-kerr/?year=2024", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body
    assert "3 results in 2024" in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("year", ["abc", "20245", "-1", "1200", "\uff12\uff10\uff12\uff14"])
def test_a_bad_year_is_a_400_that_quotes_it(client, kerr, year):
    response = client.get("/athletes/josh-kerr/", {"year": year})
    assert response.status_code == 400
    assert year[:20] in response.content.decode()


def test_athlete_results_are_paged(client):
    athlete = AthleteFactory(name="Busy Runner")
    for day in range(60):
        ResultFactory(
            athlete=athlete,
            race__meet__start_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=day),
        )
    first = html(client, "/athletes/busy-runner/")
    assert "60 results" in first
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = html(client, "/athletes/busy-runner/?page=2")
    assert "Page 2 of 2" in second
    assert client.get("/athletes/busy-runner/?page=oops").status_code == 200


@pytest.mark.parametrize(
    "spelling", ["jakob", "INGEBRIGTSEN", "Ingebrigsten", "jákob ingebrigtsen"]
)
def test_head_to_head_picker_goes_to_the_pair_for_any_spelling(client, kerr, spelling):
    response = client.get("/athletes/josh-kerr/", {"vs": spelling})
    assert response.status_code == 302
    assert response["Location"] == "/h2h/josh-kerr/vs/jakob-ingebrigtsen/"


def test_head_to_head_picker_asks_which_one_when_several_match(client, kerr):
    AthleteFactory(name="Jakob Holusa")
    body = html(client, "/athletes/josh-kerr/?vs=jakob")
    assert "Which did you mean?" in body
    assert 'href="/h2h/josh-kerr/vs/jakob-holusa/"' in body
    assert 'href="/h2h/josh-kerr/vs/jakob-ingebrigtsen/"' in body


def test_head_to_head_picker_says_when_nobody_matches(client, kerr):
    body = html(client, "/athletes/josh-kerr/?vs=Zzyzx")
    assert "No other athlete called “Zzyzx” is in the record." in body


# --- the race page ---------------------------------------------------------------------------


def test_race_page_shows_meet_date_results_with_flags_and_quotes_by_timing(client):
    race = RaceFactory(
        name="Bowerman Mile",
        event=EventFactory(name="Mile", distance_m=1609.344),
        meet=MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2024, 5, 25)),
    )
    kerr = AthleteFactory(name="Josh Kerr")
    ResultFactory(race=race, athlete=kerr, place=1, time_ms=225_340, flags="WL NR")
    ResultFactory(
        race=race,
        athlete=AthleteFactory(name="Dropped Out"),
        place=None,
        time_ms=None,
        status="DNF",
    )
    QuoteFactory(speaker=kerr, text="I'm here to run a mile", race=race, timing="before")
    QuoteFactory(speaker=kerr, text="It scared the coaching staff", race=race, timing="after")
    body = html(client, f"/races/{race.pk}/")
    assert "Prefontaine Classic" in body
    assert "25 May 2024" in body
    assert "3:45.34" in body
    assert ">WL<" in body
    assert ">NR<" in body
    assert ">DNF<" in body
    before, after = body.split("Said before the race")[1].split("Said after the race")
    assert "run a mile" in before
    assert "coaching staff" not in before
    assert "coaching staff" in after


# --- the quote page --------------------------------------------------------------------------


def test_quote_page_has_provenance_and_sharing_tags(client):
    quote = QuoteFactory(
        speaker=AthleteFactory(name="Jakob Ingebrigtsen"),
        text="Han er bare neste i køen",
        language="no",
        translation="He is just next in line",
        is_paraphrase=True,
        source__publisher="NRK",
        source__archive_url="https://archive.org/x",
    )
    body = html(client, f"/quotes/{quote.pk}/")
    assert (
        '<meta property="og:title" content="Jakob Ingebrigtsen (paraphrased), 24 May 2024">' in body
    )
    assert (
        '<meta property="og:description" content="Paraphrase: He is just next in line'
        ' (NRK, not Jakob Ingebrigtsen&#x27;s own words)">' in body
    )
    assert f'<meta property="og:url" content="http://testserver/quotes/{quote.pk}/">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    card = f"http://testserver/quotes/{quote.pk}/card.png"
    assert f'<meta property="og:image" content="{card}">' in body
    assert 'lang="no"' in body
    assert "A paraphrase" in body
    assert "archived copy" in body


def test_quote_page_lists_corrections_made_after_publication_but_not_who_made_them(
    client, django_user_model
):
    editor = django_user_model.objects.create_user("ed_the_editor", password="x")
    quote = QuoteFactory(text="He would win 98 of 100", published=False)
    quote.text = "He would win 98 out of 100"  # still a draft: not a correction
    quote.save()
    quote.published = True
    quote.save()
    quote._history_user = editor
    quote.text = "He would win 98 out of 100 races"
    quote.said_on = datetime.date(2024, 2, 2)
    quote.save()
    body = html(client, f"/quotes/{quote.pk}/")
    corrections = body.split('id="corrections-heading"')[1].split("</ol>")[0]
    assert "corrected the text, said on" in corrections
    assert "Earlier text:</span> “He would win 98 out of 100”" in corrections
    assert "98 of 100" not in corrections
    assert "ed_the_editor" not in body
    assert corrections.count("<li>") == 1


def test_an_unchanged_quote_says_it_has_no_corrections(client):
    quote = QuoteFactory()
    assert "has not been changed since it was published" in html(client, f"/quotes/{quote.pk}/")


# --- lists -----------------------------------------------------------------------------------


def test_rivalries_list_shows_scores_and_the_rivalries_in_the_data(client, kerr):
    assert "has been counted yet" in html(client, "/rivalries/")
    call_command("count_pairs", stdout=io.StringIO())
    body = html(client, "/rivalries/")
    assert "Counted <time" in body
    assert "Josh Kerr ahead in 2 of 4 meetings, Jakob Ingebrigtsen in 2." in body
    in_the_data = body.split('id="data-heading"')[1]
    # Kerr and Ingebrigtsen have a page; the pairs with Nuguse (2 meetings each) do not.
    assert "Josh Kerr vs Jakob Ingebrigtsen" not in in_the_data
    assert "Jakob Ingebrigtsen vs Josh Kerr" not in in_the_data
    assert in_the_data.count("Yared Nuguse") == 2


def test_home_features_the_newest_rivalry_with_its_score(client, kerr):
    jakob = Athlete.objects.get(name="Jakob Ingebrigtsen")
    older = RivalryFactory(title="Old rivalry", members=[jakob, AthleteFactory()])
    older.began_on = datetime.date(2001, 1, 1)
    older.save()
    newest = Rivalry.objects.get(title="Kerr vs Ingebrigtsen")
    newest.began_on = datetime.date(2023, 8, 1)
    newest.save()
    body = html(client, "/")
    featured = body.split('class="featured"')[1].split("</section>")[0]
    assert "Kerr vs Ingebrigtsen" in featured
    assert "ahead in 2 of 4 meetings" in featured
    assert "Old rivalry" in body.split("More rivalries")[1]


def test_athletes_list_is_a_to_z_with_letters_and_countries(client):
    athletes = [
        ("Josh Kerr", "GB"),
        ("Jakob Ingebrigtsen", "NO"),
        ("Jake Wightman", "GB"),
        ("Narve Gilje Nordås", "NO"),
        ("Øyvind Ødegaard", "NO"),
    ]
    for name, country in athletes:
        AthleteFactory(name=name, country=country)
    body = html(client, "/athletes/")
    names = ["Ingebrigtsen, Jakob", "Kerr, Josh", "Nordås, Narve Gilje", "Wightman, Jake"]
    assert [body.index(name) for name in names] == sorted(body.index(name) for name in names)
    k = html(client, "/athletes/?letter=K")
    assert "Kerr, Josh" in k
    assert "Wightman" not in k.split("<main")[1]
    british = html(client, "/athletes/?country=GBR")
    assert "Kerr, Josh" in british
    assert "Ingebrigtsen, Jakob" not in british
    assert html(client, "/athletes/?country=gb").count("Kerr, Josh") == 1
    other = html(client, "/athletes/?letter=%23")
    assert "Ødegaard, Øyvind" in other
    assert "Kerr, Josh" not in other
    assert 'aria-current="page">K<' in k
    odd = html(client, "/athletes/?letter=%F0%9F%98%80&country=zz%3C")
    assert "Kerr, Josh" in odd
    assert "Ingebrigtsen, Jakob" in odd


def test_athletes_list_is_paged(client):
    AthleteFactory.create_batch(70)
    body = html(client, "/athletes/")
    index = body.split('class="athlete-index"')[1].split("</ul>")[0]
    assert "Page 1 of 2" in body
    assert index.count("<li>") == 60


# --- query counts at two sizes, one ten times the other --------------------------------------


def populate(start: int, size: int) -> dict[str, object]:
    """``size`` rivalries, each with two rivals, races with a field, quotes and aliases."""
    event = EventFactory(name="1500m", distance_m=1500)
    first = {}
    for number in range(start, start + size):
        a = AthleteFactory(name=f"Alpha Runner{number}")
        b = AthleteFactory(name=f"Bravo Runner{number}", country="NO")
        AthleteAliasFactory(athlete=a, name=f"Alfa Runer{number}")
        RivalryFactory(title=f"Rivalry {number}", members=[a, b])
        for heat in range(3):
            race = RaceFactory(
                event=event,
                meet=MeetFactory(start_date=datetime.date(2020 + heat, 6, 1 + number % 28)),
            )
            ResultFactory(race=race, athlete=a, place=1, time_ms=210_000 + heat, flags="PB")
            ResultFactory(race=race, athlete=b, place=2, time_ms=211_000)
            ResultFactory(race=race, athlete=AthleteFactory(), place=3, time_ms=212_000)
        quote = QuoteFactory(speaker=a, about=[b], race=race, timing="before",
                             text=f"Runner {number} is not on my level")  # fmt: skip
        QuoteFactory(speaker=b, about=[a], text=f"Answer number {number}")
        first.setdefault("athlete", a)
        first.setdefault("rival", b)
        first.setdefault("race", race)
        first.setdefault("quote", quote)
        first.setdefault("rivalry", Rivalry.objects.get(title=f"Rivalry {number}"))
    return first


def pages(first) -> dict[str, str]:
    return {
        "/": "home",
        "/rivalries/": "rivalries",
        f"/rivalries/{first['rivalry'].slug}/feed/": "feed",
        "/athletes/": "athletes",
        f"/athletes/{first['athlete'].slug}/": "athlete",
        f"/athletes/{first['athlete'].slug}/?year=2021&event=1500m": "athlete",
        f"/races/{first['race'].pk}/": "race",
        f"/quotes/{first['quote'].pk}/": "quote",
        "/search/?q=runner": "search",
        "/search/?q=alfa+runer1": "search",
        "/search/?q=Runnr": "search",
        "/sitemap.xml": "sitemap",
        "/sitemap-athletes.xml": "sitemap section",
        "/sitemap-h2h.xml": "sitemap of pairs",
        f"/embed/h2h/{first['athlete'].slug}/vs/{first['rival'].slug}/": "embed",
        f"/embed/rivalries/{first['rivalry'].slug}/": "embed",
        f"/oembed?url=http://testserver/rivalries/{first['rivalry'].slug}/": "oembed",
        "/robots.txt": "robots",
        "/no-such-page/": "404",
    }


# The most queries each page may run, at either size.
MAX_QUERIES = {
    "home": 5,
    "rivalries": 6,
    "feed": 5,
    "athletes": 4,
    "athlete": 8,
    "race": 4,
    "quote": 3,
    "search": 7,
    "sitemap": 12,  # a count and a newest date per section
    "sitemap section": 2,
    "sitemap of pairs": 3,
    "embed": 5,
    "oembed": 2,
    "robots": 0,
    "404": 5,
}


def test_query_counts_do_not_grow_with_the_data(client, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE = False  # count what the views cost, not what the page cache saves
    first = populate(0, 3)
    for url, page in pages(first).items():
        with django_assert_max_num_queries(MAX_QUERIES[page], info=url):
            client.get(url)
    populate(3, 27)  # ten times the data
    for url, page in pages(first).items():
        with django_assert_max_num_queries(MAX_QUERIES[page], info=url):
            response = client.get(url)
        assert response.status_code in (200, 404), url


def test_race_page_numbers_each_source_once_and_links_results_to_their_own(client):
    official, report = "https://example.org/official", "https://example.org/report"
    race = RaceFactory(source_url=official)
    ResultFactory(race=race, athlete=AthleteFactory(name="Top One"), place=1, time_ms=225_340)
    ResultFactory(
        race=race,
        athlete=AthleteFactory(name="From Report"),
        place=2,
        time_ms=210_200,
        hand_timed=True,
        source_url=report,
    )
    ResultFactory(
        race=race,
        athlete=AthleteFactory(name="Also Report"),
        place=3,
        time_ms=226_000,
        source_url=report,
    )
    body = html(client, f"/races/{race.pk}/")
    sources = body.split('<ol class="source-list">')[1].split("</ol>")[0]
    assert sources.count("<li") == 2
    assert sources.index(official) < sources.index(report)
    assert f'id="race-{race.pk}-source-2"' in sources
    rows = body.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert "source-ref" not in rows[0]
    assert all(f'href="#race-{race.pk}-source-2"' in row for row in rows[1:])
    assert "3:30.2h" in rows[1]  # hand-timed, as written


def test_race_page_with_one_source_names_it_plainly(client):
    race = RaceFactory(source_url="https://example.org/official")
    ResultFactory(race=race, place=1, time_ms=225_340)
    body = html(client, f"/races/{race.pk}/")
    assert "Source: <a" in body
    assert "source-ref" not in body
    assert "source-list" not in body
