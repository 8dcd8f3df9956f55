"""gunicorn's master warms the site before it forks its workers (gunicorn.conf.py)."""

import pytest

from rivalries import warmup


@pytest.mark.django_db
def test_warm_up_compiles_every_template_and_touches_no_database(django_assert_num_queries):
    names = warmup.site_templates()
    assert {"base.html", "rivalries/detail.html", "partials/quote.html"} <= set(names)
    with django_assert_num_queries(0):
        warmup.warm()
