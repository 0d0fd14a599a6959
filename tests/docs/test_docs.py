"""Every code block of README.md and docs/*.md runs as written (conventions: docs/building.md).

The Python blocks and shell commands run here, against the installed package; the C and C++
blocks are compiled and run by ctest (tests/docs/CMakeLists.txt). Everything runs in a scratch
directory that looks like the repository root (a link to each of its entries), so that paths
read as a reader at the root would type them and what a block writes lands in the scratch.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import doc_blocks
from doc_blocks import Block, Command

BIN = Path(sys.executable).parent
PAGES = [page.relative_to(doc_blocks.ROOT).as_posix() for page in doc_blocks.pages()]

# Runs one page's Python blocks in order in one interpreter, as a reader pasting them would.
# Each block is compiled under the page's name with its own line numbers, so a traceback
# names the page and the line; ">>> " blocks run as doctests with the same globals.
_SESSION = r"""
import doctest, json, sys, traceback
scope = {"__name__": "__main__"}
for page, first_line, body in json.load(sys.stdin):
    if body.lstrip().startswith(">>> "):
        test = doctest.DocTestParser().get_doctest(body, scope, page, page, first_line - 1)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test, clear_globs=False)
        if runner.failures:
            sys.exit(f"{page}:{first_line}: the doctest above failed")
        continue
    try:
        exec(compile("\n" * (first_line - 1) + body, page, "exec"), scope)
    except BaseException:
        traceback.print_exc()
        sys.exit(f"{page}:{first_line}: this block failed")
"""


@pytest.fixture(scope="module")
def root_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("root")
    for entry in doc_blocks.ROOT.iterdir():
        if entry.name not in (".git", ".venv"):
            (scratch / entry.name).symlink_to(entry)
    return scratch


def _environment() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _blocks(page: str, language: str) -> list[Block]:
    return [b for b in doc_blocks.blocks(doc_blocks.ROOT / page) if b.language == language and b.runs]


def test_every_block_is_of_a_known_kind() -> None:
    unknown = [f"{b.where}: ```{b.language}" for b in doc_blocks.all_blocks()
               if b.language not in doc_blocks.RUN + doc_blocks.SHOWN]
    assert not unknown, (f"info strings the docs test does not know (run: {doc_blocks.RUN}; "
                         f"shown: {doc_blocks.SHOWN}; see docs/building.md): {unknown}")


def test_every_not_run_mark_says_why() -> None:
    silent = [b.where for b in doc_blocks.all_blocks() if b.not_run == ""]
    assert not silent, f"<!-- not run: --> needs a reason: {silent}"


@pytest.mark.parametrize("page", [page for page in PAGES if _blocks(page, "python")])
def test_python_blocks_run(page: str, root_copy: Path) -> None:
    found = _blocks(page, "python")
    session = json.dumps([(b.page, b.first_line, b.body) for b in found])
    result = subprocess.run([sys.executable, "-c", _SESSION], input=session, cwd=root_copy,
                            env=_environment(), capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"{result.stdout}\n{result.stderr}", pytrace=False)


def _shell_commands() -> Iterator[tuple[str, Command]]:
    for page in PAGES:
        for block in _blocks(page, "sh") + _blocks(page, "console"):
            for command in doc_blocks.commands(block):
                if doc_blocks.runs(command.text):
                    yield f"{page}:{command.line}", command


def _matches(expected: str, output: str) -> bool:
    pattern = ".*?".join(re.escape(part) for part in expected.strip().split("..."))
    return re.fullmatch(pattern, output.strip(), re.DOTALL) is not None


@pytest.mark.parametrize("where, command", [pytest.param(w, c, id=w) for w, c in _shell_commands()])
def test_shell_commands_run(where: str, command: Command, root_copy: Path) -> None:
    text = re.sub(r"^\.venv/bin/", f"{BIN}/", command.text)
    result = subprocess.run(["bash", "-o", "pipefail", "-c", text], cwd=root_copy,
                            env=_environment(), capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"{where}: {command.text}\nexit status {result.returncode}\n{result.stderr}",
                    pytrace=False)
    if command.expected is not None and not _matches(command.expected, result.stdout):
        pytest.fail(f"{where}: {command.text}\nexpected:\n{command.expected}\ngot:\n{result.stdout}",
                    pytrace=False)


def test_shell_rules() -> None:
    """Which commands run: the project's tools, never builds or installs."""
    assert doc_blocks.runs(".venv/bin/aftersales sla --policy p.json t.jsonl")
    assert doc_blocks.runs("python3 bench/double11_tickets.py 40000 > /tmp/night.jsonl")
    assert doc_blocks.runs('.venv/bin/python -c "import aftersales"')
    assert not doc_blocks.runs(".venv/bin/python -m pytest")
    assert not doc_blocks.runs("python3 -m venv .venv")
    assert not doc_blocks.runs("apt-get install cmake")
    assert not doc_blocks.runs("cmake --build build")


# --- the extractor itself ----------------------------------------------------------------

_PAGE = """Text.

```console
$ aftersales calendar --policy p.json cn add T 2h
2026-11-18T02:30:00Z
$ aftersales demo \\
    --policy p.json
```

<!-- not run: a host's handler -->
```c
act();
```

```c
static const char text[] = "{}";
aftersales_policy *policy = NULL;
```

```c
int main(void) { return 0; }
```

```c
aftersales_policy_free(policy);
```
"""


def test_blocks_are_found_with_their_lines_and_marks() -> None:
    found = list(doc_blocks.parse("page.md", _PAGE))
    assert [(b.line, b.language, b.not_run) for b in found] == [
        (3, "console", None), (11, "c", "a host's handler"), (15, "c", None), (20, "c", None),
        (24, "c", None)]


def test_console_commands_carry_their_output() -> None:
    console = next(doc_blocks.parse("page.md", _PAGE))
    assert doc_blocks.commands(console) == [
        Command(4, "aftersales calendar --policy p.json cn add T 2h", "2026-11-18T02:30:00Z"),
        Command(6, "aftersales demo      --policy p.json", ""),  # continuation joined
    ]
    assert _matches('{"ticket":"T-1","metrics":[...]}\n...', '{"ticket":"T-1","metrics":[1]}\nmore\n')
    assert not _matches("2026-11-18T02:30:00Z", "2026-11-18T02:31:00Z")


def test_fragments_build_on_the_earlier_ones_of_their_page() -> None:
    c_blocks = [b for b in doc_blocks.parse("page.md", _PAGE) if b.runs and b.language == "c"]
    source = doc_blocks.program(c_blocks, "c")
    # The fragment at line 15 comes first, its static constant at file scope; the block with
    # main() stays out of the fragments' program; every line keeps its place in the page.
    assert source.index('static const char text[] = "{}";') < source.index("int main(void)\n{")
    assert source.index("aftersales_policy *policy = NULL;") < source.index("aftersales_policy_free")
    assert "return 0; }" not in source
    assert '#line 16 "page.md"' in source and '#line 25 "page.md"' in source
    assert doc_blocks.program(c_blocks[:2], "c") == '#line 21 "page.md"\nint main(void) { return 0; }\n'


def _session(blocks: list[tuple[str, int, str]], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _SESSION], input=json.dumps(blocks), cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def test_python_session_names_the_failing_line(tmp_path: Path) -> None:
    result = _session([("page.md", 3, "x = 1"), ("page.md", 10, "y = x + 1\nassert y == 3")], tmp_path)
    assert result.returncode != 0
    assert 'File "page.md", line 11' in result.stderr and "page.md:10: this block failed" in result.stderr


def test_python_session_runs_doctests(tmp_path: Path) -> None:
    passing = _session([("page.md", 3, "x = 41"), ("page.md", 7, ">>> x + 1\n42")], tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    failing = _session([("page.md", 3, "x = 41"), ("page.md", 7, ">>> x + 1\n43")], tmp_path)
    assert failing.returncode != 0 and 'File "page.md", line 7' in failing.stdout
