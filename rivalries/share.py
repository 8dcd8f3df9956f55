"""The share cards' views: thin, the drawing is rivalries/cards.py.

Each answers a PNG that the page cache (rivalries/caching.py) keeps and stamps like a page:
keyed with the data version, ``Cache-Control: public``, an ``ETag`` and 304s. An id or slug
we do not know is a 404, as for the pages the cards stand for.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from athletes.api import athlete_pair
from rivalries import cards
from rivalries.models import Quote, Rivalry


def _png(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="image/png")


@require_safe
def quote_card(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = get_object_or_404(Quote.objects.published().for_display(), pk=quote_id)
    return _png(cards.quote_card(quote))


@require_safe
def head_to_head_card(request: HttpRequest, slug_a: str, slug_b: str) -> HttpResponse:
    a, b = athlete_pair(slug_a, slug_b)
    return _png(cards.head_to_head_card(a, b))


@require_safe
def rivalry_card(request: HttpRequest, slug: str) -> HttpResponse:
    rivalry = get_object_or_404(Rivalry.objects.published(), slug=slug)
    return _png(cards.rivalry_card(rivalry))
