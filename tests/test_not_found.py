"""Our 404 page, whether DEBUG is on (``make run``) or off (``make serve``): never Django's
technical page that lists every URL pattern."""

import pytest

from tests.factories import AthleteFactory

pytestmark = pytest.mark.django_db

OURS = "We have no page at this address"
TECHNICAL = "URLconf"


@pytest.fixture(params=[True, False], ids=["make run (DEBUG on)", "make serve (DEBUG off)"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page/",  # resolves to no view
        "/athletes/nobody-at-all/",  # a view raises Http404
        "/h2h/nobody/vs/no-one/",  # raised from a helper, not get_object_or_404
        "/quotes/999999/card.png",
        "/rivalries/unknown/feed/",
    ],
)
def test_a_reader_sees_our_404(client, debug, url):
    AthleteFactory(name="Josh Kerr")
    response = client.get(url)
    assert response.status_code == 404, url
    body = response.content.decode()
    assert OURS in body
    assert TECHNICAL not in body
    assert 'content="noindex"' in body


def test_a_missing_slash_is_still_redirected(client, debug):
    response = client.get("/rivalries")
    assert response.status_code == 301
    assert response["Location"] == "/rivalries/"


def test_the_api_keeps_its_json_404(client, debug):
    response = client.get("/api/v1/h2h/nobody/no-one/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()
