"""The shipped stubs type-check a realistic use of the API under mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_mypy_strict_accepts_typing_check(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    target = Path(__file__).with_name("typing_check.py")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_a_naive_misuse(tmp_path: Path) -> None:
    """The stubs are precise enough to catch a wrong argument type."""
    pytest.importorskip("mypy")
    misuse = tmp_path / "misuse.py"
    misuse.write_text(
        "import aftersales\n"
        "policy = aftersales.Policy.from_json('{}')\n"
        "policy.calendar('x').add('2026-11-11T00:00:00Z', 3600)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(misuse)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert 'incompatible type "str"; expected "datetime"' in result.stdout
