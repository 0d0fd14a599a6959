"""Calendar operations on aware datetimes. Expected values are worked out by hand from the
office calendar in conftest.py: weekdays 09:00-18:00 at UTC+8, so 09:00 local is 01:00Z."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import aftersales
from aftersales.cli import main

UTC = dt.timezone.utc
BEIJING = dt.timezone(dt.timedelta(hours=8))


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, us, tzinfo=BEIJING)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


class TestAttributes:
    def test_name_and_time_zone(self, office: aftersales.Calendar) -> None:
        assert office.name == "office"
        assert office.time_zone == "Asia/Shanghai"
        assert repr(office) == "<aftersales.Calendar 'office' Asia/Shanghai>"


class TestIsOpen:
    @pytest.mark.parametrize(
        ("t", "expected"),
        [
            (bj(2026, 11, 16, 9, 0), True),  # Monday, opening instant is inside
            (bj(2026, 11, 16, 17, 59, 59, 999000), True),
            (bj(2026, 11, 16, 18, 0), False),  # the end is outside
            (bj(2026, 11, 16, 8, 59, 59, 999000), False),
            (bj(2026, 11, 14, 12, 0), False),  # Saturday
            (bj(2026, 10, 1, 10, 0), False),  # National Day
            (bj(2026, 10, 10, 10, 0), True),  # make-up Saturday
            (bj(2026, 11, 11, 3, 0), True),  # Double 11 special hours
            (bj(2026, 11, 13, 3, 0), False),  # the day after
        ],
    )
    def test_hand_worked(self, office: aftersales.Calendar, t: dt.datetime, expected: bool) -> None:
        assert office.is_open(t) is expected

    def test_any_tzinfo_names_the_same_instant(self, office: aftersales.Calendar) -> None:
        assert office.is_open(utc(2026, 11, 16, 1, 0))
        assert not office.is_open(utc(2026, 11, 16, 0, 59))
        assert office.is_open(dt.datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
        # 02:00 in Berlin (UTC+1 in November) is 09:00 in Beijing.
        assert office.is_open(dt.datetime(2026, 11, 16, 2, 0, tzinfo=ZoneInfo("Europe/Berlin")))


class TestNextOpen:
    def test_open_instant_is_returned_unchanged(self, office: aftersales.Calendar) -> None:
        assert office.next_open(bj(2026, 11, 16, 10, 15)) == utc(2026, 11, 16, 2, 15)

    def test_after_friday_close_is_monday_morning(self, office: aftersales.Calendar) -> None:
        assert office.next_open(bj(2026, 11, 13, 18, 30)) == utc(2026, 11, 16, 1, 0)

    def test_skips_national_day(self, office: aftersales.Calendar) -> None:
        assert office.next_open(bj(2026, 9, 30, 18, 0)) == utc(2026, 10, 8, 1, 0)

    def test_double_11_opens_at_midnight(self, office: aftersales.Calendar) -> None:
        assert office.next_open(bj(2026, 11, 9, 20, 0)) == utc(2026, 11, 9, 16, 0)

    def test_result_is_aware_utc(self, office: aftersales.Calendar) -> None:
        result = office.next_open(bj(2026, 11, 13, 18, 30))
        assert result.tzinfo is dt.timezone.utc


class TestAdd:
    @pytest.mark.parametrize(
        ("start", "duration", "expected"),
        [
            (bj(2026, 11, 13, 17, 0), hours(2), utc(2026, 11, 16, 2, 0)),  # over the weekend
            (bj(2026, 11, 16, 17, 0), hours(1), utc(2026, 11, 16, 10, 0)),  # lands on the close
            (bj(2026, 11, 14, 12, 0), hours(0), utc(2026, 11, 14, 4, 0)),  # add(t, 0) == t, closed
            # 1h on 30 Sep, closed 1-7 Oct, 9h on 8 Oct, then 2h on 9 Oct.
            (bj(2026, 9, 30, 17, 0), hours(12), utc(2026, 10, 9, 3, 0)),
            # 1h of Double 11 special hours, then Friday's weekly hours from 09:00.
            (bj(2026, 11, 12, 23, 0), hours(3), utc(2026, 11, 13, 3, 0)),
            (bj(2026, 11, 16, 9, 0), dt.timedelta(milliseconds=1), utc(2026, 11, 16, 1, 0, 0, 1000)),
        ],
    )
    def test_hand_worked(
        self, office: aftersales.Calendar, start: dt.datetime, duration: dt.timedelta, expected: dt.datetime
    ) -> None:
        assert office.add(start, duration) == expected

    def test_negative_duration_is_an_input_error(self, office: aftersales.Calendar) -> None:
        with pytest.raises(aftersales.InputError):
            office.add(bj(2026, 11, 16, 10, 0), hours(-1))

    def test_sub_millisecond_parts_truncate_toward_zero(self, always: aftersales.Calendar) -> None:
        t = utc(2026, 1, 1)
        assert always.add(t, dt.timedelta(microseconds=1999)) == utc(2026, 1, 1, 0, 0, 0, 1000)
        # -0.5 ms truncates to 0, which is not negative.
        assert always.add(t, dt.timedelta(microseconds=-500)) == t


class TestBetween:
    def test_over_a_weekend(self, office: aftersales.Calendar) -> None:
        assert office.between(bj(2026, 11, 13, 17, 0), bj(2026, 11, 16, 10, 0)) == hours(2)

    def test_negative_when_reversed(self, office: aftersales.Calendar) -> None:
        assert office.between(bj(2026, 11, 16, 10, 0), bj(2026, 11, 13, 17, 0)) == hours(-2)

    def test_across_national_day_and_make_up_saturday(self, office: aftersales.Calendar) -> None:
        # 30 Sep 1h, 8 Oct 9h, 9 Oct 9h, Saturday 10 Oct 09:00-12:00 3h.
        assert office.between(bj(2026, 9, 30, 17, 0), bj(2026, 10, 10, 12, 0)) == hours(22)

    def test_double_11_week(self, office: aftersales.Calendar) -> None:
        # Monday 9h, Tuesday to Thursday 24h each, Friday 9h.
        assert office.between(bj(2026, 11, 9, 0, 0), bj(2026, 11, 14, 0, 0)) == hours(90)

    def test_fall_back_night_lasts_seven_hours(self, policy: aftersales.Policy) -> None:
        night = policy.calendar("berlin-night")
        berlin = ZoneInfo("Europe/Berlin")
        start = dt.datetime(2026, 10, 25, 0, 0, tzinfo=berlin)
        assert night.between(start, dt.datetime(2026, 10, 25, 12, 0, tzinfo=berlin)) == hours(7)


class TestDatetimeConversion:
    def test_naive_datetime_is_a_value_error_saying_so(self, office: aftersales.Calendar) -> None:
        with pytest.raises(ValueError, match="naive datetime"):
            office.is_open(dt.datetime(2026, 11, 16, 10, 0))

    def test_naive_datetime_rejected_by_every_operation(self, office: aftersales.Calendar) -> None:
        naive = dt.datetime(2026, 11, 16, 10, 0)
        for call in (
            lambda: office.next_open(naive),
            lambda: office.add(naive, hours(1)),
            lambda: office.between(naive, bj(2026, 11, 16, 11, 0)),
            lambda: office.between(bj(2026, 11, 16, 11, 0), naive),
        ):
            with pytest.raises(ValueError, match="naive datetime"):
                call()

    def test_wrong_type_is_a_type_error(self, office: aftersales.Calendar) -> None:
        with pytest.raises(TypeError):
            office.is_open("2026-11-16T10:00:00+08:00")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            office.add(bj(2026, 11, 16, 10, 0), 3600)  # type: ignore[arg-type]

    def test_last_supported_millisecond_of_2200_is_exact(self, always: aftersales.Calendar) -> None:
        last = utc(2200, 12, 31, 23, 59, 59, 999000)
        assert always.next_open(last) == last

    def test_microseconds_floor_to_the_millisecond(self, always: aftersales.Calendar) -> None:
        assert always.next_open(utc(2200, 12, 31, 23, 59, 59, 999999)) == utc(2200, 12, 31, 23, 59, 59, 999000)
        assert always.next_open(utc(2026, 1, 1, 0, 0, 0, 1999)) == utc(2026, 1, 1, 0, 0, 0, 1000)

    def test_add_within_2200(self, always: aftersales.Calendar) -> None:
        assert always.add(utc(2200, 12, 31, 22, 0), hours(1)) == utc(2200, 12, 31, 23, 0)

    def test_result_beyond_2200_is_a_range_error(self, always: aftersales.Calendar) -> None:
        with pytest.raises(aftersales.RangeError):
            always.add(utc(2200, 12, 31, 23, 0), hours(2))

    def test_first_instant_of_1970_is_supported(self, always: aftersales.Calendar) -> None:
        assert always.is_open(utc(1970, 1, 1))

    def test_before_1970_is_a_range_error_naming_the_datetime(self, always: aftersales.Calendar) -> None:
        with pytest.raises(aftersales.RangeError, match="1969-12-31T23:59:59.999000"):
            always.is_open(utc(1969, 12, 31, 23, 59, 59, 999000))
        # Also in another zone: 07:59 on 1 January 1970 at UTC+8 is still 1969 in UTC.
        with pytest.raises(aftersales.RangeError):
            always.is_open(bj(1970, 1, 1, 7, 59))

    def test_durations_out_are_timedeltas(self, office: aftersales.Calendar) -> None:
        result = office.between(bj(2026, 11, 16, 9, 0), bj(2026, 11, 16, 9, 0, 0, 1500))
        assert result == dt.timedelta(milliseconds=1)
        assert type(result) is dt.timedelta


class TestBackwardsAndByDays:
    """Issue 16 point 1 on the office calendar: Mon-Fri 09:00-18:00 +08, Oct 1-7 2026 (Thu-Wed)
    holidays, Sat Oct 10 a make-up day, Nov 10-12 (Tue-Thu) open 00:00-24:00, which touch
    into one interval from Tue 00:00 to Fri 00:00."""

    def test_subtract_across_the_weekend(self, office: aftersales.Calendar) -> None:
        # Mon Nov 16 09:00-10:00 is 1 h, Fri Nov 13 17:00-18:00 the other: 17:00 +08 = 09:00Z.
        assert office.subtract(bj(2026, 11, 16, 10), hours(2)) == utc(2026, 11, 13, 9)
        # Exactly 1 h: the latest start is Monday's opening, not Friday's close.
        assert office.subtract(bj(2026, 11, 16, 10), hours(1)) == utc(2026, 11, 16, 1)

    def test_subtract_over_a_holiday_and_a_make_up_day(self, office: aftersales.Calendar) -> None:
        # Thu Oct 8 09:00-10:00, Oct 1-7 off, Wed Sep 30 17:00 +08 = 09:00Z.
        assert office.subtract(bj(2026, 10, 8, 10), hours(2)) == utc(2026, 9, 30, 9)
        # Mon Oct 12 09:00-10:00, Sunday closed, make-up Sat Oct 10 17:00 +08 = 09:00Z.
        assert office.subtract(bj(2026, 10, 12, 10), hours(2)) == utc(2026, 10, 10, 9)

    def test_subtract_on_a_dst_night(self, policy: aftersales.Policy) -> None:
        # Berlin 00:00-06:00 on 2026-10-25 runs 00:00 CEST = Oct 24 22:00Z to 06:00 CET = 05:00Z.
        night = policy.calendar("berlin-night")
        assert night.subtract(utc(2026, 10, 25, 5), hours(7)) == utc(2026, 10, 24, 22)

    def test_negative_durations_name_the_other_operation(self, office: aftersales.Calendar) -> None:
        with pytest.raises(aftersales.InputError, match="use add"):
            office.subtract(bj(2026, 11, 16, 10), hours(-1))
        with pytest.raises(aftersales.InputError, match="use subtract"):
            office.add(bj(2026, 11, 16, 10), hours(-1))

    def test_closes(self, office: aftersales.Calendar) -> None:
        # Inside the touching Nov 10-12 days: they close at Fri Nov 13 00:00 +08 = Nov 12 16:00Z.
        assert office.next_close(bj(2026, 11, 10, 3)) == utc(2026, 11, 12, 16)
        # ... and the close before them is Mon Nov 9 18:00 +08 = 10:00Z.
        assert office.previous_close(bj(2026, 11, 12, 23)) == utc(2026, 11, 9, 10)
        # Exactly at Friday's close: closed, so the next close is Monday's; the previous is itself.
        assert office.next_close(bj(2026, 11, 13, 18)) == utc(2026, 11, 16, 10)
        assert office.previous_close(bj(2026, 11, 13, 18)) == utc(2026, 11, 13, 10)

    def test_a_calendar_that_never_closes(self, always: aftersales.Calendar) -> None:
        with pytest.raises(aftersales.RangeError, match="ends before 2201"):
            always.next_close(utc(2026, 1, 1))

    def test_no_open_time_left_says_so(self) -> None:
        once = {"timezone": "UTC", "hours": {}, "special": [{"date": "2026-01-01", "hours": ["09:00-10:00"]}]}
        calendars = {"c": once}
        calendar = aftersales.Policy.from_json({"schema_version": 1, "calendars": calendars}).calendar("c")
        with pytest.raises(aftersales.RangeError, match="no open time left before 2201"):
            calendar.next_open(utc(2026, 1, 1, 10))

    def test_business_day_end(self, office: aftersales.Calendar) -> None:
        # After Wed Sep 30: Oct 1-7 off, Thu Oct 8 is the 1st, Fri 9 the 2nd, make-up Sat 10 the 3rd.
        assert office.business_day_end(bj(2026, 9, 30, 10), 0) == utc(2026, 9, 30, 10)
        assert office.business_day_end(bj(2026, 9, 30, 10), 1) == utc(2026, 10, 8, 10)
        assert office.business_day_end(bj(2026, 9, 30, 10), 3) == utc(2026, 10, 10, 10)
        # Tue Nov 10 is open 00:00-24:00: its end is 24:00 +08 = Nov 10 16:00Z, though the open
        # time runs on into Wednesday.
        assert office.business_day_end(bj(2026, 11, 9, 10), 1) == utc(2026, 11, 10, 16)
        with pytest.raises(aftersales.InputError, match="negative"):
            office.business_day_end(bj(2026, 9, 30, 10), -1)

    def test_business_days_between(self, office: aftersales.Calendar) -> None:
        # (Sep 30, Oct 12]: Oct 8, Oct 9, make-up Oct 10, Oct 12 = 4.
        assert office.business_days_between(bj(2026, 9, 30, 10), bj(2026, 10, 12, 10)) == 4
        assert office.business_days_between(bj(2026, 10, 12, 10), bj(2026, 9, 30, 10)) == -4
        assert office.business_days_between(bj(2026, 9, 30, 0), bj(2026, 9, 30, 23, 59)) == 0

    def test_many_forms_agree_with_one_at_a_time(self, office: aftersales.Calendar) -> None:
        import numpy as np

        rng = np.random.default_rng(16)
        start = np.datetime64("2026-01-01T00:00:00", "ms").astype(np.int64)
        times = (start + rng.integers(0, 365 * 86_400_000, 200)).astype("datetime64[ms]")
        times[3] = np.datetime64("NaT")
        durations = rng.integers(1, 400 * 3_600_000, 200).astype("timedelta64[ms]")

        def aware(value: np.datetime64) -> dt.datetime:
            return dt.datetime.fromtimestamp(int(value.astype(np.int64)) / 1000, UTC)

        back = office.subtract_many(times, durations)
        after = office.next_close_many(times)
        before = office.previous_close_many(times)
        assert np.isnat(back[3]) and np.isnat(after[3]) and np.isnat(before[3])
        for i in (0, 1, 2, 50, 199):
            t = aware(times[i])
            assert aware(back[i]) == office.subtract(t, dt.timedelta(milliseconds=int(durations[i].astype(np.int64))))
            assert aware(after[i]) == office.next_close(t)
            assert aware(before[i]) == office.previous_close(t)


    def test_business_day_arrays(self, office: aftersales.Calendar) -> None:
        import numpy as np

        # The answers of test_business_day_end and test_business_days_between, as arrays.
        wed = np.datetime64("2026-09-30T02:00", "ms")  # 10:00 in Beijing
        times = np.array([wed, wed, wed, "NaT"], dtype="datetime64[ms]")
        ends = office.business_day_end_many(times, np.array([0, 1, 3, 1]))
        expected = np.array(["2026-09-30T10:00", "2026-10-08T10:00", "2026-10-10T10:00", "NaT"], dtype="datetime64[ms]")
        np.testing.assert_array_equal(ends, expected)
        # One n broadcast over every time.
        np.testing.assert_array_equal(office.business_day_end_many(times[:2], 1), expected[[1, 1]])
        days = office.business_days_between_many(times, np.datetime64("2026-10-12T02:00", "ms"))
        assert days.dtype == np.float64
        np.testing.assert_array_equal(days, [4.0, 4.0, 4.0, np.nan])
        with pytest.raises(aftersales.InputError, match="must be from 0") as error:
            office.business_day_end_many(times, np.array([0, 1, -1, 0]))
        assert error.value.path == "n[2]"
        with pytest.raises(TypeError, match="n: expected integers"):
            office.business_day_end_many(times, 1.5)


class TestBreaksAndYearlyHolidays:
    """The document and the answers of tests/capi/calendar_test.c (test_breaks_and_yearly_holidays).

    Weekdays 09:00-18:00 less the 12:00-13:00 break (8 h a day), and 16 November closed every year
    from 2026 (a Monday in 2026, a Tuesday in 2027, by datetime's weekday).
    """

    DOCUMENT = {
        "schema_version": 1,
        "calendars": {
            "back-office": {
                "timezone": "Asia/Shanghai",
                "hours": {"mon-fri": ["09:00-18:00"]},
                "breaks": ["12:00-13:00"],
                "holidays": [{"every_year": "11-16", "from_year": 2026}],
            }
        },
    }

    @pytest.fixture
    def back_office(self) -> aftersales.Calendar:
        return aftersales.Policy.from_json(json.dumps(self.DOCUMENT)).calendar("back-office")

    def test_the_break_is_closed(self, back_office: aftersales.Calendar) -> None:
        assert not back_office.is_open(bj(2026, 11, 13, 12, 30))
        assert back_office.next_open(bj(2026, 11, 13, 12, 30)) == bj(2026, 11, 13, 13, 0)
        # 30 min before the break, 1 h 30 min after it.
        assert back_office.add(bj(2026, 11, 13, 11, 30), hours(2)) == bj(2026, 11, 13, 14, 30)

    def test_the_yearly_holiday_is_closed(self, back_office: aftersales.Calendar) -> None:
        # Fri 17:00 + 2 h: 1 h on Friday, Monday 16 Nov closed, Tuesday 09:00-10:00.
        assert back_office.add(bj(2026, 11, 13, 17, 0), hours(2)) == bj(2026, 11, 17, 10, 0)
        # Friday 8 h, Monday closed, Tuesday to Friday 4 x 8 h.
        assert back_office.between(bj(2026, 11, 13), bj(2026, 11, 23)) == hours(40)
        assert not back_office.is_open(bj(2027, 11, 16, 10, 0))  # Tuesday, the next year
        assert back_office.is_open(bj(2023, 11, 16, 10, 0))  # Thursday, before from_year

    def test_the_cli_gives_the_same_answers(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "back-office.json"
        path.write_text(json.dumps(self.DOCUMENT), encoding="utf-8")
        # 14:30 and Tuesday 10:00 in Shanghai are 06:30Z and 02:00Z.
        for argv, answer in [
            (["add", "2026-11-13T11:30:00+08:00", "2h"], "2026-11-13T06:30:00Z"),
            (["add", "2026-11-13T17:00:00+08:00", "2h"], "2026-11-17T02:00:00Z"),
            (["between", "2026-11-13T00:00:00+08:00", "2026-11-23T00:00:00+08:00"], "1d16h"),
        ]:
            assert main(["calendar", "--policy", str(path), "back-office", *argv]) == 0
            assert capsys.readouterr().out == answer + "\n"


class TestCoverageAndVersions:
    """docs/calendars.md, "Coverage" and "Versions"; conversions checked with zoneinfo."""

    @staticmethod
    def desk(**extra: object) -> aftersales.Calendar:
        desk = {"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}, **extra}
        return aftersales.Policy.from_json(json.dumps({"schema_version": 1, "calendars": {"desk": desk}})).calendar("desk")

    def test_a_horizon_crossed_by_add_is_a_range_error_naming_calendar_date_and_rule(self) -> None:
        desk = self.desk(coverage={"until": "2026-12-31", "beyond": "error"})
        # Thursday 2026-12-31 09:00 + 8h = 17:00 (09:00Z); 10h would need Friday 2027-01-01.
        assert desk.add(bj(2026, 12, 31, 9), hours(8)) == utc(2026, 12, 31, 9)
        message = (
            'calendar "desk" knows its holidays until 2026-12-31 ("coverage": {"beyond": "error"}), and this '
            'computation needs 2027-01-01 or later (year 2027): extend its holiday data and "until"'
        )
        with pytest.raises(aftersales.RangeError) as caught:
            desk.add(bj(2026, 12, 31, 9), hours(10))
        assert str(caught.value) == message

    def test_weekly_beyond_follows_the_weeks(self) -> None:
        desk = self.desk(coverage={"until": "2026-12-31", "beyond": "weekly"})
        # Thursday's 9h, then Friday 2027-01-01 09:00-10:00 (02:00Z).
        assert desk.add(bj(2026, 12, 31, 9), hours(10)) == utc(2027, 1, 1, 2)

    def test_a_version_changes_the_hours_from_its_date(self) -> None:
        desk = self.desk(versions=[{"from": "2027-01-01", "hours": {"mon-fri": ["08:00-20:00"]}}])
        # Thursday 17:00-18:00 on the old hours + Friday 08:00-09:00 on the new: 2h.
        assert desk.between(bj(2026, 12, 31, 17), bj(2027, 1, 1, 9)) == hours(2)
