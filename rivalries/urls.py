from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path

from athletes import api as athlete_api
from rivalries import api, embeds, health, share, sitemaps, views
from rivalries.feeds import RivalryFeed
from rivalries.sitemaps import SITEMAPS

# Readers' pages and the admin, in each language (DESIGN.md, "Languages and sharing"): English
# at /, Norwegian under /nb/. The machines' addresses below answer once, in no language: the
# JSON, the Atom feed, the sitemap, robots.txt, oEmbed and the health check.
readers_pages = i18n_patterns(
    path("", views.home, name="home"),
    path("rivalries/", views.rivalry_list, name="rivalries"),
    path("rivalries/<slug:slug>/", views.rivalry_detail, name="rivalry"),
    path("rivalries/<slug:slug>/card.png", share.rivalry_card, name="rivalry-card"),
    path("athletes/", views.athlete_list, name="athletes"),
    path("athletes/<slug:slug>/", views.athlete_detail, name="athlete"),
    path("h2h/<slug:slug_a>/vs/<slug:slug_b>/", views.head_to_head, name="h2h"),
    path("h2h/<slug:slug_a>/vs/<slug:slug_b>/card.png", share.head_to_head_card, name="h2h-card"),
    path("races/<int:race_id>/", views.race_detail, name="race"),
    path("quotes/<int:quote_id>/", views.quote_detail, name="quote"),
    path("quotes/<int:quote_id>/card.png", share.quote_card, name="quote-card"),
    path("search/", views.search, name="search"),
    path("embed/h2h/<slug:slug_a>/vs/<slug:slug_b>/", embeds.h2h_embed, name="embed-h2h"),
    path("embed/rivalries/<slug:slug>/", embeds.rivalry_embed, name="embed-rivalry"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
urlpatterns = [
    *readers_pages,
    path("rivalries/<slug:slug>/feed/", RivalryFeed(), name="rivalry-feed"),
    path("oembed", embeds.oembed, name="oembed"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.section,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/h2h/<slug:slug_a>/<slug:slug_b>/", athlete_api.head_to_head_api, name="api-h2h"),
    path(
        "api/v1/rivalries/<slug:slug>/timeline/",
        api.rivalry_timeline_api,
        name="api-rivalry-timeline",
    ),
]

handler404 = "rivalries.views.page_not_found"
handler500 = "rivalries.middleware.server_error"
