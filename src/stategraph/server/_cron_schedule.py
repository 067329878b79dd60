"""Five-field cron expressions (minute hour day-of-month month day-of-week) and their next time.

Fields take ``*``, numbers, ranges ``a-b``, steps ``*/n`` / ``a-b/n`` / ``a/n`` and comma lists;
months and weekdays also take names (``jan``, ``mon``); weekday 0 and 7 are Sunday.  The
macros ``@hourly``, ``@daily``/``@midnight``, ``@weekly``, ``@monthly``, ``@yearly``/``@annually``
are accepted.  As in cron, when both day fields are restricted a day matching either fires.
Times are computed in the schedule's time zone and returned in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["CronSchedule", "CronSyntaxError", "parse_schedule", "parse_timezone"]

_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# field name, lowest, highest, names (index + lowest = value)
_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_HORIZON = timedelta(days=366 * 5)  # a schedule with no time in five years never fires


class CronSyntaxError(ValueError):
    """A schedule or time zone that cannot be used; the message says which part and why."""


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """The sets of minutes, hours, days, months and weekdays (0 = Sunday) that fire."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool  # day of month is '*'
    any_weekday: bool  # day of week is '*'

    def next_after(self, after: datetime, zone: tzinfo = UTC) -> datetime:
        """Return the first firing time strictly after ``after`` (aware), in UTC."""
        local = after.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        moment = local + timedelta(minutes=1)
        limit = moment + _HORIZON
        while moment < limit:
            if moment.month not in self.months:
                moment = _next_month(moment)
            elif not self._day_fires(moment):
                moment = datetime(moment.year, moment.month, moment.day) + timedelta(days=1)
            elif moment.hour not in self.hours:
                moment = moment.replace(minute=0) + timedelta(hours=1)
            elif moment.minute not in self.minutes:
                moment += timedelta(minutes=1)
            else:
                fire = moment.replace(tzinfo=zone).astimezone(UTC)
                if fire > after:  # why: a DST fold can map a later wall time to an earlier instant
                    return fire
                moment += timedelta(minutes=1)
        raise CronSyntaxError(f"Schedule {self.expression!r} never fires; check its day fields.")

    def _day_fires(self, moment: datetime) -> bool:
        in_month = moment.day in self.days
        in_week = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week


def _next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return datetime(year, month, 1)


def parse_schedule(expression: str) -> CronSchedule:
    """Parse a cron expression, or raise :class:`CronSyntaxError` naming the bad field."""
    text = _MACROS.get(expression.strip().lower(), expression)
    parts = text.split()
    if len(parts) != 5:
        raise CronSyntaxError(
            f"Schedule {expression!r} must have 5 fields (minute hour day-of-month month "
            "day-of-week), e.g. '*/5 * * * *', or be a macro like '@hourly'."
        )
    values = [_parse_field(p, *spec) for p, spec in zip(parts, _FIELDS, strict=True)]
    weekdays = frozenset(d % 7 for d in values[4])  # 7 is Sunday too
    return CronSchedule(
        expression, values[0], values[1], values[2], values[3], weekdays,
        any_day=parts[2].startswith("*"), any_weekday=parts[4].startswith("*"),
    )  # fmt: skip


def _parse_field(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> frozenset:
    chosen: set[int] = set()
    for item in text.split(","):
        span, _, step_text = item.partition("/")
        step = _number(step_text, name, item, names=()) if step_text else 1
        if step < 1:
            raise CronSyntaxError(f"Cron {name} field {item!r}: the step must be at least 1.")
        if span == "*":
            start, stop = low, high
        elif "-" in span:
            first, _, last = span.partition("-")
            start, stop = _number(first, name, item, names), _number(last, name, item, names)
        else:
            start = _number(span, name, item, names)
            stop = high if step_text else start
        if not low <= start <= stop <= high:
            raise CronSyntaxError(
                f"Cron {name} field {item!r} is out of range; use {low}-{high} with start <= end."
            )
        chosen.update(range(start, stop + 1, step))
    return frozenset(chosen)


def _number(text: str, name: str, item: str, names: tuple[str, ...]) -> int:
    lowered = text.lower()
    if lowered in names:
        return names.index(lowered) + (1 if names is _MONTHS else 0)
    if not text.isdigit():
        raise CronSyntaxError(
            f"Cron {name} field {item!r}: {text!r} is not a number"
            + (f" or a name ({', '.join(names)})." if names else ".")
        )
    return int(text)


def parse_timezone(name: str | None) -> tzinfo:
    """Return the IANA zone ``name`` (None: UTC), or raise :class:`CronSyntaxError`."""
    if name is None:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronSyntaxError(
            f"Time zone {name!r} is unknown; use an IANA name such as 'Europe/Paris' or 'UTC'."
        ) from None
