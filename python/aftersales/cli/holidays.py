"""`aftersales holidays`: a calendar's `holidays` and `workdays` (make-up working days) from the
`holidays` package or an iCalendar file, each entry with its name and source; printed as a JSON
fragment or merged into a calendar of a policy, written to a new file (docs/calendars.md,
"Holidays imported", states every rule)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from aftersales import Policy, PolicyError
from aftersales.cli._common import Options, UsageError, described, input_name, load, one_line, parse_json, read_bytes, read_text

FIRST_YEAR, LAST_YEAR = 1970, 2200  # the calendars' supported years
INSTALL = "pip install 'aftersales[holidays]'"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Each date with the names found for it, in the order found; a date with no name of its own is a
# weekend inside a break (see _bridge_weekends).
Days = dict[dt.date, list[str]]


class Imported(NamedTuple):
    holidays: Days
    workdays: Days
    source: str


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], _options: Options) -> None:
    command = commands.add_parser(
        "holidays",
        help="a calendar's holidays and make-up working days from the holidays package or an .ics file",
        **described(
            "Writes {\"holidays\": [...], \"workdays\": [...]} for a calendar, or the policy with them merged "
            "into --calendar. Needs " + INSTALL + ".",
            "aftersales holidays --country CN --years 2025 --workday-hours 09:00-18:00",
            "aftersales holidays --ical holidays.ics --years 2026 --workday-match 上班 --workday-hours 09:00-18:00",
            "aftersales holidays --country DE --subdiv BY --years 2027 --policy P --calendar eu-service -o P2",
        ),
    )
    origin = command.add_mutually_exclusive_group(required=True)
    origin.add_argument("--country", help="ISO 3166 country code known to the holidays package (CN, DE, US, ...)")
    origin.add_argument("--ical", metavar="FILE", help="an iCalendar (.ics) file, or - for standard input")
    command.add_argument("--subdiv", help="subdivision of --country (a state or province code, e.g. BY)")
    command.add_argument("--language", help="language of --country's names (default en_US where the package has it)")
    command.add_argument("--years", type=year_span, metavar="Y|Y1-Y2",
                         help="years to import (required with --country and for repeating .ics events)")
    command.add_argument("--workday-match", metavar="TEXT",
                         help="with --ical: events whose summary contains TEXT are make-up working days")
    command.add_argument("--workday-hours", type=day_hours, metavar="HH:MM-HH:MM[,...]",
                         help="hours of the make-up working days (default when merging: the calendar's weekday hours)")
    command.add_argument("--policy", help="merge into a calendar of this policy (written to -o, never in place)")
    command.add_argument("--calendar", metavar="NAME", help="the calendar of --policy to merge into")
    command.add_argument("-o", "--output", metavar="FILE", help="a new file to write (default: standard output)")
    command.set_defaults(run=run)


def year_span(text: str) -> range:
    """`2026` or `2024-2027`, inside the calendars' years."""
    match = re.fullmatch(r"([0-9]{4})(?:-([0-9]{4}))?", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a year or a range of years such as 2024-2027, got {text[:30]!r}")
    first, last = int(match[1]), int(match[2] or match[1])
    if not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"expected years from {FIRST_YEAR} to {LAST_YEAR}, the first not after the last, got {text!r}")
    return range(first, last + 1)


def day_hours(text: str) -> list[str]:
    """`09:00-18:00` or `09:00-12:00,13:00-18:00`, checked by the loader's own rules for hours."""
    ranges = text.split(",")
    probe = {"schema_version": 1, "calendars": {"probe": {"timezone": "UTC", "hours": {"daily": ranges}}}}
    try:
        Policy.from_json(json.dumps(probe))
    except PolicyError as error:
        reasons = "; ".join(message for _path, message in error.problems)
        raise argparse.ArgumentTypeError(f"expected hours such as 09:00-18:00: {reasons}") from None
    return ranges


def run(args: argparse.Namespace) -> None:
    if (args.policy is None) != (args.calendar is None):
        raise UsageError("--policy and --calendar go together")
    if args.country is not None and args.years is None:
        raise UsageError("--country needs --years (e.g. --years 2024-2027)")
    misplaced = (["--subdiv", "--language"] if args.ical is not None else ["--workday-match"])
    for option in misplaced:
        if getattr(args, option[2:].replace("-", "_")) is not None:
            raise UsageError(f"{option} goes with {'--country' if args.ical is not None else '--ical'}")
    imported = (from_package(args.country, args.subdiv, args.years, args.language) if args.country is not None
                else from_ical(args.ical, args.years, args.workday_match))
    if args.policy is None:
        document: dict[str, Any] = fragment(imported, _workday_hours(args.workday_hours, None, imported))
        _check({"schema_version": 1, "calendars": {"imported": {"timezone": "UTC", "hours": "24x7", **document}}},
               "the imported dates")
    else:
        document = merged(args.policy, args.calendar, imported, args.workday_hours)
    _write(to_json(document) + "\n", args.output)


# ---- The holidays package -----------------------------------------------------------------------


def from_package(country: str, subdiv: str | None, years: range, language: str | None) -> Imported:
    """Every date the package lists for `country` in `years` is a holiday; its make-up working days
    (`weekend_workdays`, China's 调休上班) are workdays."""
    holidays = _import("holidays")
    try:
        # Names in a fixed language: the package would otherwise follow the LANG of the shell.
        kind = holidays.country_holidays(country, subdiv=subdiv)
        chosen = language or ("en_US" if "en_US" in kind.supported_languages else None)
        listed = holidays.country_holidays(country, subdiv=subdiv, years=years, language=chosen)
    except NotImplementedError as error:  # the package's word for an unknown country or subdivision
        raise UsageError(f"--country {country}{' --subdiv ' + subdiv if subdiv else ''}: {error}") from None
    # Versions of the package before weekend_workdays know no make-up days, like most countries.
    worked: set[dt.date] = set(getattr(listed, "weekend_workdays", ()))
    workdays: Days = {day: ["make-up working day"] for day in sorted(worked) if day.year in years}
    days: Days = {}
    for day, names in sorted(listed.items()):
        days[day] = names.split("; ")  # the package joins two holidays of one date with "; "
    if worked:
        _bridge_weekends(days, listed.weekend, worked)
        for year in sorted(set(years) - {day.year for day in workdays}):
            print(f"aftersales: note: the holidays package {holidays.__version__} lists no make-up working days "
                  f"for {country} in {year}: its dates for that year may be computed, not announced",
                  file=sys.stderr)
    label = country + (f"-{subdiv}" if subdiv else "")
    return Imported(days, workdays, f"holidays {holidays.__version__} {label}")


def _bridge_weekends(days: Days, weekend: Iterable[int], worked: Iterable[dt.date]) -> None:
    """Where a country moves working days onto weekends (China), the package lists the days off
    that replace working days but not every weekend inside the break; a weekend day between two
    listed dates, with no make-up working day among them, is part of the break (2025: Spring
    Festival Tue 01-28 to Tue 02-04, as the notice gives it). Weekends at either end are left
    out: the package cannot tell whether the notice counts them."""
    weekend_days, worked_days = set(weekend), set(worked)
    listed = sorted(days)
    for before, after in zip(listed, listed[1:]):
        gap = [before + dt.timedelta(days=n) for n in range(1, (after - before).days)]
        if gap and all(day.weekday() in weekend_days and day not in worked_days for day in gap):
            days.update({day: [] for day in gap})


# ---- iCalendar ------------------------------------------------------------------------------------


def from_ical(source: str, years: range | None, workday_match: str | None) -> Imported:
    """All-day events are holidays (or workdays, when their summary contains `workday_match`);
    timed events are skipped with a note; repeating events are expanded over `years`."""
    icalendar = _import("icalendar")
    name = input_name(source)
    try:
        calendar = icalendar.Calendar.from_ical(read_bytes(source, "iCalendar file"))
    except ValueError:  # its message quotes the line it could not read
        raise UsageError(f"{name}: not an iCalendar file") from None
    holidays: Days = {}
    workdays: Days = {}
    timed = []
    for event in calendar.walk("VEVENT"):
        summary = str(event.get("SUMMARY", "")).strip()
        try:
            start = _date_of(event, "DTSTART", name, summary)
            dates = None if isinstance(start, dt.datetime) else list(_event_days(event, start, years, name, summary))
        except ValueError:  # icalendar's BrokenCalendarProperty, a rule dateutil cannot read
            raise UsageError(f"{name}: event {summary!r}: a date, duration or RRULE that is not valid iCalendar") from None
        if dates is None:
            timed.append(summary)
            continue
        target = workdays if workday_match and workday_match in summary else holidays
        for day in dates:
            if years is None or day.year in years:
                names = target.setdefault(day, [])
                if summary and summary not in names:
                    names.append(summary)
    if timed:
        print(f"aftersales: note: {name}: skipped {len(timed)} timed event(s) (the first: {timed[0]!r}); "
              "only all-day events are holidays", file=sys.stderr)
    return Imported(dict(sorted(holidays.items())), dict(sorted(workdays.items())), Path(name).name)


def _date_of(event: Any, key: str, name: str, summary: str) -> dt.date:
    value = event.get(key)
    if value is None or not isinstance(getattr(value, "dt", None), dt.date):
        raise UsageError(f"{name}: event {summary!r}: {key} is missing or not a date")
    return value.dt  # type: ignore[no-any-return]


def _event_days(event: Any, start: dt.date, years: range | None, name: str, summary: str) -> Iterator[dt.date]:
    """The dates an all-day event covers: DTEND is exclusive (RFC 5545), DURATION counts days,
    neither means one day; each occurrence of an RRULE covers as many days."""
    for key in ("RDATE", "RECURRENCE-ID"):
        if key in event:
            raise UsageError(f"{name}: event {summary!r}: {key} is not supported (list the dates as events)")
    if "DTEND" in event:
        end = _date_of(event, "DTEND", name, summary)
        if isinstance(end, dt.datetime):
            raise UsageError(f"{name}: event {summary!r}: DTEND has a time of day, DTSTART has none")
        length = (end - start).days
    elif "DURATION" in event:
        length = event["DURATION"].dt.days
    else:
        length = 1
    if length < 1:
        raise UsageError(f"{name}: event {summary!r}: ends before the day after it starts")
    for first in _occurrences(event, start, years, name, summary):
        yield from (first + dt.timedelta(days=n) for n in range(length))


def _occurrences(event: Any, start: dt.date, years: range | None, name: str, summary: str) -> list[dt.date]:
    if "RRULE" not in event:
        return [start]
    if years is None:
        raise UsageError(f"{name}: event {summary!r} repeats (RRULE): give --years to say which occurrences to import")
    from dateutil import rrule  # type: ignore[import-untyped, unused-ignore]  # a dependency of icalendar

    recurrence = dict(event["RRULE"])
    if "UNTIL" in recurrence:  # dateutil wants UNTIL as naive as DTSTART: an all-day event's date
        until = recurrence["UNTIL"][0]
        recurrence["UNTIL"] = [until.date() if isinstance(until, dt.datetime) else until]
    text = type(event["RRULE"])(recurrence).to_ical().decode()
    midnight = dt.datetime.combine(start, dt.time())
    rule = rrule.rrulestr(text, dtstart=midnight)
    excluded = {moment.dt if not isinstance(moment.dt, dt.datetime) else moment.dt.date()
                for exdate in _as_list(event.get("EXDATE")) for moment in exdate.dts}
    window = (dt.datetime(years[0], 1, 1), dt.datetime(years[-1], 12, 31))
    return [moment.date() for moment in rule.between(*window, inc=True) if moment.date() not in excluded]


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


# ---- Entries, fragment, merge ---------------------------------------------------------------------


def entries(days: Days, source: str, hours: list[str] | None = None) -> list[dict[str, Any]]:
    """Consecutive dates as one entry (a date, or an inclusive range), named with every name of
    its dates in order, joined by "; "."""
    result: list[dict[str, Any]] = []
    streak: list[dt.date] = []
    for day in sorted(days):
        if streak and day != streak[-1] + dt.timedelta(days=1):
            result.append(_entry(streak, days, source, hours))
            streak = []
        streak.append(day)
    if streak:
        result.append(_entry(streak, days, source, hours))
    return result


def _entry(streak: list[dt.date], days: Days, source: str, hours: list[str] | None) -> dict[str, Any]:
    first, last = streak[0].isoformat(), streak[-1].isoformat()
    entry: dict[str, Any] = {"date": first} if first == last else {"from": first, "to": last}
    if hours is not None:
        entry["hours"] = hours
    names = list(dict.fromkeys(name for day in streak for name in days[day]))
    if names:
        entry["name"] = "; ".join(names)
    entry["source"] = source
    return entry


def fragment(imported: Imported, hours: list[str] | None) -> dict[str, Any]:
    return {"holidays": entries(imported.holidays, imported.source),
            "workdays": entries(imported.workdays, imported.source, hours)}


def merged(policy_path: str, name: str, imported: Imported, hours: list[str] | None) -> Any:
    """The policy with the imported entries appended to calendar `name`'s lists. Entries already
    there are kept as they are; an imported date that one of them covers already is refused by the
    loader's own rule (two entries for one date), so nothing is overwritten."""
    policy = load(Path(policy_path))  # a policy that does not load is reported as itself, not as a clash
    if name not in policy.calendar_names:
        known = ", ".join(policy.calendar_names) or "none"
        raise UsageError(f"{policy_path}: no calendar {name!r} to merge into (calendars: {known})")
    document = parse_json(read_text(policy_path, "policy"), policy_path)
    calendar = document["calendars"][name]
    addition = fragment(imported, _workday_hours(hours, calendar, imported))
    for key, new in addition.items():
        if new:
            calendar[key] = list(calendar.get(key, [])) + new
    _check(document, f"{policy_path}: cannot merge into calendars.{name}",
           " (entries already there are never replaced: remove them, or import other years)")
    return document


def _check(document: Any, what: str, advice: str = "") -> None:
    """The loader's word on `document`: the calendars' rules are checked in one place."""
    try:
        Policy.from_json(json.dumps(document))
    except PolicyError as error:
        raise UsageError(f"{what}: {one_line(str(error))}{advice}") from None


def _workday_hours(given: list[str] | None, calendar: dict[str, Any] | None, imported: Imported) -> list[str] | None:
    """`--workday-hours`, else the hours the calendar keeps Monday to Friday when they are the same."""
    if given is not None or not imported.workdays:
        return given
    weekday = _weekday_hours(calendar["hours"]) if calendar is not None else None
    if weekday is None:
        where = "the calendar's Monday-Friday hours differ or are missing" if calendar is not None else "no calendar"
        raise UsageError(f"{len(imported.workdays)} make-up working day(s) need hours: give --workday-hours "
                         f"(e.g. 09:00-18:00); {where}")
    return weekday


def _weekday_hours(hours: Any) -> list[str] | None:
    if hours == "24x7":
        return ["00:00-24:00"]
    if not isinstance(hours, dict):
        return None
    of_day: dict[int, Any] = {}
    for key, ranges in hours.items():
        for day in _days_of_key(key):
            of_day[day] = ranges
    monday_to_friday = [of_day.get(day) for day in range(5)]
    first = monday_to_friday[0]
    return list(first) if first and all(ranges == first for ranges in monday_to_friday) else None


def _days_of_key(key: str) -> list[int]:
    """`mon`, `mon-fri` (wrapping around the week), `daily`: as docs/calendars.md defines them."""
    if key == "daily":
        return list(range(7))
    first, _, last = key.partition("-")
    if first not in WEEKDAYS or (last or first) not in WEEKDAYS:
        return []  # the loader names the bad key
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    return [(start + n) % 7 for n in range((end - start) % 7 + 1)]


def to_json(value: Any, indent: str = "") -> str:
    """Indented JSON with each object of plain values (a holiday entry) on one line."""
    inner = indent + "  "
    if isinstance(value, dict) and any(isinstance(v, dict) or _nested_list(v) for v in value.values()):
        members = (f"{inner}{json.dumps(k, ensure_ascii=False)}: {to_json(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    if _nested_list(value):
        return "[\n" + ",\n".join(inner + to_json(v, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def _nested_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        # "x": a file that exists is never replaced, the policy merged from included.
        with open(output, "x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise UsageError(f"{output}: exists already; write to a new file") from None
    except OSError as error:
        raise UsageError(f"{output}: cannot write: {error.strerror}") from None


def _import(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise UsageError(f"the {module} package is not installed: {INSTALL}") from None
