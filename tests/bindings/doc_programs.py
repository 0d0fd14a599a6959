"""The go and rust blocks of README.md and docs/*.md as programs against the bindings.

Each such block is a complete program (`package main` / `fn main`), built against
bindings/go or bindings/rust as a reader's own project would depend on it, and run from the
repository root by ctest (tests/bindings/CMakeLists.txt; conventions in docs/building.md).

    doc_programs.py OUT_DIR SOURCE_DIR

writes one project per block under OUT_DIR (only files whose text changed) and prints one
line per block, "language|project directory|program name|page:line", for CMake to read.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs"))
import doc_blocks  # noqa: E402  (found through the path set above)

_MAIN = {"go": re.compile(r"^package main\b", re.MULTILINE), "rust": re.compile(r"^fn main\(", re.MULTILINE)}


def _go_project(name: str, body: str, source: Path) -> dict[str, str]:
    # The module's path is not fetchable: a dependent points it at the checkout.
    module = (
        f"module {name}\n\ngo 1.19\n\nrequire aftersales.dev/aftersales v0.0.0\n\n"
        f"replace aftersales.dev/aftersales => {source / 'bindings' / 'go'}\n"
    )
    return {"go.mod": module, "main.go": body}


def _rust_project(name: str, body: str, source: Path) -> dict[str, str]:
    # One target directory serves every block: the names keep their programs apart.
    manifest = (
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\n\n'
        f"[dependencies]\naftersales = {{ path = \"{source / 'bindings' / 'rust'}\" }}\n\n"
        "[workspace]\n"
    )
    return {"Cargo.toml": manifest, "src/main.rs": body}


_PROJECTS = {"go": _go_project, "rust": _rust_project}


def main(argv: list[str]) -> int:
    out, source = Path(argv[1]), Path(argv[2])
    for page in doc_blocks.pages():
        for block in doc_blocks.blocks(page):
            if block.language not in _PROJECTS or not block.runs:
                continue
            if not _MAIN[block.language].search(block.body):
                sys.exit(f"{block.where}: a {block.language} block must be a whole program (docs/building.md)")
            stem = re.sub(r"[^A-Za-z0-9]+", "_", block.page.removesuffix(".md"))
            name = f"{stem}_{block.line}"
            directory = out / f"{name}_{block.language}"
            for file, text in _PROJECTS[block.language](name, block.body, source).items():
                path = directory / file
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    path.write_text(text, encoding="utf-8")
            print(f"{block.language}|{directory}|{name}|{block.where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
