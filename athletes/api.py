"""The head-to-head as JSON, in the shape DESIGN.md gives (``/api/v1/h2h/<a>/<b>/``).

Every ``race_url`` is absolute, on the site's origin (rivalries/origin.py).
"""

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from athletes import headtohead
from athletes.headtohead import FilterError, Filters, HeadToHead, Meeting, Side, Tally
from athletes.links import race_path
from athletes.models import Athlete
from rivalries.origin import absolute


def athlete_json(athlete: Athlete) -> dict[str, str]:
    return {"slug": athlete.slug, "name": athlete.name, "country": athlete.country_code}


def tally_json(tally: Tally) -> dict[str, int]:
    return {
        "meetings": tally.meetings,
        "a_ahead": tally.a_ahead,
        "b_ahead": tally.b_ahead,
        "ties": tally.ties,
        "no_decision": tally.no_decision,
    }


def side_json(side: Side) -> dict[str, Any]:
    return {
        "place": side.place,
        "time": side.time or None,
        "status": side.status,
        "flags": list(side.flags),
    }


def meeting_json(meeting: Meeting, race_url: Callable[[int], str]) -> dict[str, Any]:
    return {
        "date": meeting.date.isoformat(),
        "meet": meeting.meet_name,
        "race": meeting.race_name,
        "event": meeting.event_name,
        "round": meeting.round_label,
        "indoor": meeting.indoor,
        "race_url": race_url(meeting.race_id),
        "a": side_json(meeting.a),
        "b": side_json(meeting.b),
        "ahead": meeting.ahead,
        "gap_s": meeting.gap_ms / 1000 if meeting.gap_ms is not None else None,
    }


def head_to_head_json(h2h: HeadToHead, race_url: Callable[[int], str]) -> dict[str, Any]:
    """Every number of the page, under the counting rule the query string chose."""
    return {
        "a": athlete_json(h2h.a),
        "b": athlete_json(h2h.b),
        "rule": h2h.filters.describe(),
        **tally_json(h2h.overall),
        "races": [meeting_json(meeting, race_url) for meeting in h2h.meetings],
        "by_event": {name: tally_json(tally) for name, tally in h2h.by_event.items()},
        "by_year": {str(year): tally_json(tally) for year, tally in h2h.by_year.items()},
        "by_level": {level: tally_json(tally) for level, tally in h2h.by_level.items()},
        "by_venue": {venue: tally_json(tally) for venue, tally in h2h.by_venue.items()},
        "finals": tally_json(h2h.finals),
        "streak": ({"who": h2h.streak.who, "length": h2h.streak.length} if h2h.streak else None),
        "last_meeting": (meeting_json(h2h.last_meeting, race_url) if h2h.last_meeting else None),
        "largest_margin": (
            meeting_json(h2h.largest_margin, race_url) if h2h.largest_margin else None
        ),
    }


def athlete_pair(slug_a: str, slug_b: str) -> tuple[Athlete, Athlete]:
    athletes = {
        athlete.slug: athlete for athlete in Athlete.objects.filter(slug__in=[slug_a, slug_b])
    }
    if slug_a == slug_b or slug_a not in athletes or slug_b not in athletes:
        raise Http404("A head-to-head needs two different athletes that we know")
    return athletes[slug_a], athletes[slug_b]


@require_safe
def head_to_head_api(request: HttpRequest, slug_a: str, slug_b: str) -> JsonResponse:
    try:
        a, b = athlete_pair(slug_a, slug_b)
    except Http404 as error:
        return JsonResponse({"error": str(error)}, status=404)
    try:
        filters = Filters.from_query(request.GET)
    except FilterError as error:
        return JsonResponse({"error": str(error)}, status=400)

    def race_url(race_id: int) -> str:
        return absolute(request, race_path(race_id))

    return JsonResponse(head_to_head_json(headtohead.between(a, b, filters), race_url))
