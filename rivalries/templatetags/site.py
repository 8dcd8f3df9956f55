"""``{% load site %}``: what base.html needs to describe every page to other tools.

``{% capture %}`` renders its content (a ``{% block %}`` a child template fills) once into a
variable, so the page's title and description are written once by each template and used for
``<title>``, the meta description and OpenGraph alike. ``{% canonical_url %}`` is the page's
one URL: the site's origin (rivalries/origin.py), the path, and only the query parameters
that choose content rather than filter it.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django import template
from django.template.base import Parser, Token
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from rivalries import cards, languages, statements
from rivalries.languages import ENGLISH, Alternate, alternates, path_in
from rivalries.origin import absolute

register = template.Library()

CANONICAL_PARAMETERS = ("q", "page")
"""A search's words and a list's page are content; every other parameter only filters."""


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        # Rendered by the template engine, so already escaped where it had to be.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """``{% capture name %}…{% endcapture %}``."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("capture takes one name: {% capture title %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


def _canonical_path(context: template.Context) -> tuple[str, str]:
    """The page's one path and query. A view may name the path as ``canonical_path`` (a
    head-to-head seen from either side is one page)."""
    request = context["request"]
    if context.get("canonical_path"):
        return context["canonical_path"], ""
    kept = [
        (name, value)
        for name in CANONICAL_PARAMETERS
        for value in request.GET.getlist(name)[:1]
        if value and not (name == "page" and value == "1")
    ]
    return request.path, f"?{urlencode(kept)}" if kept else ""


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    path, query = _canonical_path(context)
    return absolute(request, path + query)


@register.simple_tag(takes_context=True)
def hreflang_links(context: template.Context) -> str:
    """``<link rel="alternate" hreflang>`` for the page in every language, itself included,
    and ``x-default`` (the English page), as absolute URLs (search engines want them so)."""
    request = context.get("request")
    if request is None:
        return ""
    path, query = _canonical_path(context)
    pages = [(item.code, absolute(request, item.path + query)) for item in alternates(path)]
    pages.append(("x-default", absolute(request, path_in(path, ENGLISH) + query)))
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', pages)


@register.simple_tag(takes_context=True)
def language_switch(context: template.Context) -> list[Alternate]:
    """The page in each language, for the footer's switcher: the same path and query."""
    request = context.get("request")
    if request is None:
        return []
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    return [replace(item, path=item.path + suffix) for item in alternates(request.path)]


@register.filter
def language_name(code: str) -> str:
    """``{{ quote.language|language_name }}``: "Norwegian" (or "norsk"), not "no"."""
    return languages.language_name(code)


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    """A path of ours as a full URL on the site's origin."""
    request = context.get("request")
    return absolute(request, path) if request is not None else path


CARD_PAGES = {"quote": "quote-card", "h2h": "h2h-card", "rivalry": "rivalry-card"}
"""The pages with a share card (rivalries/cards.py), by URL name, and their card's URL name."""


@register.simple_tag(takes_context=True)
def share_card(context: template.Context) -> dict[str, str] | None:
    """``{% share_card as card %}``: the page's card as ``url`` (absolute) and ``alt``, or None.

    A head-to-head names the card of its one canonical order, so every link to the pair
    shares one image (and one cached copy of it).
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in CARD_PAGES:
        return None
    name = CARD_PAGES[match.url_name]
    if match.url_name == "quote" and context.get("quote") is not None:
        quote = context["quote"]
        path = reverse(name, args=[quote.pk])
        alt = cards.alt_text("quote", headline=statements.headline(quote, 120))
    elif match.url_name == "h2h" and context.get("a") is not None:
        a, b = context["a"], context["b"]
        first, second = sorted((a, b), key=lambda athlete: athlete.pk)
        path = reverse(name, args=[first.slug, second.slug])
        alt = cards.alt_text("h2h", a=a.name, b=b.name)
    elif match.url_name == "rivalry" and context.get("rivalry") is not None:
        path = reverse(name, args=[context["rivalry"].slug])
        alt = cards.alt_text("rivalry", title=context["rivalry"].title)
    else:
        return None
    return {"url": absolute(request, path), "alt": alt}
