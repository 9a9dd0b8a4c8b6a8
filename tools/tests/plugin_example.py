"""An example plugin (docs/tools.md): load it with AWE_TOOL_MODULES=tools.tests.plugin_example."""

from pydantic import BaseModel, Field

from tools.registry import tool
from tools.spec import ToolContext


class GreetIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Who to greet")


class GreetOut(BaseModel):
    greeting: str


@tool("example.greet", input=GreetIn, output=GreetOut, timeout_s=5)
def greet(inp: GreetIn, ctx: ToolContext) -> GreetOut:
    """Greet someone by name."""
    return GreetOut(greeting=f"Hello, {inp.name}!")
