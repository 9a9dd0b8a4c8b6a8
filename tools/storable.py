"""Values that the database can store as JSON. PostgreSQL's ``text`` and ``jsonb`` hold no NUL
character (U+0000) and no lone surrogate (U+D800 to U+DFFF), and JSON has no NaN or infinity;
Python strings and floats (and ``json.loads``) allow all of them. A file name that is not UTF-8,
read with Python's ``surrogateescape``, holds lone surrogates; binary data read as text holds NULs.

Input that holds one is refused where it comes in, naming where it is (the API's
``context_json``, any plan: ``planner.validate``). What a tool returns or raises is recorded
with each such character replaced by U+FFFD (``tools.redact``, which every recorded output,
error and event payload passes through); an output with a NaN or an infinity fails the tool for
good (``tools.runtime``, when it measures the output); a refused plan is kept for the user to
read with them made storable (``jobs.actions.save_plan``). Either way the task or job is
recorded, never left running because its result could not be written.
"""

from __future__ import annotations

import math
import re
from typing import Any

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    """``text`` with each NUL and lone surrogate replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def _character(found: str) -> str:
    code = f"\\u{ord(found):04x}"
    return f"a NUL character ({code})" if found == "\x00" else f"a lone surrogate ({code})"


def unstorable(value: Any, path: str = "", *, text: bool = True) -> list[str]:
    """What in ``value`` (JSON-like) cannot be stored, one message per place (``a.b[2]: ...``);
    with ``text=False`` only numbers (for values whose text will be made storable)."""
    here = path or "(value)"
    if isinstance(value, str):
        found = _UNSTORABLE.search(value) if text else None
        return [f"{here}: holds {_character(found.group())}, which cannot be stored"] if found else []
    if isinstance(value, float):
        return [] if math.isfinite(value) else [f"{here}: is {value}, which JSON cannot carry"]
    problems: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            shown = _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", name)
            where = f"{path}.{shown}" if path else shown
            if text and (found := _UNSTORABLE.search(name)):
                problems.append(f"{where}: the key holds {_character(found.group())}, which cannot be stored")
            problems += unstorable(item, where, text=text)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problems += unstorable(item, f"{path}[{i}]", text=text)
    return problems


def storable(value: Any) -> Any:
    """A copy of ``value`` (JSON-like) that the database can store, for keeping a record of input
    that was refused (an LLM's invalid plan): text made storable, a NaN or infinity as text."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {storable_text(k) if isinstance(k, str) else k: storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable(v) for v in value]
    return value
