"""The Python example runs against the shipped example policy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_calendar_example(example_policy_path: Path) -> None:
    script = example_policy_path.parents[1] / "python" / "calendar_example.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    # 17 Nov 02:00 is closed; two hours of service time from 09:00 ends at 11:00.
    assert "ticket opened Tue 17 Nov 02:00 (closed until Tue 17 Nov 09:00): reply due Tue 17 Nov 11:00" in result.stdout


def test_sla_example(example_policy_path: Path) -> None:
    script = example_policy_path.parents[1] / "python" / "sla_example.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # VIP normal on cn-service (open 09:00-24:00 daily in Beijing). At Tue 23:58 the ticket has
    # been pending_customer since 23:55: resolution stopped at 5 minutes.
    assert "  resolution         paused    5m of 1d          0.3%" in lines
    # At Wed 12:00: resolution ran 23:50-23:55 and 10:30-12:00, 95 minutes; the other 22h25m
    # take Wed 12:00-24:00 and Thu 09:00-19:25. The reply 2m30s after the 10:30 message met
    # the 3-minute next_response target but passed its 80% (2m24s) at 10:32:24. The refund,
    # requested at 10:33, has 24 hours round the clock; its 80% (19h12m) comes first, Thu 05:45.
    assert "  next_response #0   achieved  2m30s of 3m      83.3%  completed Wed 18 Nov 10:32:30" in lines
    assert "  resolution         active    1h35m of 1d       6.6%  due Thu 19 Nov 19:25:00" in lines
    assert "  refund_processing  active    1h27m of 1d       6.0%  due Thu 19 Nov 10:33:00" in lines
    assert "  escalation: next_response #0 reached 80% at Wed 18 Nov 10:32:24: warn" in lines
    assert "  look again at Thu 19 Nov 05:45:00" in lines
    # Double 11 is open round the clock. Every fourth chat is VIP (2-minute target), answered
    # after 0-4 minutes in turn: 3 of 5 delays meet it. The rest have 5 minutes: all met.
    assert lines[-3:] == ["  standard  achieved  540", "  vip       achieved  108", "  vip       breached  72"]
