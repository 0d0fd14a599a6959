"""The fenced code blocks of README.md and docs/*.md, and what each one is for the tests.

docs/building.md ("Docs that run") states the conventions this module reads:
- python: the blocks of one page run in order in one fresh interpreter; a block whose lines
  start with ">>> " runs as a doctest instead.
- c, cpp: compiled against the built library and run (tests/docs/CMakeLists.txt); a block
  with no main() is a fragment: it runs inside main(), after the earlier fragments of the same
  page and language, so one page's fragments build on each other as its text does.
- sh, console: the commands of the project's own tools (aftersales, python) run; builds and
  installs (apt-get, pip, cmake, cc, scripts/...) are shown, not run. In console blocks, "$ "
  starts a command and the lines after it are its expected output ("..." matches anything).
- go, rust: whole programs, built against bindings/go or bindings/rust and run from the
  repository root by ctest (tests/bindings/doc_programs.py).
- json, text and cmake blocks are shown, never run, and so are java, javascript and csharp:
  sketches for languages the project ships no binding for (docs/bindings.md). Every fence says
  which it is: a block with no info string is an error, lest code in it go unchecked.
- <!-- not run: why --> on the line before a fence exempts a block that would otherwise run.

Run as a program, it writes the C and C++ programs for CMake (see main()).
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN = ("python", "c", "cpp", "sh", "console", "go", "rust")
SHOWN = ("json", "text", "cmake", "java", "javascript", "csharp")

_FENCE = re.compile(r"^(\s*)```(.*)$")
_NOT_RUN = re.compile(r"^<!--\s*not run:(.*)-->\s*$")


@dataclasses.dataclass(frozen=True)
class Block:
    page: str  # relative to the repository root, as messages name it
    line: int  # of the opening fence, 1-based
    language: str  # the info string's first word
    body: str
    not_run: str | None  # the reason given in <!-- not run: ... -->, if any

    @property
    def first_line(self) -> int:
        return self.line + 1

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def runs(self) -> bool:
        return self.language in RUN and self.not_run is None


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(page: Path) -> Iterator[Block]:
    return parse(page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8"))


def parse(name: str, text: str) -> Iterator[Block]:
    """The fenced blocks of a page's text; name is how messages call the page."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"{name}:{index + 1}: the fence opened here is never closed")
        indent = len(opening.group(1))
        words = opening.group(2).split()
        mark = _NOT_RUN.match(lines[index - 1].strip()) if index > 0 else None
        yield Block(
            page=name,
            line=index + 1,
            language=words[0] if words else "",
            body="\n".join(line[indent:] for line in lines[index + 1 : end]),
            not_run=mark.group(1).strip() if mark else None,
        )
        index = end + 1


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


# --- shell -------------------------------------------------------------------------------

_OUR_PROGRAMS = ("aftersales", "python", "python3")


@dataclasses.dataclass(frozen=True)
class Command:
    line: int  # in the page
    text: str  # as written, continuation lines joined
    expected: str | None  # console blocks: the output shown after it


def commands(block: Block) -> list[Command]:
    """The commands of a sh or console block, continuation lines joined."""
    console = block.language == "console"
    found: list[Command] = []
    output: list[str] = []
    pending = ""
    pending_line = 0

    def finish_output() -> None:
        if console and found:
            last = found[-1]
            found[-1] = dataclasses.replace(last, expected="\n".join(output))
        output.clear()

    for offset, text in enumerate(block.body.split("\n")):
        if not pending:
            if console and not text.startswith("$ "):
                output.append(text)
                continue
            finish_output()
            pending_line = block.first_line + offset
            text = text[2:] if console else text
            if not text.strip():
                continue
        pending += text
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        found.append(Command(pending_line, pending.strip(), "" if console else None))
        pending = ""
    finish_output()
    return found


def program_of(command: str) -> str:
    words = shlex.split(command, comments=True)
    return words[0].removeprefix(".venv/bin/") if words else ""


def runs(command: str) -> bool:
    """Whether the test runs a shell command: the project's own tools only.

    A python command runs a script, -c code or -m aftersales: `-m venv`, `-m pip` and
    `-m pytest` install or test, and the test stages do that themselves.
    """
    words = shlex.split(command, comments=True)
    if not words or program_of(command) not in _OUR_PROGRAMS:
        return False
    if program_of(command) == "aftersales":
        return True
    argument = words[1] if len(words) > 1 else ""
    return argument.endswith(".py") or argument == "-c" or words[1:3] == ["-m", "aftersales"]


# --- C and C++ ---------------------------------------------------------------------------

_PRELUDE = {
    "c": ["#include <aftersales.h>", "#include <assert.h>", "#include <stdint.h>",
          "#include <stdio.h>", "#include <stdlib.h>", "#include <string.h>"],
    "cpp": ["#include <aftersales/aftersales.hpp>", "#include <cassert>", "#include <cstdint>",
            "#include <fstream>", "#include <iostream>", "#include <string>", "#include <vector>"],
}
# A line at the left margin starting with one of these opens something that lives outside
# main(): a directive, a file-scope definition (a callback, a constant).
_TOP_LEVEL = re.compile(r"^(#|static |struct |typedef |using )")
_MAIN = re.compile(r"\bint\s+main\s*\(")


def _quoted(page: str) -> str:
    return page.replace("\\", "\\\\").replace('"', '\\"')


def _split_top_level(block: Block) -> tuple[list[str], list[str]]:
    """A fragment's file-scope lines and its statements, each preceded by #line markers."""
    top: list[str] = []
    body: list[str] = []
    lines = block.body.split("\n")
    index = 0
    while index < len(lines):
        text = lines[index]
        marker = f'#line {block.first_line + index} "{_quoted(block.page)}"'
        if _TOP_LEVEL.match(text):
            # The definition runs until its braces balance on a line ending it.
            end = index
            depth = 0
            while True:
                depth += lines[end].count("{") - lines[end].count("}")
                if text.startswith("#") or (depth == 0 and lines[end].rstrip().endswith((";", "}"))):
                    break
                end += 1
            top += [marker, *lines[index : end + 1]]
            index = end + 1
        else:
            body += [marker, text]
            index += 1
    return top, body


def program(page_blocks: list[Block], language: str) -> str:
    """The source of the program that runs the last of page_blocks (one page, one language).

    A block with main() is a program of its own; a fragment runs after the page's earlier
    fragments of the same language, in one main().
    """
    last = page_blocks[-1]
    if _MAIN.search(last.body):
        return f'#line {last.first_line} "{_quoted(last.page)}"\n{last.body}\n'
    top: list[str] = []
    body: list[str] = []
    for block in page_blocks:
        if _MAIN.search(block.body):
            continue
        block_top, block_body = _split_top_level(block)
        top += block_top
        body += block_body
    signature = "int main(void)" if language == "c" else "int main()"
    return "\n".join([*_PRELUDE[language], *top, signature, "{", *body, "return 0;", "}", ""])


def programs() -> Iterator[tuple[str, str, Block]]:
    """(file name, source, block) for every C and C++ block that runs."""
    for page in pages():
        earlier: dict[str, list[Block]] = {"c": [], "cpp": []}
        for block in blocks(page):
            if block.language not in earlier or not block.runs:
                continue
            earlier[block.language].append(block)
            stem = re.sub(r"[^A-Za-z0-9]+", "_", block.page.removesuffix(".md"))
            name = f"{stem}_{block.line}.{block.language}"
            yield name, program(earlier[block.language], block.language), block


def main(argv: list[str]) -> int:
    """doc_blocks.py OUT_DIR: writes each C/C++ block's program into OUT_DIR (only files whose
    text changed, so that a reconfigure rebuilds only those) and prints one line per program,
    "file;page:line", for CMake to read."""
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    written = set()
    for name, source, block in programs():
        target = out / name
        if not target.exists() or target.read_text(encoding="utf-8") != source:
            target.write_text(source, encoding="utf-8")
        written.add(target)
        print(f"{name};{block.where}")
    # A block that moved or went leaves its old program behind; no target builds it any more.
    for stale in set(out.iterdir()) - written:
        stale.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
