import pytest

from tests.factories import AthleteFactory, QuoteFactory, ResultFactory, RivalryFactory

pytestmark = pytest.mark.django_db


def test_home_shows_published_rivalries_quotes_and_races(client):
    kerr, jakob = AthleteFactory(name="Josh Kerr"), AthleteFactory(name="Jakob Ingebrigtsen")
    RivalryFactory(title="Kerr vs Ingebrigtsen", members=[kerr, jakob])
    RivalryFactory(title="Draft rivalry", published=False)
    QuoteFactory(speaker=jakob, about=[kerr], text="98 out of 100")
    QuoteFactory(speaker=kerr, text="Not yet sourced", source=None, published=False)
    ResultFactory(athlete=kerr, race__name="Bowerman Mile")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kerr vs Ingebrigtsen" in html
    assert "Josh Kerr" in html
    assert "98 out of 100" in html
    assert "Bowerman Mile" in html
    assert "Draft rivalry" not in html
    assert "Not yet sourced" not in html
    assert not response.cookies


def test_home_query_count_does_not_grow_with_data(client, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            a, b = AthleteFactory.create_batch(2)
            RivalryFactory(members=[a, b])
            QuoteFactory(speaker=a, about=[b])
            ResultFactory(athlete=a)

    add(2)
    with django_assert_max_num_queries(5):
        client.get("/")
    add(20)
    with django_assert_max_num_queries(5):
        client.get("/")
