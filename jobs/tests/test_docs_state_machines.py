"""docs/state-machines.md draws exactly the moves jobs/transitions.py allows."""

from __future__ import annotations

import re
from pathlib import Path

from jobs.transitions import JOB_MOVES, TASK_MOVES

DOC = Path(__file__).resolve().parents[2] / "docs" / "state-machines.md"


def drawn_moves(section: str) -> dict[str, set[str]]:
    text = DOC.read_text().split(f"## {section}", 1)[1]
    diagram = text.split("```mermaid", 1)[1].split("```", 1)[0]
    moves: dict[str, set[str]] = {}
    for source, target in re.findall(r"^\s*(\[\*\]|\w+) --> (\[\*\]|\w+)\s*$", diagram, flags=re.M):
        if source != "[*]":
            moves.setdefault(source, set())
            if target != "[*]":
                moves[source].add(target)
    return moves


def test_the_job_diagram_matches_the_code():
    assert drawn_moves("Job") == {k: set(v) for k, v in JOB_MOVES.items()}


def test_the_task_diagram_matches_the_code():
    assert drawn_moves("Task") == {k: set(v) for k, v in TASK_MOVES.items()}
