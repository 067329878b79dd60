"""Cron expressions: fields, names, steps, macros, day-field OR rule, time zones, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stategraph.server._cron_schedule import CronSyntaxError, parse_schedule, parse_timezone

FRIDAY_1750 = datetime(2026, 11, 27, 17, 50, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("* * * * *", datetime(2026, 11, 27, 17, 51, tzinfo=UTC)),
        ("*/15 * * * *", datetime(2026, 11, 27, 18, 0, tzinfo=UTC)),
        ("*/15 9-17 * * mon-fri", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("50 17 * * *", datetime(2026, 11, 28, 17, 50, tzinfo=UTC)),  # strictly after
        ("0 0 1 jan *", datetime(2027, 1, 1, tzinfo=UTC)),
        ("0 12 * * 7", datetime(2026, 11, 29, 12, 0, tzinfo=UTC)),  # 7 is Sunday
        ("5,10 3/10 * * *", datetime(2026, 11, 27, 23, 5, tzinfo=UTC)),  # hours 3, 13, 23
        ("0 0 29 2 *", datetime(2028, 2, 29, tzinfo=UTC)),
        ("@hourly", datetime(2026, 11, 27, 18, 0, tzinfo=UTC)),
        ("@weekly", datetime(2026, 11, 29, tzinfo=UTC)),
        # both day fields restricted: the 13th or any Friday; Fri 4 Dec comes first
        ("0 0 13 * fri", datetime(2026, 12, 4, tzinfo=UTC)),
        ("0 0 1 * fri", datetime(2026, 12, 1, tzinfo=UTC)),
    ],
)
def test_next_after(expression: str, expected: datetime) -> None:
    assert parse_schedule(expression).next_after(FRIDAY_1750) == expected


def test_time_zone_wall_clock_including_dst() -> None:
    paris = parse_timezone("Europe/Paris")
    daily_9 = parse_schedule("0 9 * * *")
    assert daily_9.next_after(FRIDAY_1750, paris) == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert daily_9.next_after(summer, paris) == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    assert parse_timezone(None) is UTC


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("* * * *", "must have 5 fields"),
        ("60 * * * *", "minute field '60' is out of range"),
        ("* * * foo *", "'foo' is not a number or a name"),
        ("*/0 * * * *", "step must be at least 1"),
        ("5-1 * * * *", "start <= end"),
        ("0 0 31 2 *", "never fires"),
    ],
)
def test_errors_name_the_field(expression: str, message: str) -> None:
    with pytest.raises(CronSyntaxError, match=message):
        parse_schedule(expression).next_after(FRIDAY_1750)


def test_unknown_time_zone() -> None:
    with pytest.raises(CronSyntaxError, match="Time zone 'Mars/Base' is unknown"):
        parse_timezone("Mars/Base")
