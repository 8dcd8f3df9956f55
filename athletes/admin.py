"""The record's side of the editors' desk: athletes (with the merge), meets, races, results."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin

from athletes.forms import RaceForm, ResultForm, ResultInlineFormSet
from athletes.merging import MergeRefused, merge_athletes, plan_merge
from athletes.models import Athlete, AthleteAlias, Event, Meet, Race, Result
from athletes.text import fold
from athletes.versioning import VersionedAdminMixin, VersionedModelForm, stale_message

EMPTY_RESULT_ROWS = 3
"""Few: Enter on the last row adds one, and every empty row stands between the editor and Save."""


def is_autocomplete(request: HttpRequest) -> bool:
    """An autocomplete lookup (typed once per result row) needs names, not result counts."""
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


class AliasInline(VersionedAdminMixin, admin.TabularInline):
    model = AthleteAlias
    form = VersionedModelForm
    extra = 1
    fields = ["name", "kind"]


def stale_athletes(request: HttpRequest, athletes: list[Athlete]) -> list[tuple[Athlete, int]]:
    """The athletes saved since the merge page showed them, with the version it showed.

    A merge confirmed from a page that showed older data would carry out a plan nobody saw.
    """
    stale = []
    for athlete in athletes:
        shown = request.POST.get(f"version-{athlete.pk}", "")
        opened = int(shown) if shown.isdigit() else 0
        if opened != athlete.version:
            stale.append((athlete, opened))
    return stale


@admin.register(Athlete)
class AthleteAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = VersionedModelForm
    list_display = ["name", "country", "sex", "birth_date", "result_count", "alias_names"]
    list_filter = ["sex", ("country", CountryFilter)]
    search_fields = ["search_name", "aliases__search_name", "name"]
    # Said again because the result count's GROUP BY drops the model's default ordering.
    ordering = ["sort_name", "name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]
    actions = ["merge_selected"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "sort_name", ("country", "sex"), "birth_date"]}),
        ("Identity", {"fields": ["world_athletics_id", "bio", ("photo_url", "photo_credit")]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Athlete]:
        queryset = super().get_queryset(request)
        if is_autocomplete(request):
            return queryset
        return queryset.annotate(result_count=Count("results", distinct=True)).prefetch_related(
            "aliases"
        )

    def get_search_results(self, request, queryset, search_term):
        """Search folds accents and case the way names are stored for matching."""
        return super().get_search_results(request, queryset, fold(search_term))

    @admin.display(description="results", ordering="result_count")
    def result_count(self, athlete: Athlete) -> int:
        return athlete.result_count

    @admin.display(description="aliases")
    def alias_names(self, athlete: Athlete) -> str:
        return ", ".join(alias.name for alias in athlete.aliases.all())

    @admin.action(description="Merge selected athletes into one…", permissions=["change", "delete"])
    def merge_selected(
        self, request: HttpRequest, queryset: QuerySet[Athlete]
    ) -> HttpResponse | None:
        """Show what the merge would do; do it only when the editor confirms that page."""
        athletes = list(queryset.order_by("-result_count", "pk"))
        if len(athletes) < 2:
            self.message_user(
                request,
                "Select two or more athletes: the duplicates and the one to keep.",
                messages.WARNING,
            )
            return None
        by_pk = {str(athlete.pk): athlete for athlete in athletes}
        keep = by_pk.get(request.POST.get("keep", ""), athletes[0])
        duplicates = [athlete for athlete in athletes if athlete.pk != keep.pk]
        # Carry out only what the page showed: a different choice of "keep" is shown first.
        confirmed = request.POST.get("post") == "yes" and request.POST.get("previewed_keep") == str(
            keep.pk
        )
        stale = stale_athletes(request, athletes) if confirmed else []
        for athlete, opened in stale:
            self.message_user(
                request, stale_message(athlete, opened, athlete.version), messages.ERROR
            )
        if confirmed and not stale:
            try:
                with transaction.atomic():
                    done = [merge_athletes(keep, duplicate) for duplicate in duplicates]
            except MergeRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                names = ", ".join(f"'{plan.duplicate.name}'" for plan in done)
                self.message_user(
                    request,
                    f"Merged {names} into '{keep.name}'; their names are now aliases.",
                    messages.SUCCESS,
                )
                return None
        plans = [plan_merge(keep, duplicate) for duplicate in duplicates]
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge athletes",
            "opts": self.model._meta,
            "athletes": athletes,
            "keep": keep,
            "plans": plans,
            "allowed": all(plan.allowed for plan in plans),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/athletes/athlete/merge_confirmation.html", context)


@admin.register(Event)
class EventAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Events keep no field history of their own; Django's action log shows their changes."""

    form = VersionedModelForm

    list_display = ["name", "distance_m"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Meet)
class MeetAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = VersionedModelForm
    list_display = ["name", "start_date", "level", "city", "country", "indoor"]
    list_filter = ["level", "indoor", ("country", CountryFilter)]
    search_fields = ["search_name", "city", "venue"]
    date_hierarchy = "start_date"
    # Name and day, as a meet is one a day: "prefontaine-classic-2024-05-25".
    prepopulated_fields = {"slug": ["name", "start_date"]}

    def get_search_results(self, request, queryset, search_term):
        """ "Zurich" finds "Weltklasse Zürich": meet names are matched folded, as athletes are."""
        return super().get_search_results(request, queryset, fold(search_term))


class ResultInline(VersionedAdminMixin, admin.TabularInline):
    """A race's results in finishing order, one row per athlete, typed as on a results sheet."""

    model = Result
    form = ResultForm
    formset = ResultInlineFormSet
    fields = ["place", "athlete", "mark", "status", "flags", "note"]
    autocomplete_fields = ["athlete"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Result]:
        return super().get_queryset(request).select_related("athlete").in_finishing_order()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Beside each row's athlete only "add": change/delete/view links cost a Tab per row."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "athlete" and formfield is not None:
            widget = formfield.widget
            widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return formfield

    def get_extra(self, request: HttpRequest, obj: Race | None = None, **kwargs) -> int:
        """A few rows to start typing in on a new race, one spare once it has results."""
        if obj is not None and obj.results.exists():
            return 1
        return EMPTY_RESULT_ROWS


@admin.register(Race)
class RaceAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = RaceForm
    list_display = ["__str__", "date", "event", "sex", "round", "status", "result_count"]
    list_filter = ["status", "sex", "event", "round"]
    search_fields = ["name", "meet__search_name", "event__name"]
    autocomplete_fields = ["meet", "event"]
    date_hierarchy = "date"
    ordering = ["-date", "meet__name", "event__distance_m"]
    list_select_related = ["meet", "event"]
    inlines = [ResultInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "meet",
                    "event",
                    ("sex", "round", "round_number"),
                    "name",
                    ("date", "status"),
                    "source_url",
                ]
            },
        )
    ]

    class Media:
        css = {"all": ["css/admin/results.css"]}
        js = ["js/admin/results_entry.js"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Race]:
        queryset = super().get_queryset(request)
        if is_autocomplete(request):
            return queryset.select_related("meet", "event")
        return queryset.annotate(result_count=Count("results"))

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))

    @admin.display(description="results", ordering="result_count")
    def result_count(self, race: Race) -> int:
        return race.result_count


@admin.register(Result)
class ResultAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    form = ResultForm
    fields = ["race", "place", "athlete", "mark", "status", "flags", "note"]
    list_display = ["athlete", "race", "place", "time", "status", "flags"]
    list_filter = ["status"]
    search_fields = ["athlete__search_name", "athlete__aliases__search_name", "race__meet__name"]
    autocomplete_fields = ["race", "athlete"]
    list_select_related = ["athlete", "race__meet", "race__event"]

    class Media:
        css = {"all": ["css/admin/results.css"]}

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
