"""How the compiled classes are made again when unpickled (docs/python.md, "Pickling and
processes"). Their ``__reduce__`` names ``rebuild`` and the ``aftersales._core`` function that
reads the pickled state: pickle refers to a plain Python function by its module and name at
every protocol, which a compiled function cannot count on (pybind11 before 2.13 cannot pickle a
reference to one)."""

from __future__ import annotations

from typing import Any

from aftersales import _core


def rebuild(function: str, *state: Any) -> Any:
    """``aftersales._core.<function>(*state)``: the object a ``__reduce__`` described."""
    return getattr(_core, function)(*state)
