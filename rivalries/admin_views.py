"""The admin's import page: upload a file (CSV, or OpenTrack JSON for results), read the
dry-run report, then confirm.

The same functions as ``manage.py import_results`` / ``import_quotes`` do the work, so the page
and the command cannot disagree. Between the two steps the uploaded file waits in the editor's
session (server-side), under a random token, never on disk at a path someone could guess; the
confirmation imports exactly the bytes that were previewed, and the token is used once.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse

from athletes.importing import ImportReport, import_results
from rivalries.importing import import_quotes

IMPORT_PERMISSION = "rivalries.import_csv"
IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    "results": import_results,
    "quotes": import_quotes,
}
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""Bigger files go through the management command; the session is no place for them."""
PENDING_KEY = "csv_imports_pending"
MAX_PENDING = 3


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("results", "Results"), ("quotes", "Quotes")],
        initial="results",
        widget=forms.RadioSelect(attrs={"class": "radiolist inline"}),
        help_text="Columns as in the README, “Importing files”.",
    )
    file = forms.FileField(
        label="File",
        help_text="A CSV file (UTF-8, a header row first) of results or quotes, or a"
        " competition's results as OpenTrack JSON (.json).",
    )
    create_athletes = forms.BooleanField(
        required=False,
        label="Create missing athletes",
        help_text="Like --create-athletes: an athlete the file names who is not in the database"
        " (by name or alias) is created. Without it such a row is rejected.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"'{upload.name}' is {filesizeformat(upload.size)}: the upload page takes files"
                f" up to {filesizeformat(MAX_UPLOAD_BYTES)}. Import bigger ones with"
                " `manage.py import_results` or `import_quotes`."
            )
        return upload


def import_csv_view(request: HttpRequest) -> HttpResponse:
    """Step one: the upload form, and the dry-run report once a file is sent. Step two: confirm."""
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _preview(request, form)
    return _render(request, {"form": form, "step": "upload"})


def _preview(request: HttpRequest, form: UploadForm) -> HttpResponse:
    upload = form.cleaned_data["file"]
    content = upload.read()
    kind, create_athletes = form.cleaned_data["kind"], form.cleaned_data["create_athletes"]
    report = IMPORTERS[kind](
        content, dry_run=True, create_athletes=create_athletes, filename=upload.name
    )
    token = ""
    if report.ok and report.changed:
        token = secrets.token_urlsafe(24)
        pending = dict(request.session.get(PENDING_KEY, {}))
        while len(pending) >= MAX_PENDING:
            pending.pop(next(iter(pending)))
        pending[token] = {
            "kind": kind,
            "create_athletes": create_athletes,
            "filename": upload.name,
            "content": base64.b64encode(content).decode("ascii"),
        }
        request.session[PENDING_KEY] = pending
    context = {
        "step": "preview",
        "form": UploadForm(initial={"kind": kind, "create_athletes": create_athletes}),
        "kind": kind,
        "create_athletes": create_athletes,
        "report": report,
        "rows": _report_rows(report),
        "token": token,
    }
    return _render(request, context)


def _confirm(request: HttpRequest) -> HttpResponse:
    pending = dict(request.session.get(PENDING_KEY, {}))
    item = pending.pop(request.POST["token"], None)
    request.session[PENDING_KEY] = pending
    if item is None:
        messages.error(
            request,
            "That preview has already been imported or has expired: upload the file again.",
        )
        return HttpResponseRedirect(reverse("admin:import"))
    report = IMPORTERS[item["kind"]](
        base64.b64decode(item["content"]),
        create_athletes=item["create_athletes"],
        filename=item["filename"],
    )
    if report.ok:
        messages.success(request, f"Imported {report.lines()[0]}.")
    else:
        messages.error(request, report.lines()[0])
    context = {
        "step": "done",
        "form": UploadForm(),
        "kind": item["kind"],
        "report": report,
        "rows": _report_rows(report),
    }
    return _render(request, context)


def _report_rows(report: ImportReport) -> list[dict[str, Any]]:
    """Per kind of record: created, matched (found: changed or as it was)."""
    return [
        {
            "kind": kind,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "matched": counts.matched,
        }
        for kind, counts in report.counts.items()
    ]


def _render(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    request.current_app = admin.site.name
    context = {
        **admin.site.each_context(request),
        "title": "Import a file",
        "max_upload": MAX_UPLOAD_BYTES,
        **context,
    }
    return TemplateResponse(request, "admin/import_csv.html", context)
