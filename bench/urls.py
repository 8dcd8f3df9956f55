"""The site's URLs plus ``/_bench/trivial/``: the cheapest response Django can give."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from rivalries.urls import handler404
from rivalries.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "urlpatterns"]


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("_bench/trivial/", trivial), *site_urlpatterns]
