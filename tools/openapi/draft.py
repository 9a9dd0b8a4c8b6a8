"""A deterministic OpenAPI 3.1 draft derived from a description: CRUD paths for the resources it
names. It is the mock LLM's answer and the example a real LLM is shown.

"a todo service" → ``/todos`` (list, create) and ``/todos/{todoId}`` (get, update, delete) with
``Todo``, ``TodoInput`` and ``Error`` schemas.
"""

from __future__ import annotations

import re
from typing import Any

OPENAPI_VERSION = "3.1.0"
MAX_RESOURCES = 5

_NOUN_BEFORE = re.compile(
    r"\b([a-z][a-z-]{1,30})\s+(?:service|api|app|application|system|backend|server|store|platform|manager|tracker)\b",
    re.I,
)
_MANAGING = re.compile(r"\b(?:manag\w*|track\w*|with|of)\s+([a-z][a-z ,-]{1,120}?)(?:[.;:]|$)", re.I)
_IGNORED = frozenset({
    "a", "an", "the", "this", "that", "my", "our", "your", "rest", "restful", "http", "json", "web", "simple",
    "small", "new", "openapi", "swagger", "spec", "specification", "description", "api", "service", "app",
    "their", "its",
})  # fmt: skip
# Words that name a collection rather than the thing in it.
_SYNONYMS = {"inventory": "item", "catalog": "product", "catalogue": "product", "library": "book", "blog": "post"}
# Fields by resource; anything else gets a name and a description.
_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "todo": {
        "title": {"type": "string"},
        "completed": {"type": "boolean"},
        "due_date": {"type": "string", "format": "date"},
    },
    "task": {
        "title": {"type": "string"},
        "completed": {"type": "boolean"},
        "due_date": {"type": "string", "format": "date"},
    },
    "user": {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}},
    "book": {"title": {"type": "string"}, "author": {"type": "string"}, "isbn": {"type": "string"}},
    "item": {"name": {"type": "string"}, "quantity": {"type": "integer", "minimum": 0}, "price": {"type": "number"}},
    "product": {"name": {"type": "string"}, "price": {"type": "number", "minimum": 0}},
    "order": {"status": {"type": "string", "enum": ["pending", "paid", "shipped"]}, "total": {"type": "number"}},
    "post": {"title": {"type": "string"}, "body": {"type": "string"}},
}
_DEFAULT_FIELDS: dict[str, dict[str, Any]] = {"name": {"type": "string"}, "description": {"type": "string"}}


def singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def plural(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _pascal(word: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_ ]+", word) if part)


def _camel(word: str) -> str:
    pascal = _pascal(word)
    return pascal[:1].lower() + pascal[1:]


def resources(description: str) -> list[str]:
    """The resource names (singular) a description talks about; 'item' when it names none."""
    found: list[str] = []
    candidates = [m.group(1) for m in _NOUN_BEFORE.finditer(description)]
    for match in _MANAGING.finditer(description):
        candidates += re.split(r",|\band\b", match.group(1))
    for candidate in candidates:
        words = [w for w in candidate.strip().lower().split() if w not in _IGNORED]
        if len(words) != 1:
            continue
        name = singular(_SYNONYMS.get(words[0], words[0]))
        name = _SYNONYMS.get(name, name)
        if re.fullmatch(r"[a-z][a-z-]{1,30}", name) and name not in found:
            found.append(name)
    return found[:MAX_RESOURCES] or ["item"]


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("Error"))}


def _crud(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The paths and schemas of one resource."""
    model, collection, key = _pascal(name), plural(name), f"{_camel(name)}Id"
    fields = _FIELDS.get(name, _DEFAULT_FIELDS)
    first = next(iter(fields))
    schemas = {
        model: {
            "type": "object",
            "required": ["id", first],
            "properties": {"id": {"type": "string", "readOnly": True}, **fields},
        },
        f"{model}Input": {
            "type": "object",
            "required": [first],
            "properties": dict(fields),
            "additionalProperties": False,
        },
    }
    one, body = _json(_ref(model)), {"required": True, "content": _json(_ref(f"{model}Input"))}
    page = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
    ]
    paths = {
        f"/{collection}": {
            "get": {
                "operationId": f"list{_pascal(collection)}", "summary": f"List {collection}", "tags": [collection],
                "parameters": page,
                "responses": {"200": {"description": f"A page of {collection}", "content": _json({"type": "array", "items": _ref(model)})}},
            },
            "post": {
                "operationId": f"create{model}", "summary": f"Create a {name}", "tags": [collection], "requestBody": body,
                "responses": {"201": {"description": f"The created {name}", "content": one}, "400": _error("Invalid input")},
            },
        },
        f"/{collection}/{{{key}}}": {
            "parameters": [{"name": key, "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": f"get{model}", "summary": f"Get a {name}", "tags": [collection],
                "responses": {"200": {"description": f"The {name}", "content": one}, "404": _error("Not found")},
            },
            "put": {
                "operationId": f"update{model}", "summary": f"Replace a {name}", "tags": [collection], "requestBody": body,
                "responses": {"200": {"description": f"The updated {name}", "content": one},
                              "400": _error("Invalid input"), "404": _error("Not found")},
            },
            "delete": {
                "operationId": f"delete{model}", "summary": f"Delete a {name}", "tags": [collection],
                "responses": {"204": {"description": "Deleted"}, "404": _error("Not found")},
            },
        },
    }  # fmt: skip
    return paths, schemas


def draft(description: str, title: str = "") -> dict[str, Any]:
    """A valid OpenAPI 3.1 document with CRUD operations for each resource the description names."""
    names = resources(description)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for name in names:
        more_paths, more_schemas = _crud(name)
        paths.update(more_paths)
        schemas.update(more_schemas)
    schemas["Error"] = {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": title or f"{_pascal(names[0])} API",
            "version": "1.0.0",
            "description": description.strip()[:2_000],
        },
        "tags": [{"name": plural(name)} for name in names],
        "paths": paths,
        "components": {"schemas": schemas},
    }
