"""The deterministic draft is valid OpenAPI 3.1 for the resources a description names; the
checker turns validator failures (and non-local refs) into lines an LLM can act on."""

from __future__ import annotations

import http.server
import threading

import pytest

from tools.openapi.check import errors
from tools.openapi.draft import draft, plural, resources, singular
from tools.openapi.summary import operations, schema_names, to_markdown


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Write an OpenAPI spec for a todo service", ["todo"]),
        ("Produce a Swagger description of the inventory API", ["item"]),
        ("An API for managing books and authors.", ["book", "author"]),
        ("A REST API for a blog with users, posts and comments", ["user", "post", "comment"]),
        ("OpenAPI for the user service and order service", ["user", "order"]),
        ("Say hello", ["item"]),
    ],
)
def test_resources_come_from_the_description(description, expected):
    assert resources(description) == expected
    assert errors(draft(description)) == []


def test_a_todo_service_gets_crud_paths_and_a_todo_schema():
    spec = draft("Write an OpenAPI spec for a todo service")
    assert spec["openapi"] == "3.1.0" and spec["info"]["title"] == "Todo API"
    assert list(spec["paths"]) == ["/todos", "/todos/{todoId}"]
    assert [(o["method"], o["path"], o["operation_id"]) for o in operations(spec)] == [
        ("GET", "/todos", "listTodos"),
        ("POST", "/todos", "createTodo"),
        ("GET", "/todos/{todoId}", "getTodo"),
        ("PUT", "/todos/{todoId}", "updateTodo"),
        ("DELETE", "/todos/{todoId}", "deleteTodo"),
    ]
    assert schema_names(spec) == ["Todo", "TodoInput", "Error"]
    assert spec["components"]["schemas"]["Todo"]["properties"]["completed"] == {"type": "boolean"}
    assert draft("a todo service", title="Tasks")["info"]["title"] == "Tasks"


def test_plural_and_singular_round_trip():
    for word in ("todo", "category", "box", "address", "key", "match"):
        assert singular(plural(word)) == word


def test_the_summary_lists_operations_and_schemas():
    text = to_markdown(draft("a todo service"))
    assert text.startswith("# Todo API 1.0.0\n\nOpenAPI 3.1.0: 2 paths, 5 operations.\n")
    assert "| DELETE | `/todos/{todoId}` | deleteTodo | Delete a todo |" in text
    assert text.endswith("## Schemas\n\n- `Todo`\n- `TodoInput`\n- `Error`\n")


def _spec(**changes):
    return {**draft("a todo service"), **changes}


def test_validator_errors_say_where_the_problem_is():
    assert errors(_spec(openapi="3.0.3")) == ["openapi: '3.0.3' does not match '^3\\\\.1\\\\.\\\\d+(-.+)?$'"]
    assert errors(_spec(info={"title": "T"})) == ["info: 'version' is a required property"]
    assert errors(_spec(paths=None)) == ["paths: None is not of type 'object'"]
    assert errors([]) == ["(root): the spec must be a JSON object, not list"]
    unresolved = _spec(paths={"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}})
    assert errors(unresolved) == ["$ref '/components/responses/Nope' points to nothing in the document"]
    path_param = _spec(paths={"/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}})
    assert errors(path_param) == ["(root): Path parameter 'id' for 'get' operation in '/a/{id}' was not resolved"]


def test_a_remote_ref_is_refused_without_being_fetched():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"description": "ok"}')

        def log_message(self, *args):
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/response.json"
        spec = _spec(paths={"/a": {"get": {"responses": {"200": {"$ref": url}}}}})
        assert errors(spec) == [
            f"paths > /a > get > responses > 200: $ref {url!r} is not local; only '#/...' references are allowed"
        ]
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
