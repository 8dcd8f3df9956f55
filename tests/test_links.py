"""The fast links and the template filters that write places and flags."""

import pytest
from django.urls import reverse, set_script_prefix

from athletes.links import path_to, race_path
from athletes.templatetags.athletics import flags, ordinal


@pytest.mark.parametrize(
    ("name", "key"),
    [("race", 7), ("race", 123456), ("quote", 42), ("athlete", "josh-kerr"), ("rivalry", "a-b-1")],
)
def test_path_to_is_what_reverse_gives(name, key):
    assert path_to(name, key) == reverse(name, args=[key])


def test_race_path_keeps_the_script_prefix():
    set_script_prefix("/site/")
    try:
        assert race_path(9) == reverse("race", args=[9]) == "/site/races/9/"
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
        (None, ""),
    ],
)
def test_ordinal_writes_places_as_english_does(number, text):
    assert ordinal(number) == text


def test_flags_are_escaped_abbreviations_that_spell_themselves_out():
    assert flags(("PB", "<b>")) == (
        '<abbr class="flag" title="Personal best">PB</abbr> '
        '<abbr class="flag" title="&lt;b&gt;">&lt;b&gt;</abbr>'
    )
    assert flags(()) == ""
