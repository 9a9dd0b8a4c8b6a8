import json
from io import StringIO

from django.core.management import call_command

from tools.registry import catalogue


def test_tools_command_lists_every_registered_tool_with_schemas_as_json() -> None:
    out = StringIO()
    call_command("tools", "--json", stdout=out)
    listed = json.loads(out.getvalue())
    assert [item["name"] for item in listed] == list(catalogue())
    assert "core.write_file" in catalogue()


def test_tools_command_prints_one_line_per_tool() -> None:
    out = StringIO()
    call_command("tools", stdout=out)
    assert len(out.getvalue().splitlines()) == len(catalogue())


def test_the_tool_reference_in_docs_matches_the_registry() -> None:
    from tools import docs

    text = docs.DOC.read_text()
    assert docs.START in text, "docs/tools.md has no generated reference: run `make docs`"
    assert docs.with_reference(text, catalogue().values()) == text, "docs/tools.md is stale: run `make docs`"


def test_the_reference_lists_each_tool_with_its_required_and_optional_fields() -> None:
    from tools import docs

    block = docs.reference([catalogue()["core.read_file"]])
    assert "| `core.read_file` |" in block
    assert "`path`: string" in block and "`max_bytes?`: integer" in block
    assert block.startswith(docs.START) and block.endswith(docs.END)
