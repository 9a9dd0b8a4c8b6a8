"""``AWE_MCP_SERVERS``: which MCP servers to reach and how, checked when the tools app starts."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator


class ServerConfig(BaseModel):
    """One MCP server. Its tools register as ``mcp.<name>.<tool>``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$", description="lower case, no dots")
    transport: Literal["stdio", "http"]
    command: list[str] | None = Field(default=None, min_length=1, description="argv of a stdio server")
    url: str | None = Field(default=None, pattern=r"^https?://", description="streamable HTTP endpoint")
    timeout_s: float = Field(default=60.0, gt=0, le=3600, description="per call, connecting included")
    connect_timeout_s: float = Field(default=10.0, gt=0, le=600, description="to start and list tools")
    env: dict[str, str] = Field(default_factory=dict, description="extra environment of a stdio server")
    inherit_env: bool = Field(
        default=False,
        description="give a stdio server this process's whole environment (the built-in services read the "
        "same settings as the worker); otherwise it gets the MCP SDK's safe minimum (HOME, PATH, ...) plus env",
    )
    cwd: str | None = Field(default=None, description="working folder of a stdio server; default: the project")

    @model_validator(mode="after")
    def _endpoint_matches_transport(self) -> ServerConfig:
        if self.transport == "stdio" and (self.command is None or self.url is not None):
            raise ValueError("a stdio server needs a command and no url")
        if self.transport == "http" and (self.url is None or self.command is not None):
            raise ValueError("an http server needs a url and no command")
        return self


_SERVERS = TypeAdapter(list[ServerConfig])


def parse_servers(value: Any) -> tuple[ServerConfig, ...]:
    """The servers ``value`` describes, or ``ImproperlyConfigured`` naming AWE_MCP_SERVERS."""
    try:
        servers = _SERVERS.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ImproperlyConfigured(
            f"AWE_MCP_SERVERS is not valid ({exc.error_count()} problem(s)); first, at {where or 'the top'}: "
            f"{first['msg']}"
        ) from exc
    names = [server.name for server in servers]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ImproperlyConfigured(f"AWE_MCP_SERVERS names a server twice: {', '.join(duplicates)}")
    return tuple(servers)
