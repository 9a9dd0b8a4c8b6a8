"""What a tailoring call spent on LLM calls, summed over its rounds.

Shaped like ``tools.llm.base.Usage`` (provider, model, tokens, cost) so that AWE's MCP client
counts a tool result's ``usage`` against the job's budget; several providers or models are
joined with "+".
"""

from __future__ import annotations

from pydantic import BaseModel

from tools.llm.base import Usage


def _join(names: str, name: str) -> str:
    return names if name in names.split("+") else "+".join(filter(None, (names, name)))


class Spent(BaseModel):
    provider: str = ""
    model: str = ""
    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0

    def add(self, usage: Usage) -> None:
        self.provider = _join(self.provider, usage.provider)
        self.model = _join(self.model, usage.model)
        self.calls += 1
        self.tokens_in += usage.tokens_in
        self.tokens_out += usage.tokens_out
        self.cost_usd = round(self.cost_usd + usage.cost_usd, 8)
