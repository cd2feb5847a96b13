"""The tip form's counters (``intake.ratelimit``): the rate syntax and per-ident windows."""

import pytest

from intake.ratelimit import parse_rate, rate_hit


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("5/hour", (5, 3600)),
        ("10/minute", (10, 60)),
        ("1/s", (1, 1)),
        ("100/day", (100, 86400)),
        ("10/15m", (10, 900)),  # a multiple of the unit
        (" 3 / h ", (3, 3600)),
    ],
)
def test_rates(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "5", "five/hour", "5/fortnight", "5/hour/2", "-1/hour"])
def test_malformed_rates_are_refused(rate):
    with pytest.raises(ValueError, match="malformed rate"):
        parse_rate(rate)


def test_each_ident_has_its_own_counter():
    assert [rate_hit("t", "a", "2/hour").allowed for _ in range(3)] == [True, True, False]
    assert rate_hit("t", "b", "2/hour").allowed
    assert rate_hit("other", "a", "2/hour").allowed  # scopes are apart
    assert 1 <= rate_hit("t", "a", "2/hour").wait <= 3600
