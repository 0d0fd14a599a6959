"""The policy document's JSON Schema, shipped beside this module (docs/policy.md, "JSON Schema")."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the policy document, parsed: a new dict on every call.

    Validate a document with it, for instance with the ``jsonschema`` package::

        jsonschema.Draft202012Validator(aftersales.policy_schema()).validate(document)

    The loader (``Policy.from_json``) checks more than a schema can: that time zones exist,
    that names refer to calendars, queues and metrics defined in the document, that dates and
    ranges do not overlap. A document the schema accepts may still be refused by the loader;
    one it refuses, the loader refuses too (docs/policy.md lists the few exceptions).
    """
    text = resources.files("aftersales").joinpath("policy.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
