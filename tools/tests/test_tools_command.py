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
