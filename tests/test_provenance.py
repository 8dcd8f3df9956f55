import pytest

from athletes.provenance import Citations, cite

RACE = "https://example.org/official"
REPORT = "https://example.org/report"
OTHER = "https://example.org/other"


@pytest.mark.parametrize(
    ("race_url", "own", "expected"),
    [
        (RACE, ["", "", ""], Citations((RACE,), (None, None, None))),
        (RACE, ["", REPORT, REPORT], Citations((RACE, REPORT), (None, 2, 2))),
        (RACE, [OTHER, "", REPORT], Citations((RACE, OTHER, REPORT), (2, None, 3))),
        (RACE, [RACE, REPORT], Citations((RACE, REPORT), (None, 2))),
        ("", ["", REPORT, OTHER], Citations((REPORT, OTHER), (None, 1, 2))),
        ("", ["", ""], Citations((), (None, None))),
        (RACE, [], Citations((RACE,), ())),
    ],
)
def test_each_source_is_numbered_once_the_races_first(race_url, own, expected):
    assert cite(race_url, own) == expected
