"""The admin's "Paste results" page: a results table pasted, read, checked, saved as one race.

Step one asks for the race (or comes from a race's own form with ``?race=<id>``) and the
pasted text. Reading shows every line as ``athletes.pasting.parse`` read it, the athlete
matched by name or alias, or, for a name not stored, the closest stored spellings to choose
from and a "new athlete" choice: nothing is taken on similarity alone. The editor corrects what
needs it, and saving hands the rows to ``athletes.importing.import_rows``, which writes the
race and its results in one transaction or nothing, with every error by line.

The page keeps no state between steps: each POST carries the race, the text and every row,
so a stale or tampered one is read again and answered with a message, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.core.exceptions import PermissionDenied
from django.forms import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from athletes import marks
from athletes.forms import PASTED_STATUSES, PastedRowForm, PastedRowFormSet, PasteRaceForm
from athletes.importing import (
    AthleteMatcher,
    ImportReport,
    ResultRow,
    import_rows,
    parse_country,
)
from athletes.models import Athlete, Event, Race
from athletes.pasting import PastedRow, parse
from athletes.search import similar_spellings
from athletes.text import fold

PASTE_PERMISSION = "rivalries.import_csv"
"""The editors who may import a CSV file may paste a table: the same rows, the same writer."""
SUGGESTIONS = 3
RACE_FIELDSETS = [
    (
        "The race",
        {
            "fields": [
                ("meet", "new_meet", "date"),
                ("event", "sex", "round", "round_number"),
                ("name", "source_url"),
            ]
        },
    )
]


@dataclass
class Choices:
    """Who a row's name may be: the athlete matched, or spellings to choose from."""

    matched: Athlete | None = None
    suggested: list[Athlete] = field(default_factory=list)
    chosen: Athlete | None = None
    warning: str = ""


def paste_results_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PASTE_PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return _first_step(request)
    race_form = PasteRaceForm(request.POST)
    race_ok = race_form.is_valid()
    if "save" in request.POST:
        formset = PastedRowFormSet(request.POST, prefix="rows")
        if not formset.is_valid() and formset.non_form_errors():
            messages.error(
                request,
                "The rows of that page could not be read back (it may be stale): the table was"
                " read again from the pasted text.",
            )
            formset = _read(race_form, race_ok)
    else:
        formset = _read(race_form, race_ok)
    choices = _choices(formset)
    report = None
    if formset is not None and formset.is_bound:
        stale = _check_chosen(formset, choices)
        if race_ok and formset.is_valid() and not stale:
            report = _save(race_form.cleaned_data, formset)
            if report.ok:
                return _saved(request, race_form.cleaned_data, report)
            _show_errors(formset, report)
    return _render(request, race_form, formset, choices, report)


def _first_step(request: HttpRequest) -> HttpResponse:
    race_id = request.GET.get("race", "")
    race_form = PasteRaceForm(initial={"race": race_id} if race_id else None)
    if race_id:
        race = Race.objects.filter(pk=int(race_id)).first() if race_id.isdigit() else None
        if race is None:
            messages.error(
                request, f"There is no race '{race_id}' (deleted?): describe the race instead."
            )
            race_form = PasteRaceForm()
        else:
            race_form.fields["race"].initial = race
    return _render(request, race_form, None, [], None)


def _read(race_form: PasteRaceForm, race_ok: bool) -> PastedRowFormSet | None:
    """The rows as the text reads, unbound: what the editor sees before changing anything."""
    text = race_form.cleaned_data.get("text", "") if race_ok else race_form.data.get("text", "")
    if not text or "text" in race_form.errors:
        return None
    rows = parse(str(text)[:100_000])
    return PastedRowFormSet(initial=[_initial(row) for row in rows], prefix="rows")


def _initial(row: PastedRow) -> dict[str, Any]:
    return {
        "line": row.line,
        "place": row.place,
        "name": row.name,
        "country": row.country,
        "mark": marks.format(row.time_ms, row.hand_timed) if row.time_ms is not None else "",
        "status": row.status,
        "flags": " ".join(row.flags),
        "problem": row.problem,
    }


def _value(form: PastedRowForm, name: str) -> str:
    """What a row's field holds now (as posted, or as read), before any validation."""
    value = form[name].data if form.is_bound else form.initial.get(name)
    return "" if value is None else str(value).strip()


def _choices(formset: PastedRowFormSet | None) -> list[Choices]:
    """Each row's athlete: matched by name or alias, else suggested; a few queries in all."""
    if formset is None:
        return []
    forms = formset.forms
    names = [_value(form, "name") for form in forms]
    matcher = AthleteMatcher()
    matcher.load(names)
    chosen_ids = {int(v) for form in forms if (v := _value(form, "athlete")).isdigit()}
    chosen = Athlete.objects.in_bulk(chosen_ids) if chosen_ids else {}
    found: list[Choices] = []
    for form, name in zip(forms, names, strict=True):
        item = Choices()
        if name:
            try:
                item.matched = matcher.find(name, _alpha2(_value(form, "country")))
            except ValueError as error:
                item.warning = str(error)
        value = _value(form, "athlete")
        if value.isdigit():
            item.chosen = chosen.get(int(value))
        found.append(item)
    unknown = [name for name, item in zip(names, found, strict=True) if name and not item.matched]
    similar = similar_spellings(unknown, SUGGESTIONS) if unknown else {}
    for form, name, item in zip(forms, names, found, strict=True):
        if not item.matched:
            item.suggested = similar.get(name, [])
        _offer(form, name, item)
    return found


def _alpha2(country: str) -> str:
    try:
        return parse_country(country)
    except ValueError:
        return ""


def _offer(form: PastedRowForm, name: str, item: Choices) -> None:
    """The radio buttons beside a row's name; the match is chosen, a suggestion never is."""
    offered = [athlete for athlete in (item.matched, *item.suggested, item.chosen) if athlete]
    unique = list({athlete.pk: athlete for athlete in offered}.values())
    options = [(str(athlete.pk), _label(athlete, athlete is item.matched)) for athlete in unique]
    if name:
        options.append((PastedRowForm.NEW, f"New athlete “{name}”"))
    form.fields["athlete"].widget.choices = options
    if item.matched and not form.is_bound:
        form.initial["athlete"] = str(item.matched.pk)


def _label(athlete: Athlete, matched: bool) -> str:
    country = f" ({athlete.country_code})" if athlete.country_code else ""
    return f"{athlete.name}{country}" + ("" if matched else "?")


def _check_chosen(formset: PastedRowFormSet, choices: list[Choices]) -> bool:
    """An athlete chosen who is not stored (any more): said beside the row."""
    stale = False
    for form, item in zip(formset.forms, choices, strict=True):
        data = getattr(form, "cleaned_data", {})
        value = data.get("athlete", "")
        if data.get("skip") or not value.isdigit() or item.chosen is not None:
            continue
        form.add_error(
            "athlete", f"Athlete {value} is not stored (merged or deleted?): choose again."
        )
        stale = True
    return stale


def _save(race: dict[str, Any], formset: PastedRowFormSet) -> ImportReport:
    stored: Race | None = race.get("race")
    description: dict[str, Any] = (
        {"race_id": stored.pk}
        if stored is not None
        else {
            "date": race["date"],
            "meet": race["meet"].name if race.get("meet") else race["new_meet"].strip(),
            "event": race["event"].strip(),
            "race_name": race.get("name", "").strip(),
            "round": race["round"],
            "round_number": race.get("round_number"),
            "sex": race.get("sex", ""),
            "indoor": bool(race.get("meet") and race["meet"].indoor),
        }
    )
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if data.get("skip"):
            continue
        mark: marks.Mark | None = data.get("mark")
        athlete = data["athlete"]
        rows.append(
            ResultRow(
                line=data["line"],
                **description,
                athlete=data.get("name", "").strip(),
                nationality=data.get("country", ""),
                athlete_id=int(athlete) if athlete.isdigit() else None,
                new_athlete=athlete == PastedRowForm.NEW,
                place=data.get("place"),
                time_ms=mark.time_ms if mark else None,
                hand_timed=mark.hand_timed if mark else False,
                status=PASTED_STATUSES[data["status"]],
                flags=data.get("flags", ""),
                source_url=race.get("source_url", "") if not rows else "",
                columns={"time_ms": "mark", "athlete": "athlete", "nationality": "country"},
            )
        )
    return import_rows(rows, filename="pasted table")


def _show_errors(formset: PastedRowFormSet, report: ImportReport) -> None:
    """Each error of the report beside its line's row, on the field it names when shown."""
    by_line = {form.cleaned_data.get("line"): form for form in formset.forms}
    for error in report.errors:
        form = by_line.get(error.line)
        if form is None:
            formset.non_form_errors().append(error.message)
            continue
        column = error.column if error.column in form.fields else None
        form.add_error(column, ValidationError(error.message))


def _saved(request: HttpRequest, race: dict[str, Any], report: ImportReport) -> HttpResponse:
    done = [
        f"{kind} {counts.created} created, {counts.updated} changed"
        for kind, counts in report.counts.items()
        if counts.created or counts.updated
    ]
    messages.success(
        request,
        f"Saved the pasted table ({report.rows} rows): {'; '.join(done)}."
        if done
        else f"The pasted table ({report.rows} rows) was already stored: nothing changed.",
    )
    saved = race.get("race") or _race_saved(race)
    if saved is not None:
        return HttpResponseRedirect(reverse("admin:athletes_race_change", args=[saved.pk]))
    return HttpResponseRedirect(reverse("admin:athletes_race_changelist"))


def _race_saved(race: dict[str, Any]) -> Race | None:
    """The race the import matched or made from the description (the report names none)."""
    meet = race["meet"].name if race.get("meet") else race["new_meet"]
    races = list(
        Race.objects.filter(
            date=race["date"],
            meet__search_name=fold(meet),
            round=race["round"],
            round_number=race.get("round_number"),
            sex=race.get("sex", ""),
            name=race.get("name", "").strip(),
        ).select_related("event")[:10]
    )
    if len(races) > 1:
        races = [found for found in races if fold(found.event.name) == fold(race["event"])]
    return races[0] if len(races) == 1 else None


def _focus_first_error(formset: PastedRowFormSet | None) -> None:
    """After an error the cursor starts on the first row at fault, not at the top."""
    for form in formset.forms if formset is not None else ():
        if form.is_bound and form.errors:
            name = next((name for name in form.errors if name in form.fields), "name")
            form.fields[name].widget.attrs["autofocus"] = True
            return


def _render(
    request: HttpRequest,
    race_form: PasteRaceForm,
    formset: PastedRowFormSet | None,
    choices: list[Choices],
    report: ImportReport | None,
) -> HttpResponse:
    request.current_app = admin.site.name
    race = getattr(race_form, "cleaned_data", {}).get("race") or race_form.fields["race"].initial
    _focus_first_error(formset)
    rows = list(zip(formset.forms, choices, strict=True)) if formset is not None else []
    context = {
        **admin.site.each_context(request),
        "title": "Paste results",
        "race_form": race_form,
        "race_fields": AdminForm(race_form, RACE_FIELDSETS, {}),
        "race": race if isinstance(race, Race) else None,
        "formset": formset,
        "rows": rows,
        "problems": sum(1 for form, _ in rows if _value(form, "problem")),
        "report": report,
        "events": Event.objects.values_list("name", flat=True),
        "media": race_form.media,
    }
    return TemplateResponse(request, "admin/paste_results.html", context)
