"""rivalries.articles.propose: the statements of an article, each with speaker, targets, date.

Three articles: the seed article (../shared/seed/, a machine translation with misspelt names),
and two texts INVENTED for these tests (one English, one Norwegian with dash-led quotes) about
athletes of the test database: they are not reporting, and nobody said these words.
"""

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from athletes.models import Athlete, AthleteAlias
from rivalries.articles import covering, detect_language, propose
from rivalries.dates import PreciseDate, Precision
from rivalries.management.commands.load_demo import DEMO_DIR, load_athletes, load_races
from rivalries.models import Rivalry
from tests.factories import EventFactory, MeetFactory, RaceFactory, ResultFactory

pytestmark = pytest.mark.django_db

SEED = (DEMO_DIR / "bowerman-mile-2024.txt").read_text(encoding="utf-8")
ARTICLES = Path(__file__).resolve().parent / "articles"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "bowerman-mile-2024.txt"

# Invented for the tests, not reporting: published Sunday 21 July 2024, dateline Saturday.
ENGLISH = (ARTICLES / "invented-english.txt").read_text(encoding="utf-8")

# Invented for the tests, not reporting: published Friday 14 February 2025.
NORWEGIAN = (ARTICLES / "invented-norwegian.txt").read_text(encoding="utf-8")

KERR, JAKOB, NUGUSE, WIGHTMAN, NORDAS = (
    "josh-kerr",
    "jakob-ingebrigtsen",
    "yared-nuguse",
    "jake-wightman",
    "narve-gilje-nordas",
)


def record(*, misspellings: bool = True) -> None:
    """The demo's athletes and results, the rivalry, and the rivals' birthdays.

    Without ``misspellings`` only the aliases no spelling rule can find are kept ("Cole" for
    Kerr, "Jack Whiteman" for Wightman): the other misspellings must be found as similar
    spellings of the stored names.
    """
    load_athletes(DEMO_DIR / "athletes.csv")
    assert all(report.ok for report in load_races(DEMO_DIR / "races.json"))
    if not misspellings:
        AthleteAlias.objects.exclude(name__in=["Josh Cole", "Cole", "Jack Whiteman"]).delete()
    kerr = Athlete.objects.get(slug=KERR)
    jakob = Athlete.objects.get(slug=JAKOB)
    Athlete.objects.filter(pk=kerr.pk).update(birth_date=datetime.date(1997, 10, 8))
    Athlete.objects.filter(pk=jakob.pk).update(birth_date=datetime.date(2000, 9, 19))
    rivalry = Rivalry.objects.create(title="Kerr vs Ingebrigtsen", published=True)
    rivalry.members.add(kerr)
    rivalry.members.add(jakob)
    london = RaceFactory(
        meet=MeetFactory(name="London Invitational", start_date=datetime.date(2024, 7, 20)),
        event=EventFactory(name="Mile", distance_m=1609.344),
        name="Invitational Mile",
    )
    ResultFactory(race=london, athlete=kerr, place=1, time_ms=226_000)


def find(proposals, words: str):
    matching = [p for p in proposals if p.text.startswith(words)]
    assert len(matching) == 1, f"{words!r}: {[p.text[:40] for p in proposals]}"
    return matching[0]


def starts(proposals) -> list[str]:
    """Each proposal's text, cut to the words its table row starts with (or kept whole)."""
    wanted = [
        row[0]
        for rows in (SEED_STATEMENTS, ENGLISH_STATEMENTS, NORWEGIAN_STATEMENTS)
        for row in rows
    ]
    return [next((w for w in wanted if p.text.startswith(w)), p.text) for p in proposals]


def slugs(proposal) -> list[str]:
    return sorted(athlete.slug for athlete in proposal.about)


def day(text: str) -> PreciseDate:
    return PreciseDate.parse(text)


# --- the seed article ---------------------------------------------------------------------

SEED_STATEMENTS = [
    # (words it starts with, speaker slug or name, date, about, paraphrase, ends with)
    ("I think it scared", KERR, "2024-05-25", [], False, "I’ll go with my gut."),
    ("What a run from Josh Cole!", "BBC Sport", "2024-05-25", [KERR], False, "mile record."),
    ("I tried to compete with him.", JAKOB, "2024-05-25", [KERR], False, "look at the game."),
    ("I’m not here to resolve tensions", KERR, "2024-05-24", [JAKOB], False, "tensions"),
    ("I’m here to run a mile", KERR, "2024-05-24", [JAKOB], False, "what I’m doing."),
    ("Yes, of course", KERR, "2024-05-24", [], False, "of course"),
    ("I had a lot of fun.", KERR, "2024-05-25", [], False, "as much as I can."),
    ("running in the shadows", NUGUSE, "2024-05-25", [KERR, JAKOB], True, "Ingebritsen."),
    ("I’ve always believed", NUGUSE, "2024-05-24", [], False, "works for me."),
    ("he had not recovered to 100%", JAKOB, "2023-08-23", [KERR], True, "some glory."),
    ("just next in line", JAKOB, "2023-08", [KERR], False, "next in line"),
    ("Ingebritsson’s ego was pretty high", KERR, "2023-11", [JAKOB], True, "gold in Paris."),
    ("98 out of 100", JAKOB, "2024-02", [KERR, WIGHTMAN], False, "out of 100"),
    ("he would beat Cole blindfolded", JAKOB, "2024", [KERR], True, "blindfolded."),
    ("The big problem is giving attention", JAKOB, "2024-03", [KERR], False, "in others."),
    ("Some of my competitors have", JAKOB, "2024-05-25", [KERR], False, "big of a step."),
]


@pytest.mark.parametrize("misspellings", [True, False], ids=["aliases", "similar-spellings"])
@pytest.mark.parametrize("published", ["2024-05-25", "2024-05-26"])
@pytest.mark.parametrize(
    ("words", "speaker", "said", "about", "paraphrase", "ends"),
    SEED_STATEMENTS,
    ids=[row[0][:24] for row in SEED_STATEMENTS],
)
def test_seed_statement(misspellings, published, words, speaker, said, about, paraphrase, ends):
    record(misspellings=misspellings)
    proposal = find(propose(SEED, datetime.date.fromisoformat(published)), words)
    if proposal.speaker is not None:
        assert proposal.speaker.slug == speaker
    else:
        assert proposal.speaker_name == speaker
    assert proposal.said == day(said)
    assert slugs(proposal) == sorted(about)
    assert proposal.is_paraphrase is paraphrase
    assert proposal.text.endswith(ends)
    assert proposal.language == "en"
    assert SEED[proposal.start : proposal.start + 10] == proposal.text[:10]


def test_the_seed_article_holds_these_statements_and_no_others():
    record()
    proposals = propose(SEED, datetime.date(2024, 5, 25))
    assert starts(proposals) == [row[0] for row in SEED_STATEMENTS]


def test_the_demo_copy_of_the_seed_article_is_the_seed_article():
    if SHARED_SEED.exists():
        assert SHARED_SEED.read_text(encoding="utf-8") == SEED


def test_a_name_and_a_slogan_in_quotation_marks_are_no_statements():
    record()
    proposals = propose(SEED, datetime.date(2024, 5, 25))
    assert not [p for p in proposals if "Mile of the Century" in p.text]
    post = find(proposals, "What a run")
    assert post.speaker is None
    assert post.text == "What a run from Josh Cole! This is a new British men’s mile record."


def test_a_quote_split_by_its_attribution_is_one_statement_with_both_parts():
    record()
    proposal = find(propose(SEED, datetime.date(2024, 5, 25)), "Some of my competitors")
    assert proposal.text.startswith("Some of my competitors have clearly taken a step")
    first, second = proposal.spans
    assert SEED[first[0] : first[1]] == "Some of my competitors,"
    assert SEED[second[0] : second[1]].startswith("have clearly taken")
    assert (proposal.start, proposal.end) == (first[0], second[1])


def test_the_seed_article_said_after_the_budapest_final_is_linked_to_it():
    record()
    proposal = find(propose(SEED, datetime.date(2024, 5, 25)), "he had not recovered")
    assert proposal.timing == "after"
    assert proposal.race.meet.city == "Budapest"
    assert proposal.race.round == "final"


def test_the_repeated_lead_of_the_seed_article_gives_its_quote_once():
    record()
    proposals = propose(SEED, datetime.date(2024, 5, 25))
    assert len([p for p in proposals if p.text.startswith("I think it scared")]) == 1


def test_nobody_stored_speaks_no_athlete_is_guessed():
    """With no athletes stored, every speaker keeps the name the article gives."""
    proposals = propose(SEED, datetime.date(2024, 5, 25))
    assert all(p.speaker is None for p in proposals)
    assert "BBC Sport" in [p.speaker_name for p in proposals]


# --- an English article, invented for the tests -------------------------------------------

ENGLISH_STATEMENTS = [
    # (words, speaker, date, about, language, timing)
    ("He can say what he wants.", KERR, "2024-07-19", [], "en", "before"),
    ("sells tickets", KERR, "2024-07-19", [], "en", "before"),
    ("I respect what he has done", KERR, "2024-07-19", [JAKOB], "en", "before"),
    ("I don’t think about Kerr at all.", JAKOB, "2024-07-18", [KERR], "en", ""),
    ("Jeg bryr meg ikke om det", JAKOB, "2024-07-18", [], "no", ""),
    ("Every seat is sold", "Tom Hadley", "2024-07-20", [], "en", ""),
    ("he had treated it as a time trial", JAKOB, "2024-05-25", [KERR], "en", "after"),
    ("Some people talk.", JAKOB, "2024-07", [], "en", ""),
    ("I just want a good race", NORDAS, "2024-07-20", [], "en", ""),
]


@pytest.mark.parametrize(
    ("words", "speaker", "said", "about", "language", "timing"),
    ENGLISH_STATEMENTS,
    ids=[row[0][:24] for row in ENGLISH_STATEMENTS],
)
def test_english_statement(words, speaker, said, about, language, timing):
    record(misspellings=False)
    proposal = find(propose(ENGLISH, datetime.date(2024, 7, 21)), words)
    if proposal.speaker is not None:
        assert proposal.speaker.slug == speaker
    else:
        assert proposal.speaker_name == speaker
    assert proposal.said == day(said)
    assert slugs(proposal) == sorted(about)
    assert proposal.language == language
    assert proposal.timing == timing


def test_the_english_article_holds_these_statements_and_no_others():
    record(misspellings=False)
    proposals = propose(ENGLISH, datetime.date(2024, 7, 21))
    assert starts(proposals) == [row[0] for row in ENGLISH_STATEMENTS]


def test_a_quote_over_two_paragraphs_is_one_statement():
    record()
    proposal = find(propose(ENGLISH, datetime.date(2024, 7, 21)), "I respect")
    assert proposal.text.endswith(
        "not the same as fear. On the day, I will be ready, and he knows it."
    )
    assert len(proposal.spans) == 3


def test_before_the_race_links_the_quote_to_the_race_it_was_said_before():
    record()
    proposal = find(propose(ENGLISH, datetime.date(2024, 7, 21)), "He can say")
    assert proposal.race.name == "Invitational Mile"
    assert proposal.occasion.startswith("to reporters at a press conference")


# --- a Norwegian article with dash-led quotes, invented for the tests ------------------------

NORWEGIAN_STATEMENTS = [
    # (words, speaker, date, about)
    ("Jeg bryr meg ikke om hva Kerr sier", JAKOB, "2025-02-13", [KERR]),
    ("Han kan si hva han vil.", JAKOB, "2025-02-13", [KERR]),
    ("har et ego som er større enn Bislett", KERR, "2025", [JAKOB]),
    ("Han er den beste i verden", KERR, "2025", [JAKOB]),
    ("Formen er bra.", JAKOB, "2025-02-13", []),
    ("gleder seg til å møte ham igjen", KERR, "2025-02", [JAKOB]),
    ("Dette er bra for sporten", "Kari Nordby", "2025-02-14", []),
]


@pytest.mark.parametrize(
    ("words", "speaker", "said", "about"),
    NORWEGIAN_STATEMENTS,
    ids=[row[0][:24] for row in NORWEGIAN_STATEMENTS],
)
def test_norwegian_statement(words, speaker, said, about):
    record(misspellings=False)
    proposal = find(propose(NORWEGIAN, datetime.date(2025, 2, 14)), words)
    if proposal.speaker is not None:
        assert proposal.speaker.slug == speaker
    else:
        assert proposal.speaker_name == speaker
    assert proposal.said == day(said)
    assert slugs(proposal) == sorted(about)
    assert proposal.language == "no"


def test_the_norwegian_article_holds_these_statements_and_no_others():
    record(misspellings=False)
    proposals = propose(NORWEGIAN, datetime.date(2025, 2, 14))
    assert starts(proposals) == [row[0] for row in NORWEGIAN_STATEMENTS]


def test_dash_led_words_stop_at_their_attribution():
    record()
    proposal = find(propose(NORWEGIAN, datetime.date(2025, 2, 14)), "Jeg bryr")
    assert proposal.text == "Jeg bryr meg ikke om hva Kerr sier"
    assert NORWEGIAN[proposal.start : proposal.end] == proposal.text
    assert proposal.occasion == "to NTB"


# --- the pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "said"),
    [
        ("On Friday, Kerr said: “I am ready for this race.”", "2024-05-26", "2024-05-24"),
        ("Last Sunday, Kerr said: “I am ready for this race.”", "2024-05-26", "2024-05-19"),
        ("Yesterday Kerr said: “I am ready for this race.”", "2024-05-26", "2024-05-25"),
        ("In November, Kerr said: “I am ready for this race.”", "2024-05-26", "2023-11"),
        ("In May, Kerr said: “I am ready for this race.”", "2024-05-26", "2024-05"),
        ("Last May, Kerr said: “I am ready for this race.”", "2024-05-26", "2023-05"),
        ("In 2022, Kerr said: “I am ready for this race.”", "2024-05-26", "2022"),
        ("On 3 March 2024, Kerr said: “I am ready for this race.”", "2024-05-26", "2024-03-03"),
        ("Last year, Kerr said: “I am ready for this race.”", "2024-05-26", "2023"),
        ("I fjor sommer sa Kerr: «Jeg er klar for dette løpet.»", "2024-05-26", "2023"),
        ("I mars sa Kerr: «Jeg er klar for dette løpet nå.»", "2024-05-26", "2024-03"),
        ("Kerr sa i går: «Jeg er klar for dette løpet nå.»", "2024-05-26", "2024-05-25"),
        ("Kerr said on Monday: “I am ready for this race.”", "2024-05-26", "2024-05-20"),
        ("Kerr said in June: “I am ready for this race.”", "2024-05-26", "2023-06"),
    ],
)
def test_when_a_statement_was_said(text, published, said):
    record()
    (proposal,) = propose(text, datetime.date.fromisoformat(published))
    assert proposal.said == day(said)
    assert proposal.said.start <= datetime.date.fromisoformat(published)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“I am ready for this race,” said Josh Kerr.", KERR),
        ("“I am ready for this race,” Kerr said.", KERR),
        ("„Ich bin bereit für dieses Rennen“, sagte Kerr. Kerr said so.", None),
        ("«Jeg er klar for løpet», sier Ingebrigtsen.", JAKOB),
        ("“I am ready for this race,” Ingebrigsten said.", JAKOB),
        ("Kerr was asked. ‘I am ready for this race,’ he said.", KERR),
        ("Kerr and Ingebrigtsen spoke. “I am ready,” the Norwegian said.", JAKOB),
        ("Kerr lost. “I am ready for this race,” said his coach Steve Rook.", "Steve Rook"),
        ("“I am ready for this race,” said BBC commentator Anna Lund.", "Anna Lund"),
        ("“I am ready for this race,” someone shouted from the crowd.", None),
        ("The “big three” are ready for this race.", None),
        ("Kerr og Ingebrigtsen møttes.\n– Jeg er bedre enn ham, la nordmannen til.", JAKOB),
        (
            "Kerr vant. Landslagstrener Erlend Slokvik var enig: – Det var bra, sier han.",
            "Erlend Slokvik",
        ),
    ],
)
def test_who_said_it(text, speaker):
    record()
    proposals = propose(text, datetime.date(2024, 5, 26))
    if speaker is None:
        assert not [p for p in proposals if p.speaker is not None]
        return
    (proposal,) = proposals
    assert (proposal.speaker.slug if proposal.speaker else proposal.speaker_name) == speaker


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2024-05-25", "2024-05-25", "2024-05-25"),
        ("2024-05-01", "2024-05-31", "2024-05"),
        ("2024-02-15", "2024-03-14", "2024"),
        ("2023-12-01", "2024-02-29", None),
    ],
)
def test_covering_is_the_most_precise_date_that_holds_the_interval(start, end, shown):
    found = covering(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    assert found == (day(shown) if shown else None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I don't think about him at all, and that is the truth.", "en"),
        ("Jeg bryr meg ikke om det, og jeg har aldri gjort det.", "no"),
        ("Jag bryr mig inte om det och jag har aldrig gjort det.", "sv"),
        ("Kerr", ""),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_proposals_print_as_the_json_design_md_gives():
    record()
    proposal = find(propose(SEED, datetime.date(2024, 5, 25)), "98 out of 100")
    assert proposal.as_json() == {
        "text": "98 out of 100",
        "speaker": {"slug": JAKOB, "name": "Jakob Ingebrigtsen"},
        "speaker_name": "",
        "about": [KERR, WIGHTMAN],
        "said_on": "2024-02-01",
        "precision": "month",
        "language": "en",
        "start": proposal.start,
        "end": proposal.end,
    }
    assert SEED[proposal.start : proposal.end] == "98 out of 100"
    assert proposal.precision == Precision.MONTH


# --- any text -------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "“", "”", "„", "«", "»", "‘", "’", '"', "'", "– ", "— ", "\n", "\n\n", ", ", ". ",
        "Kerr", "Ingebrigtsen", "Ingebritsson", "he", "the Norwegian", "the 26-year-old",
        "nordmannen", "24-åringen", " said", " sier", " told", "on Friday", "In November",
        "last August", "two weeks later", "tidligere i vinter", "after the race", "May 25",
        "31 February", "the 2023 World Championships in Budapest", "(@BBCSport) May 25, 2024",
        "I am ready", "Jeg er klar", "that", " at ", "Mid-", "Sept.", "0 days later",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=60),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 12, 31)),
)
def test_any_text_gives_proposals_that_stand_in_it_and_are_never_later_than_publication(
    pieces, published
):
    if not Athlete.objects.exists():
        record()
    text = "".join(pieces)
    for proposal in propose(text, published):
        assert 0 <= proposal.start < proposal.end <= len(text)
        assert proposal.text.strip()
        assert proposal.said.start <= published
        assert proposal.speaker is not None or proposal.speaker_name
        for start, end in proposal.spans:
            assert proposal.start <= start < end <= proposal.end
