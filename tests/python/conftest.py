"""Shared fixtures: a small hand-checkable policy and the shipped example policy."""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import aftersales

REPO = Path(__file__).resolve().parents[2]

# Weekdays 09:00-18:00 in Asia/Shanghai (UTC+8 all year), National Day closed (1-7 Oct 2026),
# Saturday 10 Oct a make-up working day, and Double 11 round the clock (10-12 Nov 2026).
OFFICE_POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {
        "office": {
            "timezone": "Asia/Shanghai",
            "hours": {"mon-fri": ["09:00-18:00"]},
            "holidays": [
                "2026-10-01",
                {"from": "2026-10-02", "to": "2026-10-07", "name": "National Day"},
            ],
            "workdays": [{"date": "2026-10-10", "hours": ["09:00-18:00"]}],
            "special": [{"from": "2026-11-10", "to": "2026-11-12", "hours": ["00:00-24:00"]}],
        },
        "always": {"timezone": "UTC", "hours": "24x7"},
        "berlin-night": {"timezone": "Europe/Berlin", "hours": {"daily": ["00:00-06:00"]}},
    },
}


@pytest.fixture(scope="session", autouse=True)
def demo_report_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`aftersales demo` writes its report to ./double11-report.html; in the tests, to a temporary
    directory rather than into the checkout."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("aftersales.cli.demo.DEFAULT_REPORT", tmp_path_factory.mktemp("demo") / "double11-report.html")
        yield


@pytest.fixture(scope="session")
def example_policy_path() -> Path:
    return REPO / "examples" / "policies" / "cn-marketplace.json"


@pytest.fixture
def office_document() -> dict[str, Any]:
    return copy.deepcopy(OFFICE_POLICY)


@pytest.fixture(scope="session")
def policy() -> aftersales.Policy:
    return aftersales.Policy.from_json(OFFICE_POLICY)


@pytest.fixture(scope="session")
def office(policy: aftersales.Policy) -> aftersales.Calendar:
    return policy.calendar("office")


@pytest.fixture(scope="session")
def always(policy: aftersales.Policy) -> aftersales.Calendar:
    return policy.calendar("always")


@pytest.fixture
def fresh_office() -> aftersales.Calendar:
    """An office calendar whose open intervals have not been computed yet."""
    return aftersales.Policy.from_json(OFFICE_POLICY).calendar("office")


@pytest.fixture
def log_records() -> Iterator[list[tuple[str, str]]]:
    """Collects log records at level trace; silences the library again afterwards."""
    records: list[tuple[str, str]] = []
    aftersales.set_log_handler(lambda level, message: records.append((level, message)))
    aftersales.set_log_level("trace")
    yield records
    aftersales.set_log_level("off")
    aftersales.set_log_handler(None)


ReleasesGil = Callable[[Callable[[], object]], bool]


@pytest.fixture
def releases_gil() -> Iterator[ReleasesGil]:
    """Whether a call lets other Python threads run while it works. With a 100 s switch
    interval a thread gives up the GIL only when it blocks or releases it explicitly, so the
    main thread making progress while the call runs in another proves the release."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(100.0)

    def releases(call: Callable[[], object]) -> bool:
        progress = [0]
        done = threading.Event()
        seen: dict[str, int] = {}

        def worker() -> None:
            seen["before"] = progress[0]
            call()
            seen["after"] = progress[0]
            done.set()

        thread = threading.Thread(target=worker)
        thread.start()
        while not done.wait(0.0005):  # waiting blocks, so the worker can take the GIL back
            progress[0] += 1
        thread.join()
        return seen["after"] > seen["before"]

    yield releases
    sys.setswitchinterval(previous)


@pytest.fixture(scope="session")
def season_text() -> str:
    """Tickets for the Dask and Spark tests: see scaleout_cases.TICKETS."""
    import scaleout_cases

    return scaleout_cases.jsonl()


@pytest.fixture(scope="session")
def season_path(season_text: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("season") / "tickets.jsonl"
    path.write_text(season_text, encoding="utf-8")
    return path
