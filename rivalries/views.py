import functools
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from athletes import headtohead, meetings, profile, provenance
from athletes.api import athlete_pair
from athletes.charts import career_progressions, gap_chart, season_chart
from athletes.headtohead import FilterError, Filters
from athletes.links import outbound
from athletes.models import Athlete, Event, Race, ResultStatus
from athletes.search import clean_query, find_athletes
from rivalries import lists, timeline
from rivalries import search as site_search
from rivalries.corrections import corrections
from rivalries.embeds import embed_context
from rivalries.models import Quote, Rivalry, Timing
from rivalries.origin import absolute
from rivalries.timeline import TimelineFilterError, TimelineFilters


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware."""

    htmx: HtmxDetails


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 that says what was wrong with the query string, never a 500."""
    return render(request, "400.html", {"message": message}, status=400)


RESULTS_PER_PAGE = 50


@require_safe
@vary_on_headers("HX-Request")
def athlete_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    athlete = get_object_or_404(Athlete.objects.prefetch_related("aliases"), slug=slug)
    # The head-to-head picker: "?vs=<any spelling>" goes to the pair's page when one fits.
    vs = clean_query(request.GET.get("vs"))
    candidates = [hit for hit in find_athletes(vs, limit=8) if hit.athlete.pk != athlete.pk]
    if len(candidates) == 1:
        return redirect("h2h", athlete.slug, candidates[0].athlete.slug)
    try:
        filters = profile.ResultFilters.from_query(request.GET)
    except FilterError as error:
        return bad_request(request, str(error))
    career = profile.Career.of(athlete)
    results = Paginator(career.results(filters), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "athlete": athlete,
        "results": results,
        "filters": filters,
        "filter_query": urlencode(filters.as_query()),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "athletes/detail.html#results", context)
    quotes = Quote.objects.published().for_display()
    context |= {
        "years": career.years(),
        "events": career.events(),
        "bests": career.personal_bests(),
        "progressions": career_progressions(career),
        "opponents": meetings.opponents(athlete),
        "vs": vs,
        "candidates": candidates,
        "rivalries": Rivalry.objects.published().involving(athlete),
        "quotes_by": quotes.by(athlete).order_by("-said_on", "-id")[:20],
        "quotes_about": quotes.about(athlete).order_by("-said_on", "-id")[:20],
    }
    return render(request, "athletes/detail.html", context)


ATHLETES_PER_PAGE = 60


@require_safe
def athlete_list(request: HttpRequest) -> HttpResponse:
    index = profile.AthleteIndex.from_query(request.GET)
    countries = profile.countries_in_record()
    page = Paginator(index.athletes(), ATHLETES_PER_PAGE).get_page(request.GET.get("page"))

    def query(**changes) -> str:
        encoded = urlencode(index.as_query(**changes))
        return f"?{encoded}" if encoded else request.path

    context = {
        "index": index,
        "page": page,
        "page_query": urlencode(index.as_query()),
        "letters": [
            (letter, query(letter=letter), found, letter == index.letter)
            for letter, found in index.letters()
        ],
        "all_letters": query(letter=None),
        "countries": countries,
        "country_name": next((name for _, iso, name in countries if iso == index.country), ""),
    }
    return render(request, "athletes/list.html", context)


@require_safe
@vary_on_headers("HX-Request")
def race_detail(request: HtmxHttpRequest, race_id: int) -> HttpResponse:
    race = get_object_or_404(Race.objects.select_related("meet", "event"), pk=race_id)
    results = list(race.results.select_related("athlete").in_finishing_order())
    citations = provenance.cite(
        outbound(race.source_url), [outbound(result.source_url) for result in results]
    )
    context = {
        "race": race,
        "results": zip(results, citations.numbers, strict=True),
        "sources": citations.sources,
        "race_source_number": 1 if race.source_url else None,
    }
    if request.htmx:
        return render(request, "races/detail.html#results", context)
    quotes = list(
        Quote.objects.published().for_display().filter(race=race).order_by("said_on", "id")
    )
    context |= {
        "quotes_before": [quote for quote in quotes if quote.timing == Timing.BEFORE],
        "quotes_after": [quote for quote in quotes if quote.timing == Timing.AFTER],
    }
    return render(request, "races/detail.html", context)


@require_safe
def head_to_head(request: HttpRequest, slug_a: str, slug_b: str) -> HttpResponse:
    a, b = athlete_pair(slug_a, slug_b)
    try:
        filters = Filters.from_query(request.GET)
    except FilterError as error:
        return bad_request(request, str(error))
    h2h = headtohead.between(a, b, filters)
    shared_races = Race.objects.official().filter(results__athlete=a).filter(results__athlete=b)
    events = list(Event.objects.filter(races__in=shared_races).distinct())
    years = [day.year for day in shared_races.dates("date", "year")]
    upcoming = (
        Race.objects.filter(status=Race.Status.SCHEDULED)
        .filter(results__athlete=a, results__status=ResultStatus.ENTERED)
        .filter(results__athlete=b, results__status=ResultStatus.ENTERED)
        .select_related("meet", "event")
        .order_by("date", "pk")
    )
    event_name = next((event.name for event in events if event.slug == filters.event), None)

    def query(**changes) -> str:
        encoded = urlencode(replace(filters, **changes).as_query())
        return f"?{encoded}" if encoded else ""

    def link(**changes) -> str:
        return request.path + query(**changes)

    switches = {
        "rounds": [(_("All rounds"), link(rounds="all"), filters.rounds == "all"),
                   (_("Finals only"), link(rounds="finals"), filters.rounds == "finals")],
        "events": [(_("All events"), link(event=None), filters.event is None)]
        + [(event.name, link(event=event.slug), filters.event == event.slug) for event in events],
        "venues": [(_("Indoor and outdoor"), link(indoor=None), filters.indoor is None),
                   (_("Outdoor"), link(indoor=False), filters.indoor is False),
                   (_("Indoor"), link(indoor=True), filters.indoor is True)],
    }  # fmt: skip
    context = {
        "a": a,
        "b": b,
        "h2h": h2h,
        "rule": filters.describe(event_name),
        "switches": switches,
        "chart": gap_chart([(a, b, h2h.meetings)]),
        "seasons": season_chart(h2h),
        "score": {"a": a, "b": b, "tally": h2h.overall},
        "years": years,
        "kept": {k: v for k, v in filters.as_query().items() if k not in ("from", "to")},
        "upcoming": list(upcoming),
        "quotes": Quote.objects.published().for_display().between(a, b).order_by("-said_on", "-id"),
        "json_url": reverse("api-h2h", args=[a.slug, b.slug]) + query(),
        "canonical_path": headtohead_path(a, b),
        **embed_context(
            request, "h2h", a.slug, b.slug, title=_("{a} vs {b}").format(a=a.name, b=b.name)
        ),
    }
    return render(request, "athletes/h2h.html", context)


def headtohead_path(a: Athlete, b: Athlete) -> str:
    """The one URL of a pair's page, whichever side a link put first: the lower id first, as
    ``BusyPair`` keeps pairs (the sitemap lists the same)."""
    first, second = sorted((a, b), key=lambda athlete: athlete.pk)
    return reverse("h2h", args=[first.slug, second.slug])


def public_url(obj: models.Model) -> str:
    """The page an item links to; moments have none of their own."""
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""


HOME_RIVALRIES = 6


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    rivalries = lists.with_scores(lists.with_members(lists.newest_first())[: HOME_RIVALRIES + 1])
    quotes = Quote.objects.published().select_related("speaker", "source")
    context = {
        "featured": rivalries[0] if rivalries else None,
        "rivalries": rivalries[1:],
        "quotes": quotes.order_by("-said_on", "-id")[:5],
        "races": Race.objects.official()
        .select_related("meet", "event")
        .order_by("-date", "-id")[:8],
    }
    return render(request, "home.html", context)


RIVALRIES_PER_PAGE = 20


@require_safe
def rivalry_list(request: HttpRequest) -> HttpResponse:
    rivalries = lists.with_members(Rivalry.objects.published().order_by("title", "pk"))
    page = Paginator(rivalries, RIVALRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rivalries": lists.with_scores(page.object_list),
        "in_the_data": lists.in_the_data(),
    }
    return render(request, "rivalries/list.html", context)


@require_safe
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    results = site_search.search(request.GET.get("q"))
    context = {"results": results, "search_query": results.query}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "search.html#results", context)
    return render(request, "search.html", context)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /nb/admin/",
        "Allow: /",
        f"Sitemap: {absolute(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever a page links to (a text file or a
    feed links to nothing): the icon itself, rather than a 404 page that searches athletes."""
    return HttpResponse(_favicon_svg(), content_type="image/svg+xml")


@functools.cache
def _favicon_svg() -> bytes:
    return Path(finders.find("img/favicon.svg")).read_bytes()


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that helps: athletes the address may have meant, and rivalries to start from."""
    words = request.path.strip("/").rsplit("/", 1)[-1].replace("-", " ")
    context = {
        "guesses": find_athletes(words, limit=5) if not words.isdigit() else [],
        "suggestions": list(lists.newest_first()[:5]),
    }
    return render(request, "404.html", context, status=404)


@require_safe
@vary_on_headers("HX-Request")
def rivalry_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    rivalry = get_object_or_404(Rivalry.objects.published(), slug=slug)
    try:
        filters = TimelineFilters.from_query(request.GET)
    except TimelineFilterError as error:
        return bad_request(request, str(error))
    page = timeline.page(rivalry, filters)
    context = {
        "rivalry": rivalry,
        "page": page,
        "filters": filters,
        "next_url": timeline.next_page_url(request.path, page),
        "tally_rule": running_tally_rule(page, filters),
    }
    if request.htmx and not request.htmx.history_restore_request:
        fragment = "items" if filters.cursor else "timeline"
        return render(request, f"rivalries/detail.html#{fragment}", context)
    members = page.members
    pairs = [
        headtohead.summary(a, b, headtohead.Filters(), page.pairs[a, b])
        if (a, b) in page.pairs
        else headtohead.between(a, b)
        for a, b in combinations(members, 2)
    ]
    events = {m.event_slug: m.event_name for pair in pairs for m in pair.meetings}
    years = {m.date.year for pair in pairs for m in pair.meetings}
    years |= {
        day.year
        for day in Quote.objects.published().filter(speaker__in=members).dates("said_on", "year")
    }
    context |= {
        "pairs": pairs,
        "rule": headtohead.Filters().describe(),
        "chart": gap_chart([(pair.a, pair.b, pair.meetings) for pair in pairs]),
        "seasons": season_chart(pairs[0]) if len(pairs) == 1 else None,
        "score": {"a": pairs[0].a, "b": pairs[0].b, "tally": pairs[0].overall} if pairs else None,
        "a": members[0] if members else None,
        "b": members[1] if len(members) > 1 else None,
        "members_score": {"members": members},
        "events": sorted(events.items(), key=lambda item: item[1]),
        "years": sorted(years),
        "kind_choices": [("race", _("Races")), ("quote", _("Quotes")), ("moment", _("Moments"))],
        "chosen_kinds": () if filters.kinds == timeline.KINDS else filters.kinds,
        **embed_context(request, "rivalry", rivalry.slug, title=rivalry.title),
    }
    return render(request, "rivalries/detail.html", context)


def running_tally_rule(page: timeline.TimelinePage, filters: TimelineFilters) -> str:
    """What the timeline's running tally counts: every meeting, or the chosen event's only."""
    event_name = next(
        (
            meeting.event_name
            for found in page.pairs.values()
            for meeting in found
            if meeting.event_slug == filters.event
        ),
        None,
    )
    return headtohead.Filters(event=filters.event).describe(event_name)


@require_safe
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    quotes = Quote.objects.published().for_display().select_related("race__meet", "race__event")
    quote = get_object_or_404(quotes, pk=quote_id)
    context = {"quote": quote, "corrections": corrections(quote)}
    return render(request, "quotes/detail.html", context)
