"""The story: rivalries, what the rivals said (quotes, with sources) and other moments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from athletes.links import path_to
from athletes.models import Athlete, Race, unique_slug
from athletes.versioning import Versioned
from rivalries import statements
from rivalries.dates import DateError, PreciseDate, Precision


class DatePrecision(models.TextChoices):
    DAY = Precision.DAY.value, "Day"
    MONTH = Precision.MONTH.value, "Month"
    YEAR = Precision.YEAR.value, "Year"


def precision_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}_precision__in": DatePrecision.values}),
        name=f"%(class)s_{field}_precision_known",
    )


def clean_precise_date(instance: models.Model, field: str) -> None:
    """A stored date must be the first day of its interval ("Nov 2023" is 2023-11-01)."""
    day = getattr(instance, field)
    precision = getattr(instance, f"{field}_precision")
    if day is None or not precision:
        return
    try:
        PreciseDate(day, precision)
    except (DateError, ValueError) as error:
        raise ValidationError({field: str(error)}) from None


class RivalryQuerySet(models.QuerySet):
    def published(self) -> RivalryQuerySet:
        return self.filter(published=True)

    def involving(self, athlete: Athlete) -> RivalryQuerySet:
        return self.filter(members=athlete)


class Rivalry(Versioned):
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    members = models.ManyToManyField(Athlete, through="RivalryMember", related_name="rivalries")
    summary = models.TextField(blank=True)
    began_on = models.DateField(null=True, blank=True)
    began_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.MONTH
    )
    published = models.BooleanField(default=False)

    objects = RivalryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "rivalries"
        ordering = ["title"]
        constraints = [precision_check("began_on")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Rivalry, self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("rivalry", self.slug)

    def clean(self) -> None:
        clean_precise_date(self, "began_on")

    @property
    def began(self) -> PreciseDate | None:
        return PreciseDate.of(self.began_on, self.began_on_precision) if self.began_on else None


class RivalryMember(Versioned):
    rivalry = models.ForeignKey(Rivalry, on_delete=models.CASCADE, related_name="memberships")
    athlete = models.ForeignKey(Athlete, on_delete=models.PROTECT, related_name="memberships")
    order = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rivalry", "athlete"], name="member_once_per_rivalry")
        ]

    def __str__(self) -> str:
        return f"{self.athlete} in {self.rivalry}"

    def save(self, *args, **kwargs) -> None:
        if self.order is None:
            self.order = next_member_order(self.rivalry_id)
        super().save(*args, **kwargs)


def next_member_order(rivalry_id: int) -> int:
    highest = RivalryMember.objects.filter(rivalry_id=rivalry_id).aggregate(top=Max("order"))
    return (highest["top"] or 0) + 1


@receiver(m2m_changed, sender=RivalryMember)
def number_new_members(sender, instance, action, **kwargs) -> None:
    """``rivalry.members.add(...)`` bulk-inserts without save(): give each the next number.

    Django passes the added athletes as a set, so ``add(a, b)`` numbers them in insertion
    order, not argument order; add them one at a time where the order matters.
    """
    if action != "post_add" or not isinstance(instance, Rivalry):
        return
    pk_set = kwargs.get("pk_set") or set()
    unnumbered = RivalryMember.objects.filter(
        rivalry=instance, athlete_id__in=pk_set, order__isnull=True
    ).order_by("id")
    for member in unnumbered:
        member.order = next_member_order(instance.pk)
        member.save(update_fields=["order"])


class Source(Versioned):
    class Medium(models.TextChoices):
        ARTICLE = "article"
        INTERVIEW = "interview"
        PRESS_CONFERENCE = "press conference"
        SOCIAL_POST = "social post"
        BROADCAST = "broadcast"
        DOCUMENTARY = "documentary"
        PODCAST = "podcast"

    publisher = models.CharField(max_length=120, help_text='"The Times", "NRK", "BBC Sport"')
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    medium = models.CharField(max_length=20, choices=Medium.choices, default=Medium.ARTICLE)
    archive_url = models.URLField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["publisher", "title"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}" if self.title else self.publisher


class Article(models.Model):
    """A news article an editor brought in for its quotes (rivalries/articles.py reads it).

    Its proposed quotes are ordinary unpublished quotes pointing back to it, with where in
    ``text`` their words stand, so nothing reaches readers unreviewed. Its quotes cite its
    ``source``, one per article.
    """

    text = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    publisher = models.CharField(max_length=120, blank=True)
    published_on = models.DateField()
    language = models.CharField(max_length=10, default="en", help_text="ISO 639-1: en, no, sv")
    source = models.OneToOneField(Source, on_delete=models.PROTECT, related_name="article")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_url_once")
        ]

    def __str__(self) -> str:
        where = self.publisher or self.url or "Article"
        return f"{where}, {self.published_on:%d %b %Y}"


class QuoteQuerySet(models.QuerySet):
    def published(self) -> QuoteQuerySet:
        return self.filter(published=True)

    def by(self, *athletes: Athlete) -> QuoteQuerySet:
        return self.filter(speaker__in=athletes)

    def about(self, *athletes: Athlete) -> QuoteQuerySet:
        return self.filter(pk__in=_quotes_about(*athletes))

    def between(self, a: Athlete, b: Athlete) -> QuoteQuerySet:
        """What either said about the other."""
        return self.filter(
            Q(speaker=a, pk__in=_quotes_about(b)) | Q(speaker=b, pk__in=_quotes_about(a))
        )

    def for_display(self) -> QuoteQuerySet:
        """What a quote in a list shows: its speaker and source (not the race, whose meet and
        event joins cost PostgreSQL more to plan than the whole query to run)."""
        return self.select_related("speaker", "source")


def _quotes_about(*athletes: Athlete) -> models.QuerySet:
    """The ids of quotes about any of ``athletes``: a subquery, where a join would need
    DISTINCT over every column shown (which cost more to plan than to run)."""
    return Quote.about.through.objects.filter(athlete__in=athletes).values("quote_id")


class Timing(models.TextChoices):
    BEFORE = "before", _("Before the race")
    AFTER = "after", _("After the race")


class Quote(Versioned):
    speaker = models.ForeignKey(
        Athlete, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    speaker_name = models.CharField(
        max_length=120, blank=True, help_text="For a speaker who is not an athlete in the record"
    )
    about = models.ManyToManyField(Athlete, blank=True, related_name="quoted_about")
    text = models.TextField()
    language = models.CharField(max_length=10, default="en", help_text="ISO 639-1: en, no, sv")
    translation = models.TextField(blank=True, help_text="English, when the quote is not")
    is_paraphrase = models.BooleanField(default=False)
    said_on = models.DateField()
    said_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    occasion = models.CharField(max_length=200, blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    published = models.BooleanField(default=False)
    race = models.ForeignKey(
        Race, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    timing = models.CharField(max_length=6, choices=Timing.choices, blank=True)
    imported_text = models.TextField(
        blank=True,
        editable=False,
        help_text="The words as first entered or imported: with speaker, date and source, what"
        " makes a re-import find this quote after an editor corrected its wording",
    )
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    article_start = models.PositiveIntegerField(null=True, blank=True)
    article_end = models.PositiveIntegerField(null=True, blank=True)

    objects = QuoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["said_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(speaker__isnull=False) & Q(speaker_name=""))
                | (Q(speaker__isnull=True) & ~Q(speaker_name="")),
                name="quote_has_one_speaker",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(source__isnull=False),
                name="published_quote_has_source",
            ),
            models.CheckConstraint(
                condition=Q(race__isnull=True, timing="")
                | Q(race__isnull=False, timing__in=Timing.values),
                name="race_link_has_timing",
            ),
            precision_check("said_on"),
            models.CheckConstraint(
                condition=Q(article_start__isnull=True, article_end__isnull=True)
                | Q(article_start__lt=models.F("article_end")),
                name="quote_article_span_ordered",
            ),
        ]
        indexes = [models.Index(fields=["said_on", "id"], name="quote_said_on_idx")]

    def __str__(self) -> str:
        return f"{self.speaker_label}, {self.said.display()}: {statements.plain(self, 60)}"

    def save(self, *args, **kwargs) -> None:
        if not self.imported_text:
            self.imported_text = self.text
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "imported_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return path_to("quote", self.pk)

    def clean(self) -> None:
        errors = {}
        if bool(self.speaker_id) == bool(self.speaker_name.strip()):
            errors["speaker_name"] = (
                "Give either an athlete as speaker or a speaker's name, not both."
            )
        if self.published and not self.source_id:
            errors["source"] = "A quote needs a source before it can be published."
        if bool(self.race_id) != bool(self.timing):
            errors["timing"] = "A quote linked to a race says whether it was said before or after."
        if errors:
            raise ValidationError(errors)
        clean_precise_date(self, "said_on")

    @property
    def speaker_label(self) -> str:
        return self.speaker.name if self.speaker_id else self.speaker_name

    @property
    def said(self) -> PreciseDate:
        return PreciseDate.of(self.said_on, self.said_on_precision)


class MomentQuerySet(models.QuerySet):
    def published(self) -> MomentQuerySet:
        return self.filter(published=True)


class Moment(Versioned):
    """A dated, sourced event that is neither race nor quote: an injury, a withdrawal."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    happened_on = models.DateField()
    happened_on_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    athletes = models.ManyToManyField(Athlete, related_name="moments")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="moments"
    )
    published = models.BooleanField(default=False)

    objects = MomentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["happened_on", "id"]
        constraints = [
            precision_check("happened_on"),
            models.CheckConstraint(
                condition=Q(published=False) | Q(source__isnull=False),
                name="published_moment_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.happened.display()})"

    def clean(self) -> None:
        if self.published and not self.source_id:
            raise ValidationError({"source": "A moment needs a source before it can be published."})
        clean_precise_date(self, "happened_on")

    @property
    def happened(self) -> PreciseDate:
        return PreciseDate.of(self.happened_on, self.happened_on_precision)
