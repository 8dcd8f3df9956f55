"""Embeds for newsrooms: a head-to-head or a rivalry in an ``<iframe>``, and oEmbed.

``/embed/h2h/<a>/vs/<b>/`` and ``/embed/rivalries/<slug>/`` are small pages, the score, the
counting rule, the last meetings and a link back; they are the only pages any site may frame
(CSP ``frame-ancestors *``, no ``X-Frame-Options``): every other page refuses. Their links
open in a new tab (``<base target="_blank">``), since our full pages refuse a frame.

``/oembed?url=<a page of ours>&format=json`` (https://oembed.com) tells a CMS how to embed a
head-to-head or rivalry page by its URL: a ``rich`` answer whose ``html`` is the iframe. An
address that is not one of ours, or not a page that has an embed, is a 404 in JSON; a
malformed request is a 400 in JSON; neither is ever a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from athletes import headtohead
from athletes.api import athlete_pair
from athletes.headtohead import Filters, HeadToHead, Meeting
from athletes.models import Athlete
from rivalries.languages import language_of_path
from rivalries.models import Rivalry
from rivalries.origin import absolute, site_origin

LAST_MEETINGS = 5
DEFAULT_WIDTH, DEFAULT_HEIGHT = 480, 420
MIN_SIZE, MAX_SIZE = 200, 2000
FRAMEABLE = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
"""The site's policy, but any page may frame this one."""


def frameable(view):
    """Let any site put the page in an ``<iframe>``: the embeds, and nothing else."""
    return xframe_options_exempt(csp_override(FRAMEABLE)(view))


def iframe(src: str, title: str, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> str:
    """The snippet a newsroom pastes (and oEmbed's ``html``)."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy"'
        ' style="border:0;max-width:100%"></iframe>',
        src,
        title,
        width,
        height,
    )


def embed_context(request: HttpRequest, page_url_name: str, *args: str, title: str) -> dict:
    """What a full page needs for its Embed box and oEmbed discovery link."""
    page_path = reverse(page_url_name, args=args)
    embed_url = absolute(request, reverse(f"embed-{page_url_name}", args=args))
    return {
        "embed_snippet": iframe(embed_url, title),
        "oembed_url": absolute(request, reverse("oembed"))
        + "?"
        + urlencode({"url": absolute(request, page_path), "format": "json"}),
        "embed_title": title,
    }


@require_safe
@frameable
def h2h_embed(request: HttpRequest, slug_a: str, slug_b: str) -> HttpResponse:
    a, b = athlete_pair(slug_a, slug_b)
    h2h = headtohead.between(a, b)
    context = {
        "a": a,
        "b": b,
        "h2h": h2h,
        "rule": h2h.filters.describe(),
        "score": {"a": a, "b": b, "tally": h2h.overall},
        "last_meetings": h2h.meetings[:LAST_MEETINGS],
        "full_url": absolute(request, reverse("h2h", args=[a.slug, b.slug])),
    }
    return render(request, "embed/h2h.html", context)


@dataclass(frozen=True)
class PairScore:
    a: Athlete
    b: Athlete
    score: dict[str, Any]
    last_meetings: tuple[Meeting, ...]


def pair_scores(members: list[Athlete]) -> list[PairScore]:
    pairs: list[HeadToHead] = [headtohead.between(a, b) for a, b in combinations(members, 2)]
    return [
        PairScore(
            pair.a,
            pair.b,
            {"a": pair.a, "b": pair.b, "tally": pair.overall},
            pair.meetings[:LAST_MEETINGS],
        )
        for pair in pairs
    ]


@require_safe
@frameable
def rivalry_embed(request: HttpRequest, slug: str) -> HttpResponse:
    rivalry = get_object_or_404(Rivalry.objects.published(), slug=slug)
    members = list(rivalry.members.order_by("memberships__order", "memberships__id"))
    context = {
        "rivalry": rivalry,
        "pairs": pair_scores(members),
        "members_only": {"members": members},
        "rule": Filters().describe(),
        "full_url": absolute(request, rivalry.get_absolute_url()),
    }
    return render(request, "embed/rivalry.html", context)


# --- oEmbed ----------------------------------------------------------------------------------


class OEmbedError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _size(request: HttpRequest, name: str, default: int) -> int:
    value = request.GET.get(name, "")
    if not value:
        return default
    if not value.isdigit() or len(value) > 6:
        raise OEmbedError(f"{name}={value!r} is not a size in pixels", 400)
    return max(MIN_SIZE, min(default, int(value)))


def _embeddable(request: HttpRequest, url: str) -> tuple[str, list[str]]:
    """The URL name and arguments of a page of ours that has an embed (resolved in the
    language of the page's path, which the caller has made the active one)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise OEmbedError(f"url={url!r} is not a URL", 400) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OEmbedError(f"url={url!r} is not an http(s) URL", 400)
    ours = urlsplit(site_origin(request))
    if parts.netloc.lower() != ours.netloc.lower():
        raise OEmbedError(f"url={url!r} is not a page of {ours.netloc}", 404)
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        raise OEmbedError(f"url={url!r} is no page of ours", 404) from None
    name = match.url_name.removeprefix("embed-") if match.url_name else ""
    if name not in ("h2h", "rivalry"):
        raise OEmbedError(f"url={url!r} has no embed: give a head-to-head or rivalry page", 404)
    return name, [str(value) for value in match.kwargs.values()]


def _title(name: str, args: list[str]) -> tuple[str, str]:
    """The embedded page's title and its embed's path; Http404 when it does not exist."""
    if name == "h2h":
        a, b = athlete_pair(*args)
        title = gettext("{a} vs {b}: head-to-head").format(a=a.name, b=b.name)
        return title, reverse("embed-h2h", args=args)
    rivalry = get_object_or_404(Rivalry.objects.published(), slug=args[0])
    return rivalry.title, reverse("embed-rivalry", args=args)


def _path_of(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


@require_safe
def oembed(request: HttpRequest) -> JsonResponse:
    try:
        url = request.GET.get("url", "")
        if not url:
            raise OEmbedError("Give url=, the address of a head-to-head or rivalry page", 400)
        answer_format = request.GET.get("format") or "json"
        if answer_format != "json":
            raise OEmbedError(f"format={answer_format!r} is not served: use json", 400)
        width = _size(request, "maxwidth", DEFAULT_WIDTH)
        height = _size(request, "maxheight", DEFAULT_HEIGHT)
        # A page under /nb/ has its embed under /nb/, titled in Norwegian.
        with translation.override(language_of_path(_path_of(url))):
            name, args = _embeddable(request, url)
            try:
                title, embed_path = _title(name, args)
            except Http404:
                raise OEmbedError(f"url={url!r} is no page of ours", 404) from None
    except OEmbedError as error:
        return JsonResponse({"error": str(error)}, status=error.status)
    origin = site_origin(request)
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": "Rivalries",
            "provider_url": origin + "/",
            "html": iframe(origin + embed_path, title, width, height),
            "width": width,
            "height": height,
        }
    )
