"""Optimistic locking: no editor's save silently overwrites another's (DESIGN.md, "Data model").

Every model an editor changes inherits :class:`Versioned`: a ``version`` that each save
increments (django-concurrency's ``AutoIncVersionField``, whose ``UPDATE ... WHERE version =
<the one loaded>`` refuses a save of an instance that someone else saved in the meantime with
``RecordModifiedError``). The forms of the editors' desk inherit :class:`VersionedModelForm`,
which carries the version the form was opened at (signed, in a hidden field) and refuses a
stale save as a form error that says what changed since, from the history rows, keeping the
editor's own input; the refused form then carries the current version, so saving it again is
a deliberate choice made after reading what changed.

Saves outside forms (imports, commands, the demo load, the shell) work as before and increment
the version too; ``save(update_fields=[...])`` includes it. Writes that bypass ``save()``
(``bulk_create``, ``bulk_update``, ``QuerySet.update()``, ``COPY``) leave it alone: a bulk
writer that changes rows an editor may have open should add one to ``version`` itself.
"""

from __future__ import annotations

from typing import Any

from concurrency.fields import AutoIncVersionField
from concurrency.forms import VersionField as SignedVersionField
from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models

FIRST_VERSION = 1
SHOWN_VALUE_LENGTH = 80


class VersionFormField(SignedVersionField):
    """The version a form was opened at, signed in a hidden input; never an editor's change
    (so an inline's spare empty row does not count as filled in)."""

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


class VersionField(AutoIncVersionField, models.BigIntegerField):
    """django-concurrency's counter, starting at 1, and a plain integer column to the database
    (so the import's ``COPY`` path, which takes plain columns only, still applies)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("default", None)
        super().__init__(*args, **kwargs)
        self.default = FIRST_VERSION
        self.help_text = "Each save adds one; a form opened at an older version cannot save."

    form_class = VersionFormField

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        return name, "athletes.versioning.VersionField", args, kwargs


class Versioned(models.Model):
    """A model whose rows editors change: each save increments ``version``."""

    version = VersionField()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def _shown(value: object) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= SHOWN_VALUE_LENGTH else f"{text[: SHOWN_VALUE_LENGTH - 1]}…"


def changes_since(instance: models.Model, opened: int) -> str:
    """What was saved to ``instance`` after version ``opened``: "text: “a” → “b”; ...", by
    whom and when, from its history (empty when the model keeps none)."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return ""
    rows = instance.history.all()
    then, now = rows.filter(version=opened).first(), rows.first()
    if now is None:
        return ""
    who = f" by {now.history_user}" if now.history_user else ""
    when = f"Last saved {now.history_date:%Y-%m-%d %H:%M} UTC{who}"
    if then is None:
        return f"{when}."
    delta = now.diff_against(then, excluded_fields=["version"])
    changed = "; ".join(
        f"{instance._meta.get_field(change.field).verbose_name}:"
        f" “{_shown(change.old)}” → “{_shown(change.new)}”"
        for change in delta.changes
    )
    return f"{when}. Changed since you opened it: {changed}." if changed else f"{when}."


def stale_message(instance: models.Model, opened: int, current: int) -> str:
    noun = instance._meta.verbose_name
    since = changes_since(instance, opened)
    return (
        f"Not saved: someone else saved this {noun} (“{instance}”) after you opened it. You"
        f" opened version {opened}; it is now version {current}. {since} Your input is still"
        " in the form: check it against those changes, then save again to keep yours."
    ).replace("  ", " ")


class VersionedModelForm(forms.ModelForm):
    """A model form that refuses to save over a version newer than the one it was opened at."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        instance = self.instance
        if instance.pk is None or instance._state.adding or "version" not in self.fields:
            return data
        opened, current = data.get("version"), instance.version
        if opened is not None and opened != current:
            self.add_error(None, stale_message(instance, opened, current))
            # The next save of this form is made knowing what changed: let it through.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = self.fields["version"]._signer.sign(current)
        return data


class VersionedAdminMixin:
    """Puts ``version`` (a hidden field) in an admin's or an inline's form."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if "version" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]
