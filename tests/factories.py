"""factory-boy factories: tests build exactly the data they talk about."""

import datetime

import factory

from athletes.models import Athlete, AthleteAlias, Event, Level, Meet, Race, Result, Sex
from rivalries.models import Moment, Quote, Rivalry, Source


class AthleteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Athlete

    name = factory.Sequence(lambda n: f"Runner Number{n}")
    country = "GB"
    sex = Sex.MEN


class AthleteAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AthleteAlias

    athlete = factory.SubFactory(AthleteFactory)
    name = factory.Sequence(lambda n: f"Alias Number{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        django_get_or_create = ("name",)

    name = "1500m"
    distance_m = 1500


class MeetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meet

    name = factory.Sequence(lambda n: f"Meet {n}")
    level = Level.DIAMOND_LEAGUE
    start_date = datetime.date(2024, 5, 25)
    indoor = False


class RaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Race

    meet = factory.SubFactory(MeetFactory)
    event = factory.SubFactory(EventFactory)
    sex = Sex.MEN
    date = factory.SelfAttribute("meet.start_date")
    status = Race.Status.OFFICIAL


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    race = factory.SubFactory(RaceFactory)
    athlete = factory.SubFactory(AthleteFactory)
    place = 1
    time_ms = 225_340


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    publisher = "The Times"
    title = factory.Sequence(lambda n: f"Interview {n}")
    url = factory.Sequence(lambda n: f"https://example.com/interview-{n}")


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote
        skip_postgeneration_save = True

    speaker = factory.SubFactory(AthleteFactory)
    text = factory.Sequence(lambda n: f"Something pointed, number {n}.")
    said_on = datetime.date(2024, 5, 24)
    source = factory.SubFactory(SourceFactory)
    published = True

    @factory.post_generation
    def about(self, create, extracted, **kwargs):
        if create and extracted:
            self.about.set(extracted)


class MomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Moment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Moment {n}")
    happened_on = datetime.date(2024, 2, 1)
    source = factory.SubFactory(SourceFactory)
    published = True

    @factory.post_generation
    def athletes(self, create, extracted, **kwargs):
        if create and extracted:
            self.athletes.set(extracted)


class RivalryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rivalry
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rivalry {n}")
    published = True

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for athlete in extracted:  # one at a time: add(a, b) does not keep a before b
            self.members.add(athlete)
