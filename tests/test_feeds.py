"""Feeds and machines: the Atom feed of a rivalry, the sitemap, robots.txt."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest

from athletes.models import BusyPair
from rivalries import feeds
from rivalries.models import Quote
from tests.factories import (
    AthleteFactory,
    MeetFactory,
    QuoteFactory,
    RaceFactory,
    ResultFactory,
    RivalryFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def rivalry():
    kerr = AthleteFactory(name="Josh Kerr")
    jakob = AthleteFactory(name="Jakob Ingebrigtsen")
    rivalry = RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    bowerman = RaceFactory(
        name="Bowerman Mile",
        meet=MeetFactory(name="Prefontaine Classic", start_date=datetime.date(2024, 5, 25)),
    )
    ResultFactory(race=bowerman, athlete=kerr, place=1, time_ms=225_340)
    ResultFactory(race=bowerman, athlete=jakob, place=2, time_ms=225_600)
    alone = RaceFactory(meet=MeetFactory(name="Kerr alone", start_date=datetime.date(2024, 6, 1)))
    ResultFactory(race=alone, athlete=kerr)
    QuoteFactory(
        speaker=jakob, about=[kerr], text="He would win 98 out of 100",
        said_on=datetime.date(2024, 2, 1), said_on_precision="month",
    )  # fmt: skip
    QuoteFactory(speaker=kerr, text="About nobody in particular")
    return rivalry


def entries(client, slug="kerr-vs-ingebrigtsen"):
    response = client.get(f"/rivalries/{slug}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert not response.cookies
    return ET.fromstring(response.content)


def test_feed_has_the_rivalrys_races_and_quotes_newest_first(client, rivalry):
    feed = entries(client)
    assert feed.find(f"{ATOM}title").text == "Kerr vs Ingebrigtsen | Rivalries"
    items = feed.findall(f"{ATOM}entry")
    titles = [item.find(f"{ATOM}title").text for item in items]
    assert titles == [
        "Prefontaine Classic: Bowerman Mile, 25 May 2024",
        "Jakob Ingebrigtsen: “He would win 98 out of 100” (Feb 2024)",
    ]
    race = items[0]
    assert race.find(f"{ATOM}link").get("href").startswith("http://testserver/races/")
    assert (
        "Josh Kerr: 1st, 3:45.34; Jakob Ingebrigtsen: 2nd, 3:45.60"
        in race.find(f"{ATOM}summary").text
    )
    assert race.find(f"{ATOM}updated").text.startswith("2024-05-25")
    quote = items[1]
    assert quote.find(f"{ATOM}author/{ATOM}name").text == "Jakob Ingebrigtsen"
    assert "Feb 2024" in quote.find(f"{ATOM}summary").text


def test_feed_is_valid_atom_and_reads_without_bozo(client, rivalry):
    """RFC 4287, 4.1.1 and 4.1.2: the elements a feed and each entry must have."""
    feed = entries(client)
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text, required
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Rivalries"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver/rivalries/kerr-vs-ingebrigtsen/feed/"
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text, required
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://")
        assert entry.find(f"{ATOM}summary").get("type") == "html"
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(set(ids)) == len(ids) == 2

    parsed = feedparser.parse(client.get("/rivalries/kerr-vs-ingebrigtsen/feed/").content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.author == "Rivalries"
    assert len({entry.title for entry in parsed.entries}) == len(parsed.entries) == 2


def test_entries_of_the_same_meet_in_two_years_have_distinct_titles(client, rivalry):
    kerr, jakob = rivalry.members.all()
    for year in (2021, 2024):
        games = MeetFactory(name="Olympic Games", start_date=datetime.date(year, 8, 7))
        race = RaceFactory(name="1500m", meet=games)
        ResultFactory(race=race, athlete=kerr, place=1)
        ResultFactory(race=race, athlete=jakob, place=2)
    titles = [entry.title for entry in feedparser.parse(entries_bytes(client)).entries]
    olympic = [title for title in titles if title.startswith("Olympic Games")]
    assert olympic == ["Olympic Games: 1500m, 7 Aug 2024", "Olympic Games: 1500m, 7 Aug 2021"]


def test_a_paraphrase_entry_is_reported_speech_and_not_authored_by_the_athlete(client, rivalry):
    kerr, jakob = (rivalry.members.get(name=name) for name in ("Josh Kerr", "Jakob Ingebrigtsen"))
    QuoteFactory(
        speaker=jakob, about=[kerr], text="He could beat Kerr blindfolded.", is_paraphrase=True,
        said_on=datetime.date(2024, 7, 1), source__publisher="Dagbladet",
    )  # fmt: skip
    entry = feedparser.parse(entries_bytes(client)).entries[0]
    assert entry.title == (
        "Paraphrase of Jakob Ingebrigtsen: He could beat Kerr blindfolded. (1 Jul 2024)"
    )
    assert entry.author == "Dagbladet"
    assert "Paraphrase: He could beat Kerr blindfolded." in entry.summary
    assert "“" not in entry.title + entry.summary


HOSTILE = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"


def test_feed_text_is_escaped_so_a_reader_shows_it_as_text(client, rivalry):
    """Issue 14: stored markup must reach a feed reader as text, never as live HTML."""
    kerr, jakob = rivalry.members.all()
    QuoteFactory(speaker=jakob, about=[kerr], text=HOSTILE, said_on=datetime.date(2024, 7, 1))
    feed = entries(client)
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    # What a reader renders as HTML: the markup arrives escaped, so it shows as text.
    assert "&lt;img src=x onerror=alert(1)&gt;" in summary.text
    assert "<img" not in summary.text
    assert "<script" not in summary.text
    parsed = feedparser.parse(entries_bytes(client), sanitize_html=False)
    assert "<img" not in parsed.entries[0].summary


def test_feed_links_use_the_site_url_not_the_host_header(client, rivalry, settings):
    settings.SITE_URL = "https://rivalries.example"
    settings.ALLOWED_HOSTS = ["*"]
    response = client.get("/rivalries/kerr-vs-ingebrigtsen/feed/", HTTP_HOST="evil.example")
    assert b"evil.example" not in response.content
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href").startswith("https://rivalries.example/")


def entries_bytes(client, slug="kerr-vs-ingebrigtsen") -> bytes:
    return client.get(f"/rivalries/{slug}/feed/").content


def test_feed_is_limited(client, rivalry, django_assert_max_num_queries):
    kerr, jakob = rivalry.members.all()
    for day in range(feeds.LIMIT + 5):
        QuoteFactory(
            speaker=kerr,
            about=[jakob],
            said_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=day),
        )
    with django_assert_max_num_queries(5):
        feed = entries(client)
    assert len(feed.findall(f"{ATOM}entry")) == feeds.LIMIT


def test_feed_of_an_unknown_or_draft_rivalry_is_404(client):
    draft = RivalryFactory(published=False)
    assert client.get(f"/rivalries/{draft.slug}/feed/").status_code == 404
    assert client.get("/rivalries/nobody/feed/").status_code == 404


def test_rivalry_pages_link_to_their_feed(client, rivalry):
    assert (
        'href="/rivalries/kerr-vs-ingebrigtsen/feed/"' in client.get("/rivalries/").content.decode()
    )
    page = client.get("/rivalries/kerr-vs-ingebrigtsen/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Kerr vs Ingebrigtsen | Rivalries"'
        ' href="http://testserver/rivalries/kerr-vs-ingebrigtsen/feed/">' in page
    )


def test_sitemap_lists_every_kind_of_page(client, rivalry):
    draft = RivalryFactory(title="Draft", published=False)
    unpublished = QuoteFactory(published=False, source=None)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ("pages", "rivalries", "athletes", "races", "quotes", "h2h")
    ]
    assert [day.text for day in index.iter(f"{SITEMAP}lastmod")][:1] == ["2024-06-01"]
    urls = set()
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert not response.cookies
        urls |= {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert "http://testserver/" in urls
    assert "http://testserver/rivalries/kerr-vs-ingebrigtsen/" in urls
    assert "http://testserver/athletes/josh-kerr/" in urls
    assert any(url.startswith("http://testserver/races/") for url in urls)
    assert any(url.startswith("http://testserver/quotes/") for url in urls)
    assert f"http://testserver/rivalries/{draft.slug}/" not in urls
    assert "http://testserver/h2h/josh-kerr/vs/jakob-ingebrigtsen/" in urls
    assert f"http://testserver/quotes/{unpublished.pk}/" not in urls


def test_sitemap_lastmod_comes_from_the_data_and_busy_pairs_are_listed(client, rivalry):
    bol, warholm = AthleteFactory(name="Femke Bol"), AthleteFactory(name="Karsten Warholm")
    BusyPair.objects.create(
        a=bol, b=warholm, meetings=9, a_ahead=5, b_ahead=4, ties=0, no_decision=0,
        counted_at=datetime.datetime(2025, 1, 2, 3, 4, tzinfo=datetime.UTC),
    )  # fmt: skip
    quote = Quote.objects.get(text="He would win 98 out of 100")
    quote.text = "He would win 98 out of 100 races"  # an edit: history records its day
    quote.save()

    def lastmods(section: str) -> dict[str, str]:
        tree = ET.fromstring(client.get(f"/sitemap-{section}.xml").content)
        return {
            url.findtext(f"{SITEMAP}loc").removeprefix("http://testserver"): url.findtext(
                f"{SITEMAP}lastmod"
            )
            for url in tree.iter(f"{SITEMAP}url")
        }

    assert lastmods("athletes")["/athletes/josh-kerr/"] == "2024-06-01"  # his newest race
    assert lastmods("rivalries")["/rivalries/kerr-vs-ingebrigtsen/"] == "2024-06-01"
    races = lastmods("races")
    assert sorted(races.values()) == ["2024-05-25", "2024-06-01"]
    assert lastmods("quotes")[f"/quotes/{quote.pk}/"] == datetime.date.today().isoformat()
    pairs = lastmods("h2h")
    assert pairs["/h2h/josh-kerr/vs/jakob-ingebrigtsen/"] == "2024-06-01"
    assert pairs[f"/h2h/{bol.slug}/vs/{warholm.slug}/"] == "2025-01-02"


def test_sitemap_and_robots_use_the_site_url_not_the_host_header(client, rivalry, settings):
    settings.SITE_URL = "https://rivalries.example"
    settings.ALLOWED_HOSTS = ["*"]
    for url in ("/sitemap.xml", "/sitemap-rivalries.xml", "/robots.txt"):
        body = client.get(url, HTTP_HOST="evil.example").content.decode()
        assert "evil.example" not in body, url
        assert "https://rivalries.example/" in body, url


def test_robots_txt_allows_all_but_the_admin_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /nb/admin/",
        "Allow: /",
        "Sitemap: http://testserver/sitemap.xml",
    ]
    assert not response.cookies


def test_favicon_ico_is_the_sites_icon_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
