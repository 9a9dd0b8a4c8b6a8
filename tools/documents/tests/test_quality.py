"""Document quality: problems named, deterministic repairs, requirement coverage scores."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.documents.draft import apply_feedback, draft_from_goal, title_for
from tools.documents.model import DocumentSpec
from tools.documents.quality import MISSING, STRUCTURE, problems, repair, requirements_in, score
from tools.documents.tests.factories import bullets, code, doc, full_doc, numbered, para, section, table


def test_a_well_formed_document_has_no_problems():
    assert problems(full_doc()) == []


def test_problems_name_empty_sections_duplicates_empty_tables_and_level_jumps():
    spec = doc(
        section("Intro", para("Hello")),
        section("Details", level=3),
        section("intro", table(["a"])),
        section("Steps", bullets("one", "  "), numbered(), code(" ")),
    )
    assert problems(spec) == [
        "section 2 'Details' jumps from heading level 1 to 3",
        "section 2 'Details' is empty",
        "section 3 'intro' has an empty table",
        "section 4 'Steps' has a list with blank items",
        "section 4 'Steps' has an empty list",
        "section 4 'Steps' has an empty code block",
        "heading 'intro' appears 2 times",
    ]


def test_a_heading_followed_by_its_subsections_is_not_empty():
    spec = doc(section("Plan"), section("Phase one", para("Build"), level=2))
    assert problems(spec) == []


def test_repair_fixes_what_it_can_without_judgement():
    spec = doc(
        section(" Intro ", para("Hello"), para("  ")),
        section("Details", para("Deep"), level=3),
        section("intro", para("More"), table(["a"])),
        section("Empty"),
        section("Steps", bullets("one", " ", "two")),
    )
    fixed = repair(spec)
    assert problems(fixed) == []
    assert [(s.heading, s.level) for s in fixed.sections] == [("Intro", 1), ("Details", 2), ("Steps", 1)]
    assert [b.model_dump() for b in fixed.sections[0].blocks] == [para("Hello"), para("More")]
    assert fixed.sections[2].blocks[0].model_dump() == bullets("one", "two")


def test_repair_keeps_one_section_when_every_section_is_empty():
    fixed = repair(doc(section("Only")))
    assert [s.heading for s in fixed.sections] == ["Only"]


def test_repair_drops_a_parent_heading_whose_subsections_were_all_empty():
    spec = doc(section("Plan"), section("Phase one", level=2), section("Budget", para("10k")))
    assert [s.heading for s in repair(spec).sections] == ["Budget"]


_blocks = st.lists(
    st.one_of(
        st.builds(para, st.sampled_from(["", " ", "text"])),
        st.builds(lambda items: bullets(*items), st.lists(st.sampled_from(["", "item"]), max_size=3)),
        st.builds(lambda cols: table(cols), st.lists(st.sampled_from(["a", " "]), max_size=2)),
    ),
    max_size=3,
)
_sections = st.lists(
    st.builds(
        lambda heading, level, blocks: section(heading, *blocks, level=level),
        st.sampled_from(["A", "a", "B", "C "]),
        st.integers(1, 3),
        _blocks,
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(_sections)
def test_repair_is_idempotent_and_leaves_only_empty_document_problems(sections):
    fixed = repair(doc(*sections))
    assert repair(fixed) == fixed
    leftover = problems(fixed)
    if leftover:  # only when nothing had content: the one section left is empty
        assert len(fixed.sections) == 1 and not fixed.sections[0].blocks
        assert leftover == [f"section 1 {fixed.sections[0].heading!r} is empty"]


def test_score_weighs_requirement_coverage_and_names_what_is_missing():
    spec = doc(
        section("Costs", para("Compute costs rose 12% in the quarter.")),
        section("Savings", bullets("Reserved instances", "Rightsizing databases")),
    )
    value, feedback = score(spec, ["compute costs", "savings from reserved instances", "staffing plan for 2026"])
    assert feedback == [f"{MISSING}staffing plan for 2026"]
    assert value == round(0.7 * 2 / 3 + 0.3, 4)


def test_score_reports_structure_problems_and_is_perfect_when_all_is_covered():
    broken = doc(section("Costs", para("Compute costs")), section("Costs", para("again")))
    value, feedback = score(broken, ["compute costs"])
    assert feedback == [f"{STRUCTURE}heading 'costs' appears 2 times"]
    assert value == round(0.7 + 0.3 * 0.8, 4)
    assert score(repair(broken), ["compute costs"]) == (1.0, [])
    assert score(repair(broken), []) == (1.0, [])


def test_feedback_is_applied_deterministically():
    spec = draft_from_goal("Write a memo about the office move", "We move on 1 May.\n- Pack desks\n- Label boxes")
    assert spec.title == title_for("Write a memo about the office move") == "Memo about the office move"
    assert [s.heading for s in spec.sections] == ["Purpose", "Context", "Scope", "Next steps"]
    assert spec.sections[1].blocks[1].model_dump() == bullets("Pack desks", "Label boxes")

    requirements = ["parking for staff", "the new office address"]
    _, feedback = score(spec, requirements)
    assert requirements_in(feedback) == requirements
    improved = apply_feedback(spec, feedback)
    assert [s.heading for s in improved.sections][-2:] == ["Parking for staff", "The new office address"]
    assert score(improved, requirements) == (1.0, [])
    assert isinstance(improved, DocumentSpec) and apply_feedback(improved, []) == improved
