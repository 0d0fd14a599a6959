"""The NumPy batch methods: same answers as the scalar ones, NaT propagation, units,
broadcasting, errors naming the element, and the GIL released while they run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import aftersales

from conftest import ReleasesGil

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
NAT = np.datetime64("NaT", "ms")


def as_datetime(value: np.datetime64) -> dt.datetime:
    return EPOCH + dt.timedelta(milliseconds=int(value.astype("datetime64[ms]").astype(np.int64)))


def as_timedelta(value: np.timedelta64) -> dt.timedelta:
    return dt.timedelta(milliseconds=int(value.astype("timedelta64[ms]").astype(np.int64)))


def instants(*texts: str) -> npt.NDArray[np.datetime64]:
    """datetime64[ms] from UTC texts such as '2026-11-16T01:00'."""
    return np.array(texts, dtype="datetime64[ms]")


@pytest.fixture(scope="module")
def random_times() -> npt.NDArray[np.datetime64]:
    rng = np.random.default_rng(20261111)
    # 2026-09-01 to 2026-12-01: covers National Day and Double 11.
    low, high = 1788220800000, 1796083200000
    return rng.integers(low, high, size=400).astype("datetime64[ms]")


@pytest.fixture(scope="module")
def random_durations() -> npt.NDArray[np.timedelta64]:
    rng = np.random.default_rng(1111)
    return rng.integers(0, 300 * 3_600_000, size=400).astype("timedelta64[ms]")


class TestSameAsScalar:
    def test_is_open_many(self, office: aftersales.Calendar, random_times: npt.NDArray[np.datetime64]) -> None:
        expected = [office.is_open(as_datetime(t)) for t in random_times]
        result = office.is_open_many(random_times)
        assert result.dtype == np.bool_
        assert result.tolist() == expected

    def test_next_open_many(self, office: aftersales.Calendar, random_times: npt.NDArray[np.datetime64]) -> None:
        expected = [office.next_open(as_datetime(t)) for t in random_times]
        result = office.next_open_many(random_times)
        assert result.dtype == np.dtype("datetime64[ms]")
        assert [as_datetime(r) for r in result] == expected

    def test_add_many(
        self,
        office: aftersales.Calendar,
        random_times: npt.NDArray[np.datetime64],
        random_durations: npt.NDArray[np.timedelta64],
    ) -> None:
        expected = [
            office.add(as_datetime(t), as_timedelta(d)) for t, d in zip(random_times, random_durations)
        ]
        result = office.add_many(random_times, random_durations)
        assert result.dtype == np.dtype("datetime64[ms]")
        assert [as_datetime(r) for r in result] == expected

    def test_between_many(self, office: aftersales.Calendar, random_times: npt.NDArray[np.datetime64]) -> None:
        ends = random_times[::-1]
        expected = [office.between(as_datetime(s), as_datetime(e)) for s, e in zip(random_times, ends)]
        result = office.between_many(random_times, ends)
        assert result.dtype == np.dtype("timedelta64[ms]")
        assert [as_timedelta(r) for r in result] == expected


class TestHandWorked:
    def test_is_open_many(self, office: aftersales.Calendar) -> None:
        # Monday 09:00 and 18:00 in Beijing, Double 11 03:00, a Saturday noon.
        times = instants("2026-11-16T01:00", "2026-11-16T10:00", "2026-11-10T19:00", "2026-11-14T04:00")
        assert office.is_open_many(times).tolist() == [True, False, True, False]

    def test_add_many_with_one_timedelta(self, office: aftersales.Calendar) -> None:
        # Friday 17:00 + 2h is Monday 10:00; Monday 17:00 + 2h is Tuesday 10:00 (all Beijing).
        times = instants("2026-11-13T09:00", "2026-11-16T09:00")
        expected = instants("2026-11-16T02:00", "2026-11-17T02:00")
        np.testing.assert_array_equal(office.add_many(times, dt.timedelta(hours=2)), expected)
        np.testing.assert_array_equal(office.add_many(times, np.timedelta64(2, "h")), expected)

    def test_between_many_broadcasts(self, office: aftersales.Calendar) -> None:
        # From Friday 17:00, Monday 10:00 and Monday 08:00 Beijing to Monday 10:00 Beijing.
        starts = instants("2026-11-13T09:00", "2026-11-16T02:00", "2026-11-16T00:00")
        result = office.between_many(starts, np.datetime64("2026-11-16T02:00", "ms"))
        np.testing.assert_array_equal(result, np.array([2, 0, 1], dtype="timedelta64[h]"))


class TestNaT:
    def test_is_open_many_gives_false(self, office: aftersales.Calendar) -> None:
        assert office.is_open_many(instants("NaT", "2026-11-16T01:00")).tolist() == [False, True]

    def test_next_open_many_keeps_nat(self, office: aftersales.Calendar) -> None:
        result = office.next_open_many(instants("NaT", "2026-11-16T01:00"))
        assert np.isnat(result).tolist() == [True, False]

    def test_add_many_nat_in_either_operand(self, office: aftersales.Calendar) -> None:
        times = instants("NaT", "2026-11-16T01:00", "2026-11-16T01:00")
        durations = np.array([1, "NaT", 1], dtype="timedelta64[h]")
        result = office.add_many(times, durations)
        assert np.isnat(result).tolist() == [True, True, False]
        assert result[2] == np.datetime64("2026-11-16T02:00", "ms")

    def test_between_many_nat_in_either_operand(self, office: aftersales.Calendar) -> None:
        starts = instants("NaT", "2026-11-16T01:00", "2026-11-16T01:00")
        ends = instants("2026-11-16T02:00", "NaT", "2026-11-16T02:00")
        result = office.between_many(starts, ends)
        assert np.isnat(result).tolist() == [True, True, False]
        assert result[2] == np.timedelta64(1, "h")


class TestUnits:
    def test_any_datetime_unit_is_floored_to_ms(self, office: aftersales.Calendar) -> None:
        opening_ns = np.datetime64("2026-11-16T01:00", "ns")
        times = np.array([opening_ns - np.timedelta64(1, "ns"), opening_ns], dtype="datetime64[ns]")
        assert office.is_open_many(times).tolist() == [False, True]
        assert office.is_open_many(np.array(["2026-11-16"], dtype="datetime64[D]")).tolist() == [False]
        result = office.next_open_many(np.array([opening_ns - np.timedelta64(1, "ns")]))
        assert result[0] == np.datetime64("2026-11-16T01:00", "ms")

    def test_durations_truncate_toward_zero_like_timedelta(self, always: aftersales.Calendar) -> None:
        t = np.datetime64("2026-01-01T00:00", "ms")
        durations = np.array([1999, -500], dtype="timedelta64[us]")
        result = always.add_many(t, durations)
        np.testing.assert_array_equal(result, [t + np.timedelta64(1, "ms"), t])

    def test_shape_is_kept(self, office: aftersales.Calendar) -> None:
        times = instants("2026-11-16T01:00", "2026-11-16T10:00", "NaT", "2026-11-10T19:00").reshape(2, 2)
        result = office.is_open_many(times)
        assert result.shape == (2, 2)
        assert result.tolist() == [[True, False], [False, True]]

    def test_accepts_lists_of_datetime64(self, office: aftersales.Calendar) -> None:
        assert office.is_open_many([np.datetime64("2026-11-16T01:00")]).tolist() == [True]

    def test_pandas_series(self, office: aftersales.Calendar) -> None:
        pd = pytest.importorskip("pandas")
        series = pd.Series(pd.to_datetime(["2026-11-16T01:00", "2026-11-16T10:00"]))
        assert office.is_open_many(series).tolist() == [True, False]


class TestErrors:
    def test_not_datetime64_is_a_type_error(self, office: aftersales.Calendar) -> None:
        with pytest.raises(TypeError, match="times: expected numpy.datetime64"):
            office.is_open_many(np.array([1, 2, 3]))
        with pytest.raises(TypeError, match="durations: expected numpy.timedelta64"):
            office.add_many(instants("2026-11-16T01:00"), np.array([3600]))
        with pytest.raises(TypeError, match="ends: expected numpy.datetime64"):
            office.between_many(instants("2026-11-16T01:00"), np.array([1.5]))

    def test_element_before_1970_names_its_index(self, office: aftersales.Calendar) -> None:
        times = instants("2026-11-16T01:00", "2026-11-16T02:00", "1969-12-31T23:00")
        with pytest.raises(aftersales.RangeError) as caught:
            office.is_open_many(times)
        assert caught.value.path == "times[2]"
        message = str(caught.value)
        assert message.startswith("times[2]: ")
        assert message.count("times[2]") == 1

    def test_negative_duration_names_its_index(self, office: aftersales.Calendar) -> None:
        durations = np.array([1, -1], dtype="timedelta64[h]")
        with pytest.raises(aftersales.InputError) as caught:
            office.add_many(instants("2026-11-16T01:00", "2026-11-16T01:00"), durations)
        assert not isinstance(caught.value, aftersales.RangeError)
        assert caught.value.path == "durations[1]"

    def test_result_beyond_2200(self, always: aftersales.Calendar) -> None:
        with pytest.raises(aftersales.RangeError) as caught:
            always.add_many(instants("2200-12-31T23:00"), np.timedelta64(2, "h"))
        assert caught.value.path == "durations[0]"

    def test_shapes_that_do_not_broadcast(self, office: aftersales.Calendar) -> None:
        with pytest.raises(ValueError, match="broadcast"):
            office.between_many(instants("2026-11-16T01:00", "NaT"), instants("NaT", "NaT", "NaT"))


# The largest int64 and the largest value of each unit that 64-bit milliseconds hold.
INT64_MAX = 2**63 - 1
MS_PER_UNIT = {"D": 86_400_000, "s": 1_000, "ms": 1, "us": 1, "ns": 1}  # us, ns only divide


def raised(call: Any) -> aftersales.RangeError:
    with pytest.raises(aftersales.RangeError) as caught:
        call()
    return caught.value


class TestRange:
    """Values NumPy's own astype would wrap around (2**62 days became 1970-01-01, a start came
    back unchanged, 2**53 days gave NaT) are RangeErrors naming the element, as an out-of-range
    datetime is."""

    @pytest.mark.parametrize(("unit", "last", "past"), [
        # The last supported instant is 2200-12-31T23:59:59.999Z; one unit later is refused.
        ("D", "2200-12-31", "2201-01-01"),
        ("s", "2200-12-31T23:59:59", "2201-01-01T00:00:00"),
        ("ms", "2200-12-31T23:59:59.999", "2201-01-01T00:00:00.000"),
        ("us", "2200-12-31T23:59:59.999999", "2201-01-01T00:00:00.000000"),
        ("ns", "2200-12-31T23:59:59.999999999", "2201-01-01T00:00:00.000000000"),
    ])
    def test_instants_at_and_past_2200(self, always: aftersales.Calendar, unit: str, last: str, past: str) -> None:
        assert always.is_open_many(np.array([last], dtype=f"datetime64[{unit}]")).tolist() == [True]
        times = np.array([last, past], dtype=f"datetime64[{unit}]")
        assert raised(lambda: always.is_open_many(times)).path == "times[1]"

    @pytest.mark.parametrize(("unit", "value"), [
        (unit, value)
        for unit in ("D", "s", "ms", "us", "ns", "Y", "M", "W", "h")
        for value in (2**62, INT64_MAX, -(2**62), 2**53)
        if unit != "ns" or value in (INT64_MAX, -(2**62))  # 2**62 ns is in 2116, 2**53 ns in 1970
    ])
    def test_huge_instants_do_not_wrap(self, always: aftersales.Calendar, unit: str, value: int) -> None:
        times = np.array([0, value], dtype="int64").view(f"datetime64[{unit}]")
        for call in (always.is_open_many, always.next_open_many):
            assert raised(lambda: call(times)).path == "times[1]"
        assert raised(lambda: always.between_many(times, times)).path == "starts[1]"

    @pytest.mark.parametrize("unit", ["D", "s", "ms", "us", "ns"])
    def test_durations_at_and_past_64_bit_milliseconds(self, always: aftersales.Calendar, unit: str) -> None:
        start = np.datetime64("2026-11-11T00:00", "ms")
        # D: (2^63 − 1) // 86,400,000 = 106,751,991,167 days still fit in milliseconds; the
        # result lies beyond 2200, so add refuses it, as it refuses any too long a duration.
        largest = INT64_MAX // MS_PER_UNIT[unit]
        durations = np.array([1, largest], dtype=f"timedelta64[{unit}]")
        error = raised(lambda: always.add_many(start, durations))
        assert error.path == "durations[1]"
        assert "the result lies beyond" in str(error)
        if MS_PER_UNIT[unit] > 1:
            # One more does not fit: refused at conversion, not wrapped around.
            for past in (largest + 1, -(largest + 1)):
                durations = np.array([1, past], dtype=f"timedelta64[{unit}]")
                error = raised(lambda: always.add_many(start, durations))
                assert error.path == "durations[1]"
                assert f"timedelta64[{unit}] value beyond 64-bit milliseconds" in str(error)

    @pytest.mark.parametrize("days", [2**62, 2**53])
    def test_huge_day_durations_are_range_errors(self, always: aftersales.Calendar, days: int) -> None:
        # 2**62 days came back as the start unchanged, 2**53 days as NaT.
        error = raised(lambda: always.add_many(np.datetime64("2026-11-11", "ms"), np.timedelta64(days, "D")))
        assert error.path == "durations[0]"

    def test_calendar_units_and_multiples(self, always: aftersales.Calendar) -> None:
        # A datetime64 month or year is a calendar one: 2200-12 is in range, 2201 is not.
        assert always.is_open_many(np.array(["2200-12"], dtype="datetime64[M]")).tolist() == [True]
        assert raised(lambda: always.is_open_many(np.array(["2201"], dtype="datetime64[Y]"))).path == "times[0]"
        # NumPy's timedelta64 year is 365.2425 days: 2026-01-01 + 1 year = 2027-01-01T05:49:12.
        result = always.add_many(np.datetime64("2026-01-01", "ms"), np.timedelta64(1, "Y"))
        assert result == np.datetime64("2027-01-01T05:49:12", "ms")
        # A unit with a multiple: 3 × 10 ms.
        result = always.add_many(np.datetime64("2026-01-01", "ms"), np.array([3], dtype="timedelta64[10ms]"))
        assert result[0] == np.datetime64("2026-01-01T00:00:00.030", "ms")


def test_batch_call_releases_the_gil(office: aftersales.Calendar, releases_gil: ReleasesGil) -> None:
    # datetime64[ms] input needs no NumPy conversion (which might release the GIL itself):
    # all the time is spent in the C++ loop. Friday 18:30 in Beijing, closed until Monday.
    times = np.full(1_000_000, np.datetime64("2026-11-13T10:30", "ms"))
    assert releases_gil(lambda: office.next_open_many(times))
