"""Is it valid OpenAPI 3.1? The validator's errors as short lines an LLM (or a person) can act on."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing.exceptions import PointerToNowhere, Unresolvable

MAX_ERRORS = 12


def _where(path: Any) -> str:
    parts = [str(p) for p in path]
    return " > ".join(parts) if parts else "(root)"


def external_refs(value: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Every ``$ref`` that is not local ('#/...'), as 'where: ref'. The validator would fetch
    them over the network, so they are refused before it runs."""
    if isinstance(value, dict):
        found = []
        ref = value.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.append(f"{_where(path)}: $ref {ref!r} is not local; only '#/...' references are allowed")
        for key, item in value.items():
            found += external_refs(item, (*path, str(key)))
        return found
    if isinstance(value, list):
        return [line for index, item in enumerate(value) for line in external_refs(item, (*path, str(index)))]
    return []


def errors(spec: Any) -> list[str]:
    """The problems that stop ``spec`` being a valid OpenAPI 3.1 document; empty when valid."""
    if not isinstance(spec, dict):
        return [f"(root): the spec must be a JSON object, not {type(spec).__name__}"]
    found = external_refs(spec)[:MAX_ERRORS]
    if found:
        return found
    try:
        for error in OpenAPIV31SpecValidator(spec).iter_errors():
            found.append(f"{_where(getattr(error, 'path', []))}: {getattr(error, 'message', str(error))}")
            if len(found) >= MAX_ERRORS:
                break
    except PointerToNowhere as exc:
        found.append(f"$ref {exc.ref!r} points to nothing in the document")
    except Unresolvable as exc:
        found.append(f"$ref {exc.ref!r} cannot be resolved")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # The validator stops on shapes it cannot walk; the schema errors above already say why.
        # With none, say what it could not read.
        if not found:
            found.append(f"(root): the validator could not read the spec ({type(exc).__name__}: {exc})")
    return found
