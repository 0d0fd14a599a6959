"""`aftersales report` and aftersales.report: the page draws every chart in a real browser
(headless Chromium), refers to nothing outside itself, and its tables hold the engines' numbers —
by hand on a three-ticket night, and against the engines on the example tickets."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import scaleout_cases as cases

from aftersales import KpiEngine, Policy, TicketBatch, staffing
from aftersales.cli import main
from aftersales.cli.kpi import kpi_rows, scorecard_rows
from aftersales.cli.staffing import DOUBLE11_PROFILE, plan_rows

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_POLICY = REPO / "examples" / "policies" / "cn-marketplace.json"
EXAMPLE_TICKETS = REPO / "examples" / "tickets" / "double11.jsonl"
EXAMPLE_AT = "2026-11-20T00:00:00+08:00"
EXAMPLE_CHARTS = ["arrivals", "sla", "first-reply", "agents", "scorecard-agent-monthly", "staffing", "plan"]
# A Double 11 plan beside the tickets, as the demo's: 3,000,000 orders, 2% contacts, 4-minute
# handle time, 90 s patience (Erlang A).
PLAN_OPTIONS = ("--orders", "3000000", "--contact-rate", "0.02", "--aht", "4m", "--patience", "90s")

# Round the clock in Shanghai; first reply within 10 minutes, resolution within the hour; a
# scorecard on FCR alone (0 at 0%, 100 at 100%).
NIGHT_POLICY: dict[str, Any] = {
    "schema_version": 1,
    "calendars": {"always": {"timezone": "Asia/Shanghai", "hours": "24x7"}},
    "sla": {"policies": [{"id": "std", "calendar": "always",
                          "targets": {"normal": {"first_response": "10m", "resolution": "1h"}}}]},
    "kpi": {"scorecards": [{"id": "fcr", "metrics": {"fcr_rate": {"weight": 1, "target": 1, "floor": 0}},
                            "stars": [60, 70, 80, 90]}]},
}


def _ticket(ident: str, created: str, agent: str, reply: str, resolved: str | None) -> dict[str, Any]:
    events = [{"at": f"2026-11-11T{created}+08:00", "type": "assigned", "agent": agent, "queue": "q"},
              {"at": f"2026-11-11T{reply}+08:00", "type": "agent_reply", "agent": agent}]
    if resolved is not None:
        events.append({"at": f"2026-11-11T{resolved}+08:00", "type": "resolved"})
    return {"id": ident, "created_at": f"2026-11-11T{created}+08:00", "channel": "chat", "events": events}


# T1 replied in 5 min, solved in 30; T2 replied in 30 min (first reply breached at 00:30),
# solved in 70 (resolution breached at 01:20); T3 replied in 5 min, still open at 02:00.
NIGHT = [
    _ticket("T1", "00:10:00", "A-1", "00:15:00", "00:40:00"),
    _ticket("T2", "00:20:00", "A-1", "00:50:00", "01:30:00"),
    _ticket("T3", "01:05:00", "A-2", "01:10:00", None),
]
NIGHT_AT = "2026-11-11T02:00:00+08:00"


@pytest.fixture
def matplotlib() -> None:
    cases.require("matplotlib")


def _report(tmp_path: Path, policy: Path, tickets: Path, at: str, *extra: str) -> str:
    out = tmp_path / "report.html"
    assert main(["report", "--policy", str(policy), str(tickets), "--at", at, "-o", str(out), *extra]) == 0
    return out.read_text(encoding="utf-8")


@pytest.fixture
def night(tmp_path: Path) -> tuple[Path, Path]:
    policy, tickets = tmp_path / "policy.json", tmp_path / "night.jsonl"
    policy.write_text(json.dumps(NIGHT_POLICY), encoding="utf-8")
    tickets.write_text("".join(json.dumps(t) + "\n" for t in NIGHT), encoding="utf-8")
    return policy, tickets


class _Page(HTMLParser):
    """The tables of a page by id (rows of cell texts, headings first), its text, and every
    attribute and style sheet (where a reference to another file could hide)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self.styles: list[str] = []
        self.text: list[str] = []
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_style = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs)["id"] or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell = []
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table is not None and self._cell is not None:
            self._table[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        else:
            self.text.append(data)
            if self._cell is not None:
                self._cell.append(data)


def _rows(rows: list[tuple[str, ...]]) -> list[list[str]]:
    return [list(row) for row in rows]


def test_night_by_hand(tmp_path: Path, night: tuple[Path, Path], matplotlib: None) -> None:
    page = _Page(_report(tmp_path, *night, NIGHT_AT, "--aht", "4m", "--answer-time", "20s",
                         "--service-level", "0.8", "--shrinkage", "0.3"))
    hours = page.tables["table-hours"]
    assert hours[0][:3] == ["hour", "arrivals", "backlog at end"]
    # 00:00-01:00: T1 and T2 arrive, T2 is open at 01:00 (T1 solved at 00:40); first reply T1
    # met, T2 breached: 50%; resolution the same. 01:00-02:00: T3 arrives and is open at 02:00,
    # T2 was solved at 01:30; T3's first reply met, its resolution clock still running (-).
    assert hours[1:] == [["2026-11-11T00", "2", "1", "50.0%", "50.0%"],
                         ["2026-11-11T01", "1", "1", "100.0%", "-"]]
    assert page.tables["table-sla-metrics"][1:] == [["first_response", "2", "1", "66.7%"],
                                                    ["resolution", "1", "1", "50.0%"]]
    # First replies 5m, 30m, 5m: the lower median is 5m. 2 of 3 solved, 1 open.
    overall = page.tables["table-kpi-all"]
    assert [dict(zip(overall[0], overall[1]))[c] for c in ("tickets", "resolved", "backlog", "1st reply p50")] == [
        "3", "2", "1", "5m00s"]
    agents = {row[0]: row[1:4] for row in page.tables["table-kpi-agents"][1:]}
    assert agents == {"A-1": ["2", "2", "0"], "A-2": ["1", "0", "1"]}
    # A-1 solved both of its tickets with one reply each: FCR 100% -> 100 points, 5 stars. A-2
    # solved none: no FCR, no score, no rank.
    assert page.tables["table-scorecard-fcr"][1:] == [["A-1", "1", "100.0", "*****"], ["A-2", "-", "-", ""]]
    # 2 contacts of 4 minutes in an hour: 0.13 Erlangs; one agent keeps P(wait) at 0.13 and answers
    # 1 - 0.13 x e^(-(1 - 0.13) x 20/240) = 87.6% within 20 s (>= 80%): 1 agent; with 30%
    # shrinkage 1 / 0.7 -> 2 scheduled. Hour 01 (1 contact) needs the same.
    staff = page.tables["table-staffing"]
    assert staff[0][:4] == ["hour", "arrivals", "agents", "scheduled"]
    assert [row[:4] for row in staff[1:]] == [["2026-11-11T00", "2", "1", "2"], ["2026-11-11T01", "1", "1", "2"]]
    # Erlangs, service level, P(wait), and the mean wait 0.13 x 240 s / (1 - 0.13) = 36.9 s.
    assert staff[1][4:8] == ["0.1", "87.6%", "13.3%", "36.9s"]


def test_example_tables_are_the_engines(tmp_path: Path, matplotlib: None) -> None:
    page = _Page(_report(tmp_path, EXAMPLE_POLICY, EXAMPLE_TICKETS, EXAMPLE_AT, *PLAN_OPTIONS))
    kpi = KpiEngine(Policy.from_file(EXAMPLE_POLICY))
    batch = TicketBatch.from_file(EXAMPLE_TICKETS)
    at = dt.datetime.fromisoformat(EXAMPLE_AT)
    by_agent = kpi.compute(batch, at, ["agent"])
    assert page.tables["table-kpi-agents"] == _rows(kpi_rows(by_agent.to_dict()))
    assert page.tables["table-scorecard-agent-monthly"] == _rows(
        scorecard_rows(kpi.score("agent-monthly", by_agent).to_dict()))
    by_hour = {g["key"]["hour"]: g["tickets"] for g in kpi.compute(batch, at, ["hour"]).groups}
    hours = page.tables["table-hours"][1:]
    # Every hour from the first arrival (00:05 on the 11th) to the last (09:40 on the 13th).
    assert (hours[0][0], hours[-1][0], len(hours)) == ("2026-11-11T00", "2026-11-13T09", 24 + 24 + 10)
    for key, arrivals, backlog, *_ in hours:
        assert int(arrivals) == by_hour.get(key, 0)
        end = min(dt.datetime.fromisoformat(f"{key}:00:00+08:00") + dt.timedelta(hours=1), at)
        assert int(backlog) == kpi.compute(batch, end).groups[0]["backlog"]
    # The goal given (the rest the library's): Erlang A on each hour's arrivals, and the plan.
    assert [row[0] for row in page.tables["table-staffing"][1:]] == sorted(by_hour)  # the hours with arrivals
    for row in page.tables["table-staffing"][1:]:
        result = staffing.erlang_a(int(row[1]), 3600, 240, patience=90)
        assert row[2:4] == [str(result.agents), str(result.scheduled)]
    plan = staffing.plan(3_000_000, 0.02, DOUBLE11_PROFILE, interval=3600, aht=240, patience=90)
    assert page.tables["table-plan"] == _rows(plan_rows(plan))


def test_the_page_refers_to_nothing_outside_itself(tmp_path: Path, matplotlib: None) -> None:
    text = _report(tmp_path, EXAMPLE_POLICY, EXAMPLE_TICKETS, EXAMPLE_AT)
    page = _Page(text)
    assert not page.tags & {"script", "link", "img", "image", "iframe", "object", "embed"}
    for tag, name, value in page.attributes:
        if name in ("href", "xlink:href"):
            assert value.startswith("#"), (tag, name, value)  # a part of the page itself
        assert name not in ("src", "srcset", "data"), (tag, name)
        assert not re.search(r"(?i)https?:|//|url\((?!#)", value), (tag, name, value)
    assert page.styles  # the page's CSS and the charts' are inline
    for sheet in page.styles:
        assert not re.search(r"(?i)@import|@font-face|url\((?!#)", sheet)
    # A web address may only be read, never fetched: every one on the page is in its text.
    in_text = sum(len(re.findall(r"https?://", data)) for data in page.text)
    assert len(re.findall(r"https?://", text)) == in_text


# Appended to a copy of the page: for every chart, the elements that show data (ids "data-…",
# aftersales.report), how many drew a box of non-zero size, and the box around them; and every
# resource the browser fetched. Written into the DOM, which --dump-dom prints.
_CHECK = """
<script>
(() => {
  const charts = [...document.querySelectorAll("figure.chart")].map((figure) => {
    const svg = figure.querySelector("svg");
    const marks = svg ? [...svg.querySelectorAll('[id^="data-"]')] : [];
    let drawn = 0, left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const mark of marks) {
      const box = mark.getBBox();
      if (box.width > 0 && box.height > 0) {
        drawn += 1;
        left = Math.min(left, box.x); top = Math.min(top, box.y);
        right = Math.max(right, box.x + box.width); bottom = Math.max(bottom, box.y + box.height);
      }
    }
    const shown = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return {id: figure.id, marks: marks.length, drawn, width: drawn ? right - left : 0,
            height: drawn ? bottom - top : 0, shown: [shown.width, shown.height]};
  });
  const out = document.createElement("pre");
  out.id = "chart-check";
  out.textContent = JSON.stringify({charts, fetched: performance.getEntriesByType("resource").map((e) => e.name)});
  document.body.appendChild(out);
})();
</script>
"""
# A chart that drew nothing, added beside the real ones: the check must see it.
_BLANK = '<figure class="chart" id="chart-blank"><svg width="100" height="50"><g id="data-blank-1"><path d=""/></g></svg></figure>'


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if cases.under_ci():
            pytest.fail("chromium is missing under CI (scripts/lib.sh installs it)", pytrace=False)
        pytest.skip("no chromium on PATH: apt-get install chromium")
    return path


def _render(chromium: str, page: Path, profile: Path) -> dict[str, Any]:
    # No sandbox (CI runs as root), no GPU; every request goes to a proxy that is not there, so
    # a page that needed the network would show it.
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
               "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    found = re.search(r'<pre id="chart-check">(.*?)</pre>', done.stdout, re.S)
    assert found, f"chromium exited {done.returncode} without the check's result: {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def test_every_chart_draws_in_chromium(tmp_path: Path, matplotlib: None) -> None:
    chromium = _chromium()
    text = _report(tmp_path, EXAMPLE_POLICY, EXAMPLE_TICKETS, EXAMPLE_AT, *PLAN_OPTIONS)
    page = tmp_path / "checked.html"
    page.write_text(text.replace("</body>", f"{_BLANK}\n{_CHECK}</body>"), encoding="utf-8")
    result = _render(chromium, page, tmp_path / "profile")
    assert result["fetched"] == []
    charts = {chart.pop("id"): chart for chart in result["charts"]}
    assert list(charts) == [f"chart-{name}" for name in EXAMPLE_CHARTS] + ["chart-blank"]
    assert charts.pop("chart-blank")["drawn"] == 0
    for name, chart in charts.items():
        assert chart["marks"] > 0 and chart["drawn"] > 0, name
        assert chart["width"] > 0 and chart["height"] > 0, name
        assert chart["shown"][0] > 100 and chart["shown"][1] > 50, name


def test_without_matplotlib_it_says_what_to_install(
    tmp_path: Path, night: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    out = tmp_path / "report.html"
    assert main(["report", "--policy", str(night[0]), str(night[1]), "--at", NIGHT_AT, "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        "aftersales: error: the report draws its charts with matplotlib, which is not installed: "
        "pip install 'aftersales[report]'\n")
    assert not out.exists()
    # The demo prints the same and goes on: everything else it shows needs no plotting.
    assert main(["demo", "--policy", str(EXAMPLE_POLICY), "--report", str(out)]) == 0
    assert "  not written: the report draws its charts with matplotlib" in capsys.readouterr().out
    assert not out.exists()


def test_a_policy_without_sla_or_scorecards(tmp_path: Path, night: tuple[Path, Path], matplotlib: None) -> None:
    # Only a calendar: no attainment to draw, no scorecard; the rest is there (and no warning,
    # which the tests turn into errors, from a chart without data).
    policy = tmp_path / "calendar-only.json"
    policy.write_text(json.dumps({k: NIGHT_POLICY[k] for k in ("schema_version", "calendars")}), encoding="utf-8")
    text = _report(tmp_path, policy, night[1], NIGHT_AT)
    charts = re.findall(r'<figure class="chart" id="chart-([a-z-]+)"', text)
    assert charts == ["arrivals", "first-reply", "agents", "staffing"]
    assert "No SLA clock of these tickets has ended" in text
    assert _Page(text).tables["table-hours"][1:] == [["2026-11-11T00", "2", "1"], ["2026-11-11T01", "1", "1"]]


def test_at_most_max_hours_are_drawn(
    tmp_path: Path, night: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, matplotlib: None
) -> None:
    monkeypatch.setattr("aftersales.report.MAX_HOURS", 1)
    text = _report(tmp_path, *night, NIGHT_AT)
    # The last hour only, and the page says so.
    assert [row[0] for row in _Page(text).tables["table-hours"][1:]] == ["2026-11-11T01"]
    assert "The 1 hour before the first one drawn is left out of the hourly charts" in text


def test_an_output_that_cannot_be_written_is_named(
    tmp_path: Path, night: tuple[Path, Path], capsys: pytest.CaptureFixture[str], matplotlib: None
) -> None:
    out = tmp_path / "missing" / "report.html"
    assert main(["report", "--policy", str(night[0]), str(night[1]), "--at", NIGHT_AT, "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"aftersales: error: {out}: cannot write the report: No such file or directory\n")


def test_orders_without_a_contact_rate_is_a_usage_error(
    tmp_path: Path, night: tuple[Path, Path], capsys: pytest.CaptureFixture[str], matplotlib: None
) -> None:
    argv = ["report", "--policy", str(night[0]), str(night[1]), "-o", str(tmp_path / "r.html"), "--orders", "10"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "aftersales: error: --orders and --contact-rate go together (a peak-day plan needs both)\n")


def test_no_ticket_by_then_is_bad_input(
    tmp_path: Path, night: tuple[Path, Path], capsys: pytest.CaptureFixture[str], matplotlib: None
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--policy", str(night[0]), str(night[1]), "--at", "2026-11-10T00:00:00Z",
                 "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        "aftersales: error: no ticket was created by 2026-11-10T00:00:00Z: there is nothing to report\n")


def test_demo_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], matplotlib: None
) -> None:
    out = tmp_path / "demo.html"
    assert main(["demo", "--policy", str(EXAMPLE_POLICY), "--report", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"  written to {out.resolve()} in " in said
    tables = _Page(out.read_text(encoding="utf-8")).tables
    # The demo's KPI, scorecard and plan tables.
    assert tables["table-kpi-agents"][0][:4] == ["agent", "tickets", "resolved", "backlog"]
    assert "table-scorecard-agent-monthly" in tables
    assert [row[0] for row in tables["table-plan"][1:]] == [f"{hour:02d}:00" for hour in range(24)]
