"""Tool failures are values with a class; callers decide on the class, not on message text."""

from __future__ import annotations

from enum import StrEnum


class ErrorClass(StrEnum):
    TRANSIENT = "transient"  # timeouts, connection errors, 429/5xx: worth another attempt
    PERMANENT = "permanent"  # bad input, 4xx, validation: the same call fails again
    POLICY = "policy"  # refused by a guardrail (path escape, disallowed host, ...)
    BUDGET = "budget"  # over the job's time, token or cost budget
    CANCELLED = "cancelled"  # the job was cancelled while the tool ran


class ToolError(Exception):
    error_class: ErrorClass = ErrorClass.PERMANENT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransientToolError(ToolError):
    error_class = ErrorClass.TRANSIENT


class PermanentToolError(ToolError):
    error_class = ErrorClass.PERMANENT


class PolicyError(ToolError):
    error_class = ErrorClass.POLICY


class BudgetError(ToolError):
    error_class = ErrorClass.BUDGET


class CancelledError(ToolError):
    error_class = ErrorClass.CANCELLED
