"""The rivalry timeline as JSON: the same filters and cursor as the page.

``format=timelinejs`` answers the same page in TimelineJS's format (rivalries/timelinejs.py).
"""

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from rivalries import timeline, timelinejs
from rivalries.models import Rivalry
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
    page = timeline.page(rivalry, filters)
    next_url = timeline.next_page_url(request.path, page)
    if answer_format == "timelinejs":
        next_url = f"{next_url}&format=timelinejs" if next_url else None
        return JsonResponse(timelinejs.page_to_timelinejs(rivalry, page, next_url, public_url))
    return JsonResponse(timeline.page_to_json(rivalry, page, next_url, public_url))
