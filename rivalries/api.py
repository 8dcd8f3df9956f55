"""The rivalry timeline as JSON: the same filters and cursor as the page.

``format=timelinejs`` answers in TimelineJS's format (rivalries/timelinejs.py): the whole
timeline up to its bound, where the plain JSON pages by twenty. Every ``url`` and
``race_url`` is absolute, on the site's origin (rivalries/origin.py), so a page elsewhere
that shows them links back here; ``next`` stays a path and query (DESIGN.md) in the plain
JSON and is absolute in TimelineJS's, which is read by other sites' pages.
"""

from django.db.models import Model
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from rivalries import timeline, timelinejs
from rivalries.models import Rivalry
from rivalries.origin import absolute
from rivalries.timeline import TimelineFilterError, TimelineFilters
from rivalries.views import public_url

FORMATS = ("json", "timelinejs")


@require_safe
def rivalry_timeline_api(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        rivalry = get_object_or_404(Rivalry.objects.published(), slug=slug)
    except Http404:
        return JsonResponse({"error": f"No published rivalry '{slug}'"}, status=404)
    answer_format = request.GET.get("format") or "json"
    if answer_format not in FORMATS:
        message = f"format='{answer_format}' is not a format: use json or timelinejs"
        return JsonResponse({"error": message}, status=400)
    try:
        filters = TimelineFilters.from_query(request.GET)
    except TimelineFilterError as error:
        return JsonResponse({"error": str(error)}, status=400)

    def url_for(obj: Model) -> str:
        return absolute(request, public_url(obj))

    if answer_format == "timelinejs":
        page = timeline.page(rivalry, filters, size=timelinejs.MAX_EVENTS)
        next_url = timeline.next_page_url(request.path, page)
        next_url = absolute(request, f"{next_url}&format=timelinejs") if next_url else None
        card_url = absolute(request, reverse("rivalry-card", args=[rivalry.slug]))
        document = timelinejs.page_to_timelinejs(rivalry, page, next_url, url_for, card_url)
        return JsonResponse(document)
    page = timeline.page(rivalry, filters)
    next_url = timeline.next_page_url(request.path, page)
    return JsonResponse(timeline.page_to_json(rivalry, page, next_url, url_for))
