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
