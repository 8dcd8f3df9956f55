"""The story's side of the editors' desk: rivalries, quotes, sources, moments, and the import page.

Dates known to a day, a month or a year are typed as any day of the interval ("2025-06-14")
or as the month ("2025-06") or the year ("2025") itself, plus a precision; the form stores the
interval's first day, and a preview beside the field shows the date the way readers will see
it ("Nov 2023"), updated as the editor types (static/js/admin/).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from athletes.admin_views import paste_results_view
from athletes.versioning import VersionedAdminMixin, VersionedModelForm
from rivalries.admin_articles import article_quotes_view
from rivalries.admin_views import import_csv_view
from rivalries.date_fields import check_precision, precise_date_field
from rivalries.dates import display, first_day
from rivalries.models import Article, Moment, Quote, Rivalry, RivalryMember, Source

PRECISE_DATE_JS = "js/admin/precise_date.js"
NAMED_IN_A_MESSAGE = 10


class PreciseDateForm(VersionedModelForm):
    """Stores each precise date as the first day of its interval ("any day in Nov" -> 1 Nov)."""

    precise_dates: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.precise_dates:  # "2025-06" and "2025" are dates here too
            self.fields[name] = precise_date_field(self.fields[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.precise_dates:
            check_precision(self, name)
            day, precision = data.get(name), data.get(f"{name}_precision")
            if day is not None and precision:
                data[name] = first_day(day, precision)
        return data


def date_preview(field: str, description: str = "Readers see"):
    """A read-only admin field showing ``field`` at its precision, as the public pages do."""

    @admin.display(description=description)
    def preview(self, obj: Model | None) -> str:
        day = getattr(obj, field, None) if obj is not None else None
        text = display(day, getattr(obj, f"{field}_precision")) if day else "—"
        return format_html('<span data-precise-date="{}">{}</span>', field, text)

    return preview


def year_filter(field: str) -> type[admin.SimpleListFilter]:
    """Filter by the year of ``field``, listing only the years that have rows."""

    class YearFilter(admin.SimpleListFilter):
        title = "year"
        parameter_name = "year"

        def lookups(self, request, model_admin):
            days = model_admin.get_queryset(request).dates(field, "year", order="DESC")
            return [(str(day.year), str(day.year)) for day in days]

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            if not value.isdigit():
                return queryset.none()
            return queryset.filter(**{f"{field}__year": int(value)})

    return YearFilter


class TargetFilter(admin.RelatedOnlyFieldListFilter):
    """The athletes a quote is about: only those some quote names."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = "target (about)"


def _names(rows: list[Model]) -> str:
    shown = "; ".join(f"“{row}”" for row in rows[:NAMED_IN_A_MESSAGE])
    more = len(rows) - NAMED_IN_A_MESSAGE
    return shown + (f"; and {more} more" if more > 0 else "")


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Publish what has a source; name, and leave unpublished, what has none."""
    noun = modeladmin.model._meta.verbose_name
    unsourced = list(queryset.filter(source__isnull=True))
    published = 0
    for row in queryset.filter(source__isnull=False, published=False):
        row.published = True
        row._change_reason = "published"
        row.save(update_fields=["published"])
        published += 1
    if published:
        modeladmin.message_user(request, f"Published {published} {noun}(s).", messages.SUCCESS)
    if unsourced:
        modeladmin.message_user(
            request,
            f"Not published, as they have no source yet: {_names(unsourced)}."
            f" Give each {noun} a source, then publish it.",
            messages.ERROR,
        )
    elif not published:
        modeladmin.message_user(request, f"Every selected {noun} was already published.")


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    noun = modeladmin.model._meta.verbose_name
    unpublished = 0
    for row in queryset.filter(published=True):
        row.published = False
        row._change_reason = "unpublished"
        row.save(update_fields=["published"])
        unpublished += 1
    modeladmin.message_user(request, f"Unpublished {unpublished} {noun}(s).", messages.SUCCESS)


class MemberInline(VersionedAdminMixin, admin.TabularInline):
    model = RivalryMember
    form = VersionedModelForm
    extra = 2
    autocomplete_fields = ["athlete"]


class RivalryForm(PreciseDateForm):
    precise_dates = ("began_on",)


@admin.register(Rivalry)
class RivalryAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = RivalryForm
    list_display = ["title", "published", "began"]
    list_filter = ["published"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MemberInline]
    readonly_fields = ["began_preview"]
    radio_fields = {"began_on_precision": admin.HORIZONTAL}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary"]}),
        ("Began", {"fields": [("began_on", "began_on_precision"), "began_preview"]}),
        ("Publishing", {"fields": ["published"]}),
    ]
    began_preview = date_preview("began_on")

    class Media:
        js = [PRECISE_DATE_JS]

    @admin.display(description="began", ordering="began_on")
    def began(self, rivalry: Rivalry) -> str:
        return rivalry.began.display() if rivalry.began else ""


@admin.register(Source)
class SourceAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = VersionedModelForm
    list_display = ["publisher", "title", "medium", "published_on", "link", "archive"]
    list_filter = ["medium", "publisher"]
    search_fields = ["publisher", "title", "url"]
    fieldsets = [
        (None, {"fields": ["publisher", "title", "medium", "published_on"]}),
        ("Where to read it", {"fields": ["url", "archive_url"]}),
    ]
    radio_fields = {"medium": admin.HORIZONTAL}

    @admin.display(description="link")
    def link(self, source: Source) -> str:
        return (
            format_html('<a href="{}" rel="noreferrer">open</a>', source.url) if source.url else ""
        )

    @admin.display(description="archived")
    def archive(self, source: Source) -> str:
        if not source.archive_url:
            return ""
        return format_html('<a href="{}" rel="noreferrer">archive</a>', source.archive_url)


class QuoteForm(PreciseDateForm):
    precise_dates = ("said_on",)

    class Meta:
        model = Quote
        fields = [
            "speaker",
            "speaker_name",
            "about",
            "text",
            "language",
            "is_paraphrase",
            "translation",
            "said_on",
            "said_on_precision",
            "occasion",
            "race",
            "timing",
            "source",
            "published",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "translation": forms.Textarea(attrs={"rows": 3}),
        }


@admin.register(Quote)
class QuoteAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = QuoteForm
    list_display = ["short_text", "speaker_label", "said", "source", "is_paraphrase", "published"]
    list_filter = [
        "published",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("about", TargetFilter),
        year_filter("said_on"),
        "said_on_precision",
        "is_paraphrase",
        "language",
        ("article", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "translation", "speaker__search_name", "speaker_name", "occasion"]
    autocomplete_fields = ["speaker", "about", "source", "race"]
    list_select_related = ["speaker", "source"]
    readonly_fields = ["said_preview", "article"]
    radio_fields = {"said_on_precision": admin.HORIZONTAL, "timing": admin.HORIZONTAL}
    actions = [publish, unpublish]
    fieldsets = [
        ("Who", {"fields": ["speaker", "speaker_name", "about"]}),
        ("What", {"fields": ["text", ("language", "is_paraphrase"), "translation"]}),
        (
            "When",
            {"fields": [("said_on", "said_on_precision"), "said_preview", "occasion"]},
        ),
        (
            "Race",
            {
                "fields": ["race", "timing"],
                "description": "Said at the press conference before a race, or in the mixed"
                " zone after it.",
            },
        ),
        ("Source and publishing", {"fields": ["source", "article", "published"]}),
    ]
    said_preview = date_preview("said_on")

    class Media:
        js = [PRECISE_DATE_JS]

    @admin.display(description="quote", ordering="text")
    def short_text(self, quote: Quote) -> str:
        return quote.text if len(quote.text) <= 80 else f"{quote.text[:77]}..."

    @admin.display(description="speaker", ordering="speaker__sort_name")
    def speaker_label(self, quote: Quote) -> str:
        return quote.speaker_label

    @admin.display(description="said", ordering="said_on")
    def said(self, quote: Quote) -> str:
        return quote.said.display()


class MomentForm(PreciseDateForm):
    precise_dates = ("happened_on",)


@admin.register(Moment)
class MomentAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = MomentForm
    list_display = ["title", "happened", "source", "published"]
    list_filter = [
        "published",
        ("athletes", admin.RelatedOnlyFieldListFilter),
        year_filter("happened_on"),
    ]
    search_fields = ["title", "description"]
    autocomplete_fields = ["athletes", "source"]
    list_select_related = ["source"]
    readonly_fields = ["happened_preview"]
    radio_fields = {"happened_on_precision": admin.HORIZONTAL}
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["title", "description", "athletes"]}),
        ("When", {"fields": [("happened_on", "happened_on_precision"), "happened_preview"]}),
        ("Source and publishing", {"fields": ["source", "published"]}),
    ]
    happened_preview = date_preview("happened_on")

    class Media:
        js = [PRECISE_DATE_JS]

    @admin.display(description="happened", ordering="happened_on")
    def happened(self, moment: Moment) -> str:
        return moment.happened.display()


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Articles brought in for their quotes; they are made on the "Quotes from an article" page."""

    list_display = ["__str__", "published_on", "language", "quote_count", "link"]
    search_fields = ["publisher", "url", "text"]
    readonly_fields = ["source", "added_at"]
    fields = ["url", "publisher", "published_on", "language", "source", "added_at", "text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(quote_total=Count("quotes"))

    @admin.display(description="quotes", ordering="quote_total")
    def quote_count(self, article: Article) -> str:
        changelist = reverse("admin:rivalries_quote_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}">{}</a>', changelist, article.pk, article.quote_total
        )

    @admin.display(description="link")
    def link(self, article: Article) -> str:
        if not article.url:
            return ""
        return format_html('<a href="{}" rel="noreferrer">open</a>', article.url)


def _with_import_page(site_urls):
    """The admin site's URLs, with the CSV import page at /admin/import/ and the "Paste
    results" page at /admin/paste/ in front.

    Added to the default site's own ``get_urls`` so the page lives under the admin's login,
    namespace ("admin:import") and look, without a URLconf entry of its own.
    """

    def get_urls():
        pages = [
            path("import/", admin.site.admin_view(import_csv_view), name="import"),
            path("paste/", admin.site.admin_view(paste_results_view), name="paste"),
            path("article/", admin.site.admin_view(article_quotes_view), name="article_quotes"),
        ]
        return [*pages, *site_urls()]

    get_urls.with_import_page = True
    return get_urls


if not getattr(admin.site.get_urls, "with_import_page", False):
    admin.site.get_urls = _with_import_page(admin.site.get_urls)
