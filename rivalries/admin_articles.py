"""The admin's "Quotes from an article" page: paste an article, review what it says, keep some.

Step one takes the text (pasted or uploaded) with its URL, publisher, date and language. Step
two shows the article with each proposed statement highlighted where it stands and, beside it,
its speaker, targets, date ("Readers see: 24 May 2024"), occasion and language, each editable;
the editor ticks the ones to keep. Saving writes the article, its source and an unpublished
quote for each ticked statement (rivalries/article_intake.py); they are published from the
quote list with the usual Publish action.

Nothing is kept between the steps but the form itself: the statements are read again from the
text on saving (the reading is deterministic), and each form names its statement by where it
stands, so a form cannot make a quote of words the article does not hold.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from athletes.importing import AthleteMatcher
from athletes.models import Athlete
from rivalries.article_intake import ArticleError, held, save_quote, store_article
from rivalries.articles import Proposal, propose
from rivalries.date_fields import PreciseDateField, check_precision
from rivalries.dates import PreciseDate, first_day
from rivalries.importing import parse_language
from rivalries.models import DatePrecision, Timing

PERMISSION = "rivalries.add_quote"
MAX_ARTICLE_CHARS = 100_000
"""A long feature is 30,000 characters; more is not an article to review on one page."""


class ArticleForm(forms.Form):
    text = forms.CharField(
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField"}),
        required=False,
        max_length=MAX_ARTICLE_CHARS,
        help_text="Paste the article's text, or upload it below.",
    )
    upload = forms.FileField(label="Or upload a file", required=False, help_text="UTF-8 text")
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    publisher = forms.CharField(max_length=120, required=False, help_text='"The Athletic", "NRK"')
    published_on = forms.DateField(
        label="Published on", help_text="YYYY-MM-DD: relative dates count from it"
    )
    language = forms.CharField(
        max_length=10, required=False, help_text="en, no, sv… (empty: read from the text)"
    )

    def clean_language(self) -> str:
        value = self.cleaned_data["language"].strip()
        if not value:
            return ""
        try:
            return parse_language(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_ARTICLE_CHARS * 4:
                raise forms.ValidationError(f"'{upload.name}' is too big for one article.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(f"'{upload.name}' is not UTF-8 text.") from None
        if not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError("Paste the article's text or upload it.")
        if len(data.get("text") or "") > MAX_ARTICLE_CHARS:
            raise forms.ValidationError(
                f"The article is {len(data['text'])} characters: at most {MAX_ARTICLE_CHARS}."
            )
        return data


class StatementForm(forms.Form):
    """One proposed statement as the editor corrects it."""

    accept = forms.BooleanField(required=False, label="Keep")
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Words")
    speaker = forms.CharField(max_length=120, help_text="An athlete's name or alias")
    not_athlete = forms.BooleanField(
        required=False, label="Not an athlete", help_text="Keep the name as written"
    )
    about = forms.CharField(
        max_length=500, required=False, help_text="Athletes it is aimed at, separated by ;"
    )
    said_on = PreciseDateField(label="Said on")
    said_on_precision = forms.ChoiceField(
        choices=DatePrecision.choices, widget=forms.RadioSelect, label="Known to the"
    )
    occasion = forms.CharField(max_length=200, required=False)
    language = forms.CharField(max_length=10)
    timing = forms.ChoiceField(
        choices=[("", "No race"), *Timing.choices], required=False, label="Race"
    )

    def clean_language(self) -> str:
        try:
            return parse_language(self.cleaned_data["language"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("accept"):
            return data
        matcher: AthleteMatcher = self.matcher
        name = (data.get("speaker") or "").strip()
        if name and not data.get("not_athlete"):
            athlete = self._athlete(matcher, "speaker", name)
            data["speaker_athlete"] = athlete
        about = []
        for part in (data.get("about") or "").split(";"):
            if part.strip():
                found = self._athlete(matcher, "about", part.strip())
                if found is not None:
                    about.append(found)
        data["about_athletes"] = about
        check_precision(self, "said_on")
        day, precision = data.get("said_on"), data.get("said_on_precision")
        if day and precision:
            data["said_on"] = first_day(day, precision)
        return data

    def _athlete(self, matcher: AthleteMatcher, field: str, name: str) -> Athlete | None:
        try:
            athlete = matcher.find(name)
        except ValueError as error:
            self.add_error(field, str(error))
            return None
        if athlete is None:
            hint = " or tick 'Not an athlete'" if field == "speaker" else ""
            self.add_error(
                field, f"'{name}' is no athlete in the record: check the spelling{hint}."
            )
        return athlete


class BaseStatementFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matcher = AthleteMatcher()
        for form in self.forms:
            form.matcher = self.matcher


StatementFormSet = forms.formset_factory(
    StatementForm, formset=BaseStatementFormSet, extra=0, max_num=500, validate_max=True
)


@dataclass
class Reviewed:
    """A statement on the page: its proposal, its form, and its number in the article."""

    number: int
    proposal: Proposal
    form: StatementForm

    @property
    def readers_see(self) -> str:
        return self.proposal.said.display()


def article_quotes_view(request: HttpRequest) -> HttpResponse:
    """Step one: the article form. Step two: review. Step three: save what was kept."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request, {"form": ArticleForm(), "step": "paste"})
    article_form = ArticleForm(request.POST, request.FILES)
    if not article_form.is_valid():
        return _render(request, {"form": article_form, "step": "paste"})
    data = article_form.cleaned_data
    try:
        proposals = _proposals(data)
    except ArticleError as error:
        article_form.add_error("url", str(error))
        return _render(request, {"form": article_form, "step": "paste"})
    if "save" not in request.POST:
        formset = StatementFormSet(initial=[_initial(p) for p in proposals], prefix="s")
        return _review(request, article_form, data, proposals, formset)
    formset = StatementFormSet(request.POST, prefix="s")
    by_place = {(p.start, p.end): p for p in proposals}
    if formset.is_valid():
        kept = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("accept")]
        unknown = [c for c in kept if (c["start"], c["end"]) not in by_place]
        if unknown:
            messages.error(
                request, "The article no longer holds a statement you kept: read it again."
            )
            return _review(request, article_form, data, proposals, formset)
        if not kept:
            messages.warning(request, "Nothing kept: tick “Keep” beside each statement to save.")
            return _review(request, article_form, data, proposals, formset)
        saved, article = _save(data, kept, by_place)
        messages.success(
            request,
            f"Saved {saved} unpublished quote(s) of “{article}”: check them, then publish them"
            " with the “Publish selected quotes” action.",
        )
        changelist = reverse("admin:rivalries_quote_changelist")
        return HttpResponseRedirect(f"{changelist}?article__id__exact={article.pk}")
    return _review(request, article_form, data, proposals, formset)


def _proposals(data: dict[str, Any]) -> list[Proposal]:
    from rivalries.article_intake import find_article

    article = find_article(data["url"], data["publisher"], data["published_on"], data["text"])
    found = propose(data["text"], data["published_on"], data["language"] or None)
    return held(article, found)


def _initial(proposal: Proposal) -> dict[str, Any]:
    return {
        "accept": False,
        "start": proposal.start,
        "end": proposal.end,
        "text": proposal.text,
        "speaker": proposal.speaker.name if proposal.speaker else proposal.speaker_name,
        "not_athlete": proposal.speaker is None,
        "about": "; ".join(athlete.name for athlete in proposal.about),
        "said_on": proposal.said_on,
        "said_on_precision": str(proposal.precision),
        "occasion": proposal.occasion,
        "language": proposal.language,
        "timing": proposal.timing,
    }


@transaction.atomic
def _save(data: dict[str, Any], kept: list[dict[str, Any]], by_place: dict) -> tuple[int, Any]:
    article = store_article(
        data["text"],
        url=data["url"],
        published_on=data["published_on"],
        publisher=data["publisher"],
        language=data["language"] or None,
    )
    for cleaned in kept:
        proposal: Proposal = by_place[(cleaned["start"], cleaned["end"])]
        speaker = cleaned.get("speaker_athlete")
        said = PreciseDate.of(cleaned["said_on"], cleaned["said_on_precision"])
        timing = cleaned["timing"] if proposal.race is not None else ""
        quote = save_quote(
            article,
            Proposal(
                text=proposal.text,
                speaker=speaker,
                speaker_name="" if speaker else cleaned["speaker"].strip(),
                about=tuple(cleaned["about_athletes"]),
                said_on=said.start,
                precision=said.precision,
                language=cleaned["language"],
                start=proposal.start,
                end=proposal.end,
                is_paraphrase=proposal.is_paraphrase,
                occasion=cleaned["occasion"],
                race=proposal.race if timing else None,
                timing=timing,
            ),
            reason="kept from an article",
        )
        words = cleaned["text"].strip()
        if words and words != quote.text:
            quote.text = words
            quote._change_reason = "corrected while reviewing the article"
            quote.save(update_fields=["text"])
    return len(kept), article


def _review(
    request: HttpRequest,
    article_form: ArticleForm,
    data: dict[str, Any],
    proposals: list[Proposal],
    formset: Any,
) -> HttpResponse:
    reviewed = [
        Reviewed(number, proposal, form)
        for number, (proposal, form) in enumerate(zip(proposals, formset.forms, strict=False), 1)
    ]
    context = {
        "step": "review",
        "form": article_form,
        "article": data,
        "formset": formset,
        "paragraphs": _highlighted(data["text"], reviewed),
        "reviewed": reviewed,
    }
    return _render(request, context)


def _highlighted(text: str, reviewed: list[Reviewed]) -> list[dict[str, Any]]:
    """The article as paragraphs of plain and highlighted pieces, each with its statements."""
    marks = sorted(
        (start, end, item.number)
        for item in reviewed
        for start, end in (item.proposal.spans or ((item.proposal.start, item.proposal.end),))
    )
    paragraphs = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line.rstrip("\r\n"))
        offset += len(line)
        if not text[start:end].strip():
            continue
        pieces, position = [], start
        for mark_start, mark_end, number in marks:
            if mark_end <= start or mark_start >= end or mark_start < position:
                continue
            if mark_start > position:
                pieces.append({"text": text[position:mark_start], "number": None})
            pieces.append({"text": text[mark_start : min(mark_end, end)], "number": number})
            position = min(mark_end, end)
        if position < end:
            pieces.append({"text": text[position:end], "number": None})
        statements = [item for item in reviewed if start <= item.proposal.start < end]
        paragraphs.append({"pieces": pieces, "statements": statements})
    return paragraphs


def _render(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    request.current_app = admin.site.name
    context = {
        **admin.site.each_context(request),
        "title": "Quotes from an article",
        "today": datetime.date.today(),
        **context,
    }
    return TemplateResponse(request, "admin/article_quotes.html", context)
