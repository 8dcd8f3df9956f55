"""The admin's "Quotes from an article" page and ``manage.py import_article``."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from athletes.models import Athlete
from rivalries.models import Article, Quote
from tests.editors import make_editor
from tests.test_articles import JAKOB, KERR, SEED, SEED_STATEMENTS, record

pytestmark = pytest.mark.django_db

PAGE = "/admin/article/"
URL = "https://www.example.com/athletics/bowerman-mile-2024"
ARTICLE = {
    "url": URL,
    "publisher": "The Athletic",
    "published_on": "2024-05-25",
    "language": "",
    "text": SEED,
}


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def review(client, **changes):
    response = client.post(PAGE, {**ARTICLE, "read": "1", **changes})
    assert response.status_code == 200
    return response


def keep(response, numbers: dict[int, dict], **extra) -> dict:
    """The review form as the page rendered it, with the statements ``numbers`` kept."""
    formset = response.context["formset"]
    data = {**ARTICLE, "save": "1", **extra}
    data.update({f"s-{key}": value for key, value in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, "")
            if name == "said_on" and value:
                value = value.isoformat()
            if isinstance(field.widget.__class__, type) and name in {"accept", "not_athlete"}:
                if value:
                    data[f"s-{index}-{name}"] = "on"
                continue
            data[f"s-{index}-{name}"] = value if value is not None else ""
        if index + 1 in numbers:
            data[f"s-{index}-accept"] = "on"
            data.update({f"s-{index}-{k}": v for k, v in numbers[index + 1].items()})
    return data


def test_the_page_asks_for_the_article(editor_client):
    response = editor_client.get(PAGE)
    assert response.status_code == 200
    assert b"Read the article" in response.content


def test_only_those_who_may_add_quotes_see_the_page(client):
    client.force_login(User.objects.create_user("visitor", is_staff=True))
    assert client.get(PAGE).status_code == 403


def test_the_review_shows_each_statement_highlighted_with_its_date(editor_client):
    record()
    response = review(editor_client)
    html = response.content.decode()
    assert html.count('<mark class="statement"') >= len(SEED_STATEMENTS)
    assert len(response.context["reviewed"]) == len(SEED_STATEMENTS)
    assert "Readers see: <span" in html
    assert ">24 May 2024</span>" in html
    assert ">Nov 2023</span>" in html
    assert "style=" not in html.split('id="content-main"')[1]
    assert "<script>" not in html


def test_an_article_cannot_run_as_script(editor_client):
    record()
    text = "<script>alert(1)</script> “I am ready for this race,” Kerr said on Friday."
    html = review(editor_client, text=text).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "not a url"}, "Enter a valid URL."),
        ({"text": "   "}, "Paste the article&#x27;s text or upload it."),
        ({"published_on": "25/13/2024"}, "Enter a valid date."),
        ({"language": "english!"}, "is not a language code"),
    ],
)
def test_a_bad_article_form_says_what_is_wrong(editor_client, changes, message):
    response = editor_client.post(PAGE, {**ARTICLE, "read": "1", **changes})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_kept_statements_become_unpublished_quotes_of_the_article(editor_client):
    record()
    response = review(editor_client)
    data = keep(
        response,
        {
            1: {},
            4: {"said_on": "2024-05-23"},  # an editor's correction of the date
            13: {"speaker": "Josh Kerr", "about": "Jakob Ingebrigtsen"},  # and of the speaker
        },
    )
    saved = editor_client.post(PAGE, data)
    assert saved.status_code == 302
    article = Article.objects.get()
    assert saved["Location"].endswith(f"?article__id__exact={article.pk}")
    quotes = list(Quote.objects.order_by("article_start"))
    assert len(quotes) == 3
    assert not any(quote.published for quote in quotes)
    assert {quote.source for quote in quotes} == {article.source}
    assert (article.source.url, article.source.publisher) == (URL, "The Athletic")
    first, press, ninety_eight = quotes
    assert first.speaker.slug == KERR
    assert SEED[first.article_start : first.article_start + 17] == "I think it scared"
    assert first.imported_text == first.text
    assert (press.said_on, press.said_on_precision) == (datetime.date(2024, 5, 23), "day")
    assert ninety_eight.speaker.slug == KERR
    assert [a.slug for a in ninety_eight.about.all()] == [JAKOB]
    assert (ninety_eight.said_on, ninety_eight.said_on_precision) == (
        datetime.date(2024, 2, 1),
        "month",
    )


def test_reading_the_article_again_proposes_only_what_it_does_not_hold(editor_client):
    record()
    response = review(editor_client)
    editor_client.post(PAGE, keep(response, {1: {}, 2: {}}))
    again = review(editor_client)
    assert len(again.context["reviewed"]) == len(SEED_STATEMENTS) - 2


def test_the_editor_corrects_the_words_and_the_first_words_are_kept(editor_client):
    record()
    response = review(editor_client)
    editor_client.post(PAGE, keep(response, {1: {"text": "I think it scared the coaches."}}))
    quote = Quote.objects.get()
    assert quote.text == "I think it scared the coaches."
    assert quote.imported_text.startswith("I think it scared the coaching staff")


def test_an_unknown_speaker_is_an_error_that_names_it(editor_client):
    record()
    response = review(editor_client)
    bad = editor_client.post(PAGE, keep(response, {1: {"speaker": "Josh Kerrr"}}))
    assert bad.status_code == 200
    assert "&#x27;Josh Kerrr&#x27; is no athlete in the record" in bad.content.decode()
    assert not Quote.objects.exists()


def test_a_speaker_who_is_no_athlete_keeps_the_name(editor_client):
    record()
    response = review(editor_client)
    editor_client.post(PAGE, keep(response, {2: {}}))
    quote = Quote.objects.get()
    assert (quote.speaker, quote.speaker_name) == (None, "BBC Sport")


def test_nothing_kept_saves_nothing(editor_client):
    record()
    response = review(editor_client)
    again = editor_client.post(PAGE, keep(response, {}))
    assert again.status_code == 200
    assert not Article.objects.exists()


def test_the_review_page_reads_the_article_in_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    record()
    with django_assert_max_num_queries(60):
        review(editor_client)


# --- manage.py import_article ----------------------------------------------------------------


def run(tmp_path, *options: str) -> str:
    path = tmp_path / "article.txt"
    path.write_text(SEED, encoding="utf-8")
    out = io.StringIO()
    call_command("import_article", str(path), *options, stdout=out)
    return out.getvalue()


def test_import_article_json_prints_the_proposals(tmp_path):
    record()
    printed = json.loads(
        run(tmp_path, "--url", URL, "--published", "2024-05-25", "--dry-run", "--json")
    )
    assert len(printed) == len(SEED_STATEMENTS)
    kerr = printed[0]
    assert set(kerr) == {
        "text",
        "speaker",
        "speaker_name",
        "about",
        "said_on",
        "precision",
        "language",
        "start",
        "end",
    }
    assert kerr["speaker"] == {"slug": KERR, "name": "Josh Kerr"}
    assert (kerr["said_on"], kerr["precision"], kerr["language"]) == ("2024-05-25", "day", "en")
    assert SEED[kerr["start"] : kerr["start"] + 17] == "I think it scared"
    post = printed[1]
    assert (post["speaker"], post["speaker_name"]) == (None, "BBC Sport")
    assert not Quote.objects.exists()


def test_import_article_saves_unpublished_quotes_once(tmp_path):
    record()
    options = ("--url", URL, "--published", "2024-05-25", "--publisher", "The Athletic")
    first = run(tmp_path, *options)
    assert f"{len(SEED_STATEMENTS)} statements found, {len(SEED_STATEMENTS)} new" in first
    assert Quote.objects.filter(published=False).count() == len(SEED_STATEMENTS)
    article = Article.objects.get()
    assert article.source.publisher == "The Athletic"
    again = run(tmp_path, *options)
    assert f"0 new, {len(SEED_STATEMENTS)} already held" in again
    assert Quote.objects.count() == len(SEED_STATEMENTS)
    assert json.loads(run(tmp_path, *options, "--json")) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--url", "nowhere", "--published", "2024-05-25"), "--url 'nowhere' is not an http"),
        (("--url", URL, "--published", "25 May"), "--published '25 May' is not a date"),
        (("--url", URL, "--published", "2024-05-25", "--language", "x!"), "'x!' is not a lang"),
    ],
)
def test_import_article_rejects_bad_options_quoting_them(tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, *options)


def test_an_article_stored_with_another_text_is_not_replaced(tmp_path):
    record()
    run(tmp_path, "--url", URL, "--published", "2024-05-25")
    path = tmp_path / "other.txt"
    path.write_text("“I am ready,” Kerr said.", encoding="utf-8")
    with pytest.raises(CommandError, match="is already stored with another text"):
        call_command("import_article", str(path), "--url", URL, "--published", "2024-05-25")
    assert Athlete.objects.filter(slug=KERR).exists()


def test_an_uploaded_article_is_read_like_a_pasted_one(editor_client):
    record()
    upload = SimpleUploadedFile("seed.txt", SEED.encode("utf-8"), content_type="text/plain")
    response = editor_client.post(PAGE, {**ARTICLE, "text": "", "upload": upload, "read": "1"})
    assert response.status_code == 200
    assert len(response.context["reviewed"]) == len(SEED_STATEMENTS)


def test_an_upload_that_is_not_utf8_says_so(editor_client):
    upload = SimpleUploadedFile("seed.txt", "Kerr sa «hei»".encode("utf-16"))
    response = editor_client.post(PAGE, {**ARTICLE, "text": "", "upload": upload, "read": "1"})
    assert "is not UTF-8 text" in response.content.decode()
