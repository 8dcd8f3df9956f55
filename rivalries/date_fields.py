"""The editors' date field for dates known to a day, a month or a year (rivalries/dates.py).

Django's ``DateField`` reads only whole days, so an editor who knows a quote was said in June
2025 and types "2025-06" (as the CSV import takes it) was told "Enter a valid date". This
field also reads "2025-06" and "2025" (as the interval's first day), and ``check_precision``
makes the typed date and the chosen precision agree, with an error that says what to do.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from rivalries.dates import DateError, check_typed, read_partial

INVALID = "Type a day as 2025-06-14, a month as 2025-06 or a year as 2025"


class PreciseDateField(forms.DateField):
    default_error_messages = {"invalid": INVALID}

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str):
            try:
                partial = read_partial(value)
            except DateError as error:
                raise forms.ValidationError(str(error), code="invalid") from None
            if partial is not None:
                return partial
        return super().to_python(value)


def precise_date_field(field: forms.Field) -> PreciseDateField:
    """A model form's date field as a ``PreciseDateField``, keeping its label, help and widget."""
    return PreciseDateField(
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        widget=field.widget,
        initial=field.initial,
    )


def check_precision(form: forms.Form, name: str) -> None:
    """Add an error to ``name`` when it was typed less precisely than its precision field."""
    precision = form.cleaned_data.get(f"{name}_precision")
    typed = form.data.get(form.add_prefix(name))
    if not precision or not isinstance(typed, str) or name not in form.cleaned_data:
        return
    try:
        check_typed(typed, precision)
    except DateError as error:
        form.add_error(name, str(error))
