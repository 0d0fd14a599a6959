"""`aftersales holidays` (docs/calendars.md, "Holidays imported") and China's schedule shipped in
examples/holidays. Every expected date is read from the State Council notices or from the
hand-written .ics fixture, never from the command's output."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aftersales import Policy, parse_instant
from aftersales.cli import main

holidays = pytest.importorskip("holidays")
pytest.importorskip("icalendar")

REPO = Path(__file__).resolve().parents[2]
ICS = REPO / "tests" / "fixtures" / "holidays" / "company-2026.ics"
CN_SCHEDULE = REPO / "examples" / "holidays" / "cn-2024-2026.json"
SOURCE = f"holidays {holidays.__version__} CN"


def package_covers_china(year: int) -> bool:
    """Whether the installed package has the year's notice: every year since 2008 has make-up days."""
    return any(day.year == year for day in getattr(holidays.country_holidays("CN", years=year), "weekend_workdays", ()))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The exit status, whether returned or raised by argparse, standard output and error."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def spans(entries: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each entry as (first date, last date)."""
    return [(e["date"], e["date"]) if "date" in e else (e["from"], e["to"]) for e in entries]


def days_of(entries: Iterable[dict[str, Any]]) -> set[dt.date]:
    return {day for first, last in spans(entries) for day in date_range(first, last)}


def date_range(first: str, last: str) -> Iterator[dt.date]:
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


# ---- From the holidays package ------------------------------------------------------------------


def test_china_2025_from_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    if not package_covers_china(2025):
        pytest.skip(f"holidays {holidays.__version__} predates China's 2025 notice")
    status, out, err = run(capsys, "holidays", "--country", "CN", "--years", "2025", "--workday-hours", "09:00-18:00")
    assert (status, err) == (0, "")
    fragment = json.loads(out)
    # The 2025 notice (国办发明电〔2024〕12号): Jan 1; Jan 28-Feb 4; Apr 4-6; May 1-5; May 31-Jun 2;
    # Oct 1-8. The package lists the days off on working days (and some weekend days); weekends
    # between them join the break (Sat-Sun Feb 1-2, May 3-4, Jun 1, Oct 4-5), weekends at an end
    # do not: Qingming is Fri Apr 4 alone, where the notice adds Sat-Sun Apr 5-6.
    assert spans(fragment["holidays"]) == [
        ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-04"),
        ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    ]
    spring = fragment["holidays"][1]
    assert "Spring Festival" in spring["name"] and spring["source"] == SOURCE
    # Make-up working days of the notice: Sun Jan 26, Sat Feb 8, Sun Apr 27, Sun Sep 28, Sat Oct 11.
    assert fragment["workdays"] == [
        {"date": day, "hours": ["09:00-18:00"], "name": "make-up working day", "source": SOURCE}
        for day in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11")
    ]


def test_no_weekend_joins_holidays_where_there_are_no_make_up_days(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "holidays", "--country", "DE", "--years", "2026")
    assert status == 0
    fragment = json.loads(out)
    # Germany's nationwide 2026 holidays (docs/calendars.md): Good Friday Apr 3 and Easter Monday
    # Apr 6 stay apart (Easter Saturday is a working day); Dec 25-26 are one range.
    assert spans(fragment["holidays"]) == [
        ("2026-01-01", "2026-01-01"), ("2026-04-03", "2026-04-03"), ("2026-04-06", "2026-04-06"),
        ("2026-05-01", "2026-05-01"), ("2026-05-14", "2026-05-14"), ("2026-05-25", "2026-05-25"),
        ("2026-10-03", "2026-10-03"), ("2026-12-25", "2026-12-26"),
    ]
    assert fragment["workdays"] == []
    assert fragment["holidays"][0]["source"] == f"holidays {holidays.__version__} DE"


def test_a_year_without_make_up_days_is_noted(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "holidays", "--country", "CN", "--years", "2099")
    assert status == 0 and json.loads(out)["workdays"] == []
    assert "no make-up working days for CN in 2099" in err


# ---- From an iCalendar file ---------------------------------------------------------------------


def test_ical_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "holidays", "--ical", str(ICS), "--years", "2026-2027",
                           "--workday-match", "上班", "--workday-hours", "09:00-18:00")
    assert status == 0
    fragment = json.loads(out)
    # From the fixture: New Year DTEND the next day (one day); Spring Festival DTEND 02-24 is
    # exclusive: 02-15..02-23; Dragon Boat DURATION P3D: 06-19..06-21; Company Day repeats
    # yearly from 2024 with 2027 excluded: 2026-09-15 only inside 2026-2027; National Day
    # 10-01..10-07 and the sale freeze 10-07..10-08 overlap: one range 10-01..10-08 with both
    # names; the 2028 New Year lies outside --years; the timed offsite is skipped.
    assert fragment["holidays"] == [
        {"date": "2026-01-01", "name": "New Year's Day", "source": ICS.name},
        {"from": "2026-02-15", "to": "2026-02-23", "name": "Spring Festival", "source": ICS.name},
        {"from": "2026-06-19", "to": "2026-06-21", "name": "Dragon Boat Festival", "source": ICS.name},
        {"date": "2026-09-15", "name": "Company Day", "source": ICS.name},
        {"from": "2026-10-01", "to": "2026-10-08", "name": "National Day; Golden Week sale freeze", "source": ICS.name},
    ]
    # No DTEND nor DURATION: one day.
    assert fragment["workdays"] == [
        {"date": "2026-02-14", "hours": ["09:00-18:00"], "name": "上班 (Spring Festival)", "source": ICS.name}]
    assert "skipped 1 timed event" in err and "Team offsite" in err


def test_ical_repeating_event_needs_years(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "holidays", "--ical", str(ICS))
    assert (status, out) == (2, "")
    assert "'Company Day' repeats (RRULE): give --years" in err


def test_ical_from_standard_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Closed\r\nDTSTART;VALUE=DATE:20261224\r\n" \
           "DTEND;VALUE=DATE:20261227\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    status, out, _ = run(capsys, "holidays", "--ical", "-")
    assert status == 0
    assert json.loads(out)["holidays"] == [{"from": "2026-12-24", "to": "2026-12-26", "name": "Closed",
                                            "source": "<stdin>"}]


# ---- Merged into a policy -----------------------------------------------------------------------


def test_merge_into_a_calendar(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               example_policy_path: Path) -> None:
    output = tmp_path / "policy.json"
    status, out, err = run(capsys, "holidays", "--country", "CN", "--years", "2025", "--policy",
                           str(example_policy_path), "--calendar", "cn-office", "-o", str(output))
    assert (status, out, err) == (0, "", "")
    before = json.loads(example_policy_path.read_text())["calendars"]["cn-office"]
    after = json.loads(output.read_text())["calendars"]["cn-office"]
    # The 2026 entries stay first and unchanged; 2025's follow. The make-up days take the
    # calendar's Monday-Friday hours, 09:00-18:00.
    assert after["holidays"][: len(before["holidays"])] == before["holidays"]
    assert after["workdays"][: len(before["workdays"])] == before["workdays"]
    assert after["workdays"][len(before["workdays"])] == {
        "date": "2025-01-26", "hours": ["09:00-18:00"], "name": "make-up working day", "source": SOURCE}
    office = Policy.from_file(output).calendar("cn-office")
    assert not office.is_open(parse_instant("2025-01-28T10:00:00+08:00"))  # Tue, Spring Festival
    assert office.is_open(parse_instant("2025-01-26T10:00:00+08:00"))  # Sun, made up
    assert not office.is_open(parse_instant("2025-01-26T18:00:00+08:00"))  # 18:00 closes
    assert not office.is_open(parse_instant("2026-10-02T10:00:00+08:00"))  # 2026 kept


def test_merge_never_replaces_entries(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      example_policy_path: Path) -> None:
    output = tmp_path / "policy.json"
    # cn-office already has 2026's holidays: Jan 1-3 is its holidays[0].
    status, out, err = run(capsys, "holidays", "--country", "CN", "--years", "2026", "--policy",
                           str(example_policy_path), "--calendar", "cn-office", "-o", str(output))
    assert (status, out) == (2, "")
    assert "covers 2026-01-01, already covered by calendars.cn-office.holidays[0]" in err
    assert "never replaced" in err
    assert not output.exists()


def test_an_existing_output_file_is_never_overwritten(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "fragment.json"
    output.write_text("keep me")
    status, _, err = run(capsys, "holidays", "--country", "DE", "--years", "2026", "-o", str(output))
    assert status == 2 and "exists already" in err
    assert output.read_text() == "keep me"


@pytest.mark.parametrize(("calendar", "hours"), [("cn-service", ["09:00-24:00"]),  # "daily"
                                                 ("always", ["00:00-24:00"])])  # "24x7"
def test_make_up_days_take_the_calendars_weekday_hours(capsys: pytest.CaptureFixture[str],
                                                       example_policy_path: Path, calendar: str,
                                                       hours: list[str]) -> None:
    status, out, _ = run(capsys, "holidays", "--country", "CN", "--years", "2025", "--policy",
                         str(example_policy_path), "--calendar", calendar)
    assert status == 0
    assert {tuple(entry["hours"]) for entry in json.loads(out)["calendars"][calendar]["workdays"]
            if entry.get("source") == SOURCE} == {tuple(hours)}


def test_weekday_hours_must_agree_to_be_the_default(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    policy = tmp_path / "split.json"
    policy.write_text(json.dumps({"schema_version": 1, "calendars": {"split": {
        "timezone": "Asia/Shanghai", "hours": {"mon-thu": ["09:00-18:00"], "fri": ["09:00-17:00"]}}}}))
    status, _, err = run(capsys, "holidays", "--country", "CN", "--years", "2025", "--policy", str(policy),
                         "--calendar", "split")
    assert status == 2 and "--workday-hours" in err and "differ" in err


# ---- Errors: exit status 2 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--country", "XX", "--years", "2026"], "XX"),
        (["--country", "CN", "--subdiv", "ZZ", "--years", "2026"], "ZZ"),
        (["--country", "CN"], "--years"),
        (["--country", "CN", "--years", "2027-2024"], "2027-2024"),
        (["--country", "CN", "--years", "1969"], "1970"),
        (["--country", "CN", "--years", "2024-27"], "2024-27"),
        (["--country", "CN", "--years", "2025", "--workday-hours", "9:00-18:00"], "9:00-18:00"),
        (["--country", "CN", "--years", "2025"], "--workday-hours"),
        (["--country", "CN", "--years", "2025", "--policy", "p.json"], "--calendar"),
        (["--ical", "/nonexistent/holidays.ics"], "cannot read"),
        (["--ical", str(REPO / "pyproject.toml")], "not an iCalendar file"),
        (["--country", "CN", "--ical", str(ICS)], "not allowed with"),
        (["--ical", str(ICS), "--subdiv", "BY"], "--subdiv goes with --country"),
        (["--country", "CN", "--years", "2025", "--workday-match", "x"], "--workday-match goes with --ical"),
    ],
)
def test_errors(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    status, out, err = run(capsys, "holidays", *argv)
    assert (status, out) == (2, "")
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def ical(*lines: str) -> bytes:
    return "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:Closed", *lines,
                         "END:VEVENT", "END:VCALENDAR", "")).encode()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b"", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\n\x01 secret-looking line\r\n", "not an iCalendar file"),
        (ical("DTEND;VALUE=DATE:20260102"), "'Closed': DTSTART is missing"),
        (ical("DTSTART;VALUE=DATE:20260101", "DTEND:20260102T100000Z"), "DTEND has a time of day"),
        (ical("DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:2026013"), "not valid iCalendar"),
        (ical("DTSTART;VALUE=DATE:20260101", "RRULE:FREQ=BOGUS"), "not valid iCalendar"),
        (ical("DTSTART;VALUE=DATE:20260105", "DTEND;VALUE=DATE:20260105"), "ends before the day after it starts"),
        (ical("DTSTART;VALUE=DATE:20260101", "RDATE;VALUE=DATE:20260301"), "RDATE is not supported"),
        # Outside the calendars' years: the loader's own message, with its path.
        (ical("DTSTART;VALUE=DATE:19600101"), "\"1960-01-01\" is outside the supported years 1970-2200"),
    ],
)
def test_ical_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: bytes, fragment: str) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes(text)
    argv = ["holidays", "--ical", str(path)] + (["--years", "2026"] if b"RRULE" in text else [])
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert fragment in err and err.count("\n") == 1
    assert "secret" not in err  # the parser's message quotes the line: not passed on


def test_a_policy_that_does_not_load_is_reported_as_itself(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    policy = tmp_path / "broken.json"
    policy.write_text(json.dumps({"schema_version": 1, "calendars": {"c": {"timezone": "Mars/Olympus",
                                                                          "hours": "24x7"}}}))
    status, _, err = run(capsys, "holidays", "--country", "DE", "--years", "2026", "--policy", str(policy),
                         "--calendar", "c")
    assert status == 2 and "calendars.c.timezone" in err and "merge" not in err


def test_unknown_calendar(capsys: pytest.CaptureFixture[str], example_policy_path: Path) -> None:
    status, _, err = run(capsys, "holidays", "--country", "CN", "--years", "2025", "--policy",
                         str(example_policy_path), "--calendar", "nope")
    assert status == 2 and "no calendar 'nope'" in err and "cn-office" in err


@pytest.mark.parametrize(("argv", "missing"), [(["--country", "CN", "--years", "2025"], "holidays"),
                                               (["--ical", str(ICS)], "icalendar")])
def test_without_the_extra_says_what_to_install(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                argv: list[str], missing: str) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # import raises ImportError
    status, _, err = run(capsys, "holidays", *argv)
    assert status == 2
    assert f"the {missing} package is not installed: pip install 'aftersales[holidays]'" in err


# ---- China's schedule, examples/holidays/cn-2024-2026.json --------------------------------------

# Typed from the notices of the State Council General Office (docs/calendars.md cites each):
# year: [(first day off, last day off), ...], [make-up working days].
NOTICES: dict[int, tuple[list[tuple[str, str]], list[str]]] = {
    # 国办发明电〔2023〕7号, 2023-10-25
    2024: ([("01-01", "01-01"), ("02-10", "02-17"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-10", "06-10"),
            ("09-15", "09-17"), ("10-01", "10-07")],
           ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"]),
    # 国办发明电〔2024〕12号, 2024-11-12
    2025: ([("01-01", "01-01"), ("01-28", "02-04"), ("04-04", "04-06"), ("05-01", "05-05"), ("05-31", "06-02"),
            ("10-01", "10-08")],
           ["01-26", "02-08", "04-27", "09-28", "10-11"]),
    # 2025-11-04
    2026: ([("01-01", "01-03"), ("02-15", "02-23"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-19", "06-21"),
            ("09-25", "09-27"), ("10-01", "10-07")],
           ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]),
}


def notice_days_off(year: int) -> set[dt.date]:
    return {day for first, last in NOTICES[year][0] for day in date_range(f"{year}-{first}", f"{year}-{last}")}


def notice_workdays(year: int) -> set[dt.date]:
    return {dt.date.fromisoformat(f"{year}-{day}") for day in NOTICES[year][1]}


def schedule() -> Any:
    return json.loads(CN_SCHEDULE.read_text(encoding="utf-8"))


def test_china_schedule_matches_the_notices() -> None:
    data = schedule()
    assert days_of(data["holidays"]) == set().union(*(notice_days_off(year) for year in NOTICES))
    assert days_of(data["workdays"]) == set().union(*(notice_workdays(year) for year in NOTICES))
    for entry in data["holidays"] + data["workdays"]:
        year = (entry.get("date") or entry["from"])[:4]
        assert f"国务院办公厅关于{year}年部分节假日安排的通知" in entry["source"]
    # 2027 is not shipped until its notice can be checked (docs/calendars.md says so).
    assert "2027 is not included" in data["comment"]


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_the_holidays_package_agrees_with_the_notices(year: int) -> None:
    if not package_covers_china(year):
        pytest.skip(f"holidays {holidays.__version__} predates China's {year} notice")
    listed = holidays.country_holidays("CN", years=year)
    # The package lists the days off that replace working days, and only some weekend days of a
    # break: compare Monday to Friday, the days a weekday desk would otherwise work.
    assert {day for day in listed if day.weekday() < 5} == {day for day in notice_days_off(year) if day.weekday() < 5}
    assert {day for day in listed.weekend_workdays if day.year == year} == notice_workdays(year)


def test_china_schedule_loads_into_a_calendar(tmp_path: Path) -> None:
    data = schedule()
    calendar = {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]},
                "holidays": data["holidays"], "workdays": data["workdays"]}
    office = Policy.from_json(json.dumps({"schema_version": 1, "calendars": {"cn": calendar}})).calendar("cn")
    assert not office.is_open(parse_instant("2024-02-16T10:00:00+08:00"))  # Fri, Spring Festival 2024
    assert office.is_open(parse_instant("2024-02-18T10:00:00+08:00"))  # Sun, made up
