from datetime import UTC, datetime

import pytest

from contracts.messages import Locale
from notification.domain.dates import format_datetime, format_period


@pytest.mark.parametrize(
    ("moment", "locale", "expected"),
    [
        (
            datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
            Locale.DE,
            "Donnerstag, 12. März 2026, 10:00 Uhr",
        ),
        (datetime(2026, 7, 1, 8, 30, tzinfo=UTC), Locale.DE, "Mittwoch, 1. Juli 2026, 10:30 Uhr"),
        (datetime(2026, 3, 12, 9, 0, tzinfo=UTC), Locale.EN, "Thursday, 12 March 2026, 10:00 CET"),
        (datetime(2026, 7, 1, 8, 30, tzinfo=UTC), Locale.EN, "Wednesday, 1 July 2026, 10:30 CEST"),
        (
            datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
            Locale.DE,
            "Freitag, 1. Januar 2027, 00:30 Uhr",
        ),
    ],
)
def test_dates_read_as_in_berlin(moment, locale, expected):
    assert format_datetime(moment, locale) == expected


def test_a_one_day_event_shows_the_day_once():
    starts = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    ends = datetime(2026, 3, 12, 15, 30, tzinfo=UTC)

    assert format_period(starts, ends, Locale.DE) == "Donnerstag, 12. März 2026, 10:00–16:30 Uhr"


def test_a_longer_event_shows_both_days():
    starts = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    ends = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)

    assert format_period(starts, ends, Locale.DE) == (
        "Donnerstag, 12. März 2026, 10:00 Uhr bis Freitag, 13. März 2026, 13:00 Uhr"
    )
    assert format_period(starts, ends, Locale.EN) == (
        "Thursday, 12 March 2026, 10:00 CET to Friday, 13 March 2026, 13:00 CET"
    )
