"""Admin forms: editors type marks as athletes write them, not milliseconds.

The rules a results sheet must keep (a finisher has a place and a mark, a DNF has neither, a
scheduled race has only entries, places and times agree) are checked here, so an editor sees
them beside the field at fault rather than as a database error.
"""

from __future__ import annotations

import datetime
from itertools import pairwise
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import QuerySet

from athletes import marks
from athletes.importing import parse_country
from athletes.models import (
    Flag,
    Meet,
    Race,
    Result,
    ResultStatus,
    Round,
    Sex,
    normalise_flags,
)
from athletes.versioning import VersionedModelForm

FLAG_HELP = "; ".join(f"{flag.value} {flag.label.lower()}" for flag in Flag)


class ResultForm(VersionedModelForm):
    mark = forms.CharField(
        required=False,
        max_length=20,
        help_text='As written: "3:45.34", "3:29.379", "47.10", hand-timed "3:30.2h"',
        widget=forms.TextInput(attrs={"size": 9}),
    )

    class Meta:
        model = Result
        fields = ["place", "athlete", "mark", "status", "flags", "note"]
        widgets = {
            "place": forms.NumberInput(attrs={"min": 1, "class": "vPlaceField"}),
            "flags": forms.TextInput(attrs={"size": 8, "autocapitalize": "characters"}),
            "note": forms.TextInput(attrs={"size": 12}),
        }
        help_texts = {"flags": f"Codes, space-separated: {FLAG_HELP}"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.time_ms is not None:
            self.initial["mark"] = marks.format(self.instance.time_ms, self.instance.hand_timed)

    def clean_mark(self) -> int | None:
        text = self.cleaned_data.get("mark", "").strip()
        if not text:
            return None
        try:
            mark = marks.read(text)
        except marks.MarkError as error:
            raise forms.ValidationError(str(error)) from None
        self.hand_timed = mark.hand_timed
        return mark.time_ms

    def clean_flags(self) -> str:
        """ "wl nr", "NR, WL" -> "WL NR"; one text box, not ten checkboxes to Tab through."""
        try:
            return normalise_flags(self.cleaned_data.get("flags", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        race: Race | None = data.get("race")
        status, place, time_ms = data.get("status"), data.get("place"), data.get("mark")
        typed_mark = (self.data.get(self.add_prefix("mark")) or "").strip()
        scheduled = race is not None and race.status == Race.Status.SCHEDULED
        if scheduled and status == ResultStatus.FINISHED and place is None and not typed_mark:
            # A new row's status starts as "finished"; on a start list a bare name is an entry.
            data["status"] = status = ResultStatus.ENTERED
        if race is not None and status:
            self._check_against_race(race, status)
        if status == ResultStatus.FINISHED:
            if place is None and "place" not in self.errors:
                self.add_error("place", "A finisher needs a place.")
            if time_ms is None and "mark" not in self.errors:
                self.add_error("mark", "A finisher needs a mark.")
        elif status:
            if place is not None:
                self.add_error(
                    "place", f"A result with status {status} has no place: clear '{place}'."
                )
            if time_ms is not None:
                self.add_error(
                    "mark", f"A result with status {status} has no mark: clear '{typed_mark}'."
                )
        return data

    def _check_against_race(self, race: Race, status: str) -> None:
        """A start list holds entries; an official race holds outcomes."""
        if race.status == Race.Status.SCHEDULED and status != ResultStatus.ENTERED:
            self.add_error(
                "status",
                f"'{status}' is an outcome, but the race is scheduled: its start list holds"
                " 'entered' only. Make the race official to enter results.",
            )
        elif race.status == Race.Status.OFFICIAL and status == ResultStatus.ENTERED:
            self.add_error(
                "status",
                "'entered' is for a scheduled race's start list: this race is official, so"
                " give the outcome (finished, DNF, DNS or DQ).",
            )

    def save(self, commit: bool = True) -> Result:
        self.instance.time_ms = self.cleaned_data.get("mark")
        self.instance.hand_timed = self.instance.time_ms is not None and getattr(
            self, "hand_timed", False
        )
        return super().save(commit=commit)


class ResultInlineFormSet(forms.BaseInlineFormSet):
    """The rows of one race, checked together: a later place is never faster."""

    def clean(self) -> None:
        super().clean()
        finishers = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("status") == ResultStatus.FINISHED and data.get("mark") is not None:
                finishers.append((data["place"], data["mark"], form))
        finishers.sort(key=lambda row: (row[0], row[1]))
        for (place, time_ms, _), (later_place, later_ms, form) in pairwise(finishers):
            if later_place > place and later_ms < time_ms:
                form.add_error(
                    "mark",
                    f"'{form['mark'].value()}' in place {later_place} is faster than"
                    f" {marks.format(time_ms)} in place {place}: check the places and marks.",
                )


class RaceForm(VersionedModelForm):
    """A race; warns before saving one that looks like a race already stored."""

    confirm_different = forms.BooleanField(
        required=False,
        label="This is a different race: save it anyway",
    )

    class Meta:
        model = Race
        fields = [
            "meet",
            "event",
            "sex",
            "round",
            "round_number",
            "name",
            "date",
            "status",
            "source_url",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.similar_races: list[Race] = []
        if "date" in self.fields:
            self.fields["date"].required = False
            self.fields["date"].help_text = "Empty: the meet's first day"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        meet = data.get("meet")
        if not data.get("date") and meet is not None and "date" not in self.errors:
            data["date"] = meet.start_date
        if not data.get("date") and "date" not in self.errors:
            self.add_error("date", "Give the date, or choose the meet so its first day is used.")
        if all(data.get(name) is not None for name in ("meet", "event", "date")):
            self.similar_races = list(
                similar_races(
                    meet=data["meet"],
                    event=data["event"],
                    date=data["date"],
                    round=data.get("round", ""),
                    round_number=data.get("round_number"),
                    sex=data.get("sex", ""),
                    exclude_pk=self.instance.pk,
                )
            )
        if self.similar_races and not data.get("confirm_different"):
            shown = "; ".join(str(race) for race in self.similar_races)
            raise forms.ValidationError(
                f"This looks like a race already stored ({shown}): same meet, date, event,"
                " round and sex. Open it to add results there, or tick 'This is a different"
                " race' to save this one too.",
                code="possible_duplicate",
            )
        return data


def similar_races(
    *,
    meet: Any,
    event: Any,
    date: datetime.date,
    round: str,
    round_number: int | None,
    sex: str,
    exclude_pk: int | None = None,
) -> QuerySet[Race]:
    """Races that share meet, date, event, round (with its number) and sex with these values."""
    return (
        Race.objects.filter(
            meet=meet, event=event, date=date, round=round, round_number=round_number, sex=sex
        )
        .exclude(pk=exclude_pk)
        .select_related("meet", "event")
        .order_by("pk")
    )


PASTED_STATUSES = {
    "finished": ResultStatus.FINISHED,
    "dnf": ResultStatus.DNF,
    "dns": ResultStatus.DNS,
    "dq": ResultStatus.DQ,
}
MAX_PASTED_CHARACTERS = 100_000
"""A championship's whole results book is far less; a bigger paste is a mistake."""


class PasteRaceForm(forms.Form):
    """The race a pasted table belongs to: a stored race, or the description of a new one."""

    race = forms.ModelChoiceField(
        Race.objects.select_related("meet", "event"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "That race is not stored (any more?): paste into another race,"
            " or describe a new one."
        },
    )
    meet = forms.ModelChoiceField(
        Meet.objects.all(),
        required=False,
        widget=AutocompleteSelect(Race._meta.get_field("meet"), admin.site),
        help_text="A meet already stored; or name a new one below.",
    )
    new_meet = forms.CharField(
        required=False, max_length=160, label="Or a new meet", help_text='"Prefontaine Classic"'
    )
    date = forms.DateField(
        required=False, help_text="Empty: the meet's first day. A new meet starts on it."
    )
    event = forms.CharField(
        required=False,
        max_length=40,
        help_text='"1500m", "Mile": an event not stored yet is created',
        widget=forms.TextInput(attrs={"list": "paste-events", "size": 10}),
    )
    sex = forms.ChoiceField(choices=[("", "—"), *Sex.choices], required=False)
    round = forms.ChoiceField(choices=Round.choices, initial=Round.FINAL, required=False)
    round_number = forms.IntegerField(
        required=False, min_value=1, label="Number", help_text="Heat or semi-final number"
    )
    name = forms.CharField(
        required=False, max_length=120, label="Race name", help_text='"Bowerman Mile"'
    )
    source_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Copied from",
        help_text="The results page's address: the race's source.",
    )
    text = forms.CharField(
        label="Results",
        max_length=MAX_PASTED_CHARACTERS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90, "spellcheck": "false"}),
        help_text="Paste the table as copied: from a results page (tabs), a results PDF, or a"
        " news report's list. Header and title lines are left out.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("race") is not None or "race" in self.errors:
            return data
        data["round"] = data.get("round") or Round.FINAL
        meet, new_meet = data.get("meet"), (data.get("new_meet") or "").strip()
        if meet is None and not new_meet and "meet" not in self.errors:
            self.add_error("meet", "Choose the meet, or name a new one.")
        if meet is not None and new_meet:
            self.add_error(
                "new_meet", f"Choose the meet or name a new one, not both: clear '{new_meet}'."
            )
        if not data.get("date") and "date" not in self.errors:
            if meet is not None:
                data["date"] = meet.start_date
            else:
                self.add_error("date", "A new meet needs its date.")
        if not (data.get("event") or "").strip():
            self.add_error("event", "Name the event: 1500m, Mile, ...")
        return data


class PastedRowForm(forms.Form):
    """One line of the table as read, for the editor to check and correct before saving."""

    line = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    skip = forms.BooleanField(required=False, label="Leave out")
    place = forms.IntegerField(
        required=False, min_value=1, widget=forms.NumberInput(attrs={"class": "vPlaceField"})
    )
    name = forms.CharField(
        required=False, max_length=120, widget=forms.TextInput(attrs={"size": 20})
    )
    athlete = forms.CharField(required=False, max_length=20, widget=forms.RadioSelect)
    country = forms.CharField(
        required=False, max_length=40, widget=forms.TextInput(attrs={"size": 3})
    )
    mark = forms.CharField(required=False, max_length=20, widget=forms.TextInput(attrs={"size": 8}))
    status = forms.ChoiceField(
        choices=[(code, code if code == "finished" else code.upper()) for code in PASTED_STATUSES]
    )
    flags = forms.CharField(
        required=False, max_length=40, widget=forms.TextInput(attrs={"size": 8})
    )
    problem = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    NEW = "new"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line = self.data.get(self.add_prefix("line")) if self.is_bound else self.initial.get("line")
        for name in ("place", "name", "country", "mark", "status", "flags"):
            label = self.fields[name].label or name.capitalize()
            self.fields[name].widget.attrs["aria-label"] = f"{label}, line {line}"

    def clean_athlete(self) -> str:
        value = self.cleaned_data.get("athlete", "")
        if value not in ("", self.NEW) and not value.isdigit():
            raise forms.ValidationError(f"'{value}' is not an athlete: choose one of the list.")
        return value

    def clean_country(self) -> str:
        try:
            return parse_country(self.cleaned_data.get("country", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_mark(self) -> marks.Mark | None:
        text = self.cleaned_data.get("mark", "").strip()
        if not text:
            return None
        try:
            return marks.read(text)
        except marks.MarkError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_flags(self) -> str:
        try:
            return normalise_flags(self.cleaned_data.get("flags", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("skip"):
            self._errors.clear()  # a line left out is not checked
            return data
        if not data.get("athlete") and "athlete" not in self.errors:
            self.add_error(
                "athlete",
                "Choose who this is: one of the suggestions, or a new athlete."
                if (data.get("name") or "").strip()
                else "Give the athlete's name, or leave the line out.",
            )
        return data


PastedRowFormSet = forms.formset_factory(PastedRowForm, extra=0, max_num=500, validate_max=True)
