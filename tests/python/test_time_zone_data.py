"""Without the operating system's time-zone database, loading a policy says what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Where Debian's build of date's tz library reads the database; it cannot be pointed elsewhere.
ZONEINFO = "/usr/share/zoneinfo"

LOAD_POLICY = """
import sys
import aftersales
try:
    aftersales.Policy.from_file(sys.argv[1])
except aftersales.PolicyError as error:
    print(error)
"""


# Shell commands, run in the namespace, that take the database away: an empty directory in its
# place ($0), or no directory at all (an empty file system over its parent).
HIDE_DATABASE = {
    "empty": f'mount --bind "$0" {ZONEINFO}',
    "absent": f"mount -t tmpfs none {os.path.dirname(ZONEINFO)}",
}


def run_without_zoneinfo(tmp_path: Path, how: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs Python with the time-zone database hidden as `how` says, for that process only.

    A private mount namespace (unshare) hides it from the child while the machine and the
    other tests keep it.
    """
    command = [sys.executable, *args]
    if os.path.isdir(ZONEINFO):
        unshare = shutil.which("unshare")
        if unshare is None:
            pytest.skip("hiding the time-zone database needs unshare (util-linux)")
        namespace = [unshare, "--map-root-user", "--mount"]
        probe = subprocess.run([*namespace, "true"], capture_output=True, text=True, check=False)
        if probe.returncode != 0:
            pytest.skip(f"no mount namespace here to hide the time-zone database: {probe.stderr.strip()}")
        empty = tmp_path / "zoneinfo"
        empty.mkdir()
        hide_then_run = HIDE_DATABASE[how] + ' && exec "$@"'
        command = [*namespace, "sh", "-c", hide_then_run, str(empty), *command]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("how", sorted(HIDE_DATABASE))
def test_missing_time_zone_database_is_named_with_the_fix(
    tmp_path: Path, example_policy_path: Path, how: str
) -> None:
    result = run_without_zoneinfo(tmp_path, how, "-c", LOAD_POLICY, str(example_policy_path))
    assert result.returncode == 0, result.stderr
    # The first calendar of the example policy is cn-service, in Asia/Shanghai.
    assert 'calendars.cn-service.timezone: time zone "Asia/Shanghai" cannot be looked up' in result.stdout
    assert "this machine has no time-zone database (aftersales reads /usr/share/zoneinfo)" in result.stdout
    assert "apt-get install tzdata" in result.stdout
    # Not blamed on the policy: the name is a good one.
    assert "unknown time zone" not in result.stdout
