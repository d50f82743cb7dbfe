"""The facts layer: one definition of every derived relation, and views that agree on it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from generator import diagrams
from generator.diagrams.coordination import coordination_hub
from generator.facts import Facts
from generator.labels import get_labels
from generator.load import Playbook
from generator.pages import render_pages
from generator.project import validate

from .conftest import REPO

ROLE = {"summary": "One line.", "responsibilities": ["Work."]}

SMALL = {
    "mkdocs.yml": "site_name: Small\n",
    "org/organization.yml": {"name": "Small", "hub": "comms"},
    "org/departments/top.yml": {"title": "Top", "summary": "s", "lead": "boss"},
    "org/departments/comms.yml": {"title": "Comms", "summary": "s", "parent": "top", "lead": "writer"},
    "org/departments/social.yml": {"title": "Social", "summary": "s", "parent": "comms"},
    "org/departments/care.yml": {"title": "Care", "summary": "s", "parent": "top"},
    "org/roles/boss.yml": {"title": "Boss", "department": "top", **ROLE},
    "org/roles/writer.yml": {"title": "Writer", "department": "comms", "reports_to": "boss", **ROLE},
    "org/roles/poster.yml": {"title": "Poster", "department": "social", "reports_to": "writer", **ROLE},
    "org/roles/agent.yml": {"title": "Agent", "department": "care", "reports_to": "boss", **ROLE},
    "playbook/objectives/reach.yml": {
        "title": "Reach",
        "summary": "s",
        "goal": "branding",
        "raci": {"accountable": "writer", "responsible": ["social"], "consulted": ["care"], "informed": ["boss"]},
    },
    "playbook/workflows/flow.yml": {
        "title": "Flow",
        "summary": "s",
        "trigger": "t",
        "objective": "reach",
        "steps": [
            {"by": "writer", "action": "Draft.", "to": "boss"},  # named to boss, and on to the poster
            {"by": "poster", "action": "Post."},  # to the agent, who does the next step
            {"by": "agent", "action": "Answer.", "to": "agent"},  # nobody hands off to itself
            {"by": "agent", "action": "Report.", "to": "comms"},  # the last step: only its `to`
        ],
    },
}


def write_project(root: Path, files: dict[str, object]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Playbook:
    result = validate(write_project(tmp_path_factory.mktemp("small"), SMALL))
    assert not result.errors, [str(p) for p in result.errors]
    return result.playbook


# -- the definitions -----------------------------------------------------------------------------


def test_a_step_hands_off_to_its_to_or_else_to_the_next_steps_doer(small: Playbook) -> None:
    """Step 1 names the boss: the poster of step 2 gets the work from the boss, not the writer."""
    handoffs = [(h.number, h.source, h.target, h.named) for h in Facts(small).handoffs]
    assert handoffs == [
        (1, "writer", "boss", True),
        (2, "poster", "agent", False),
        (4, "agent", "comms", True),
    ]


def test_a_step_hands_off_to_every_step_that_waits_for_it(tmp_path: Path) -> None:
    """Steps 2 and 3 both wait for step 1 and run side by side; step 4 waits for both."""
    steps = [
        {"by": "writer", "action": "Plan."},  # to the poster and the agent, who both start then
        {"by": "poster", "action": "Post.", "after": [1]},  # its follower is step 4 only
        {"by": "agent", "action": "Brief care.", "after": [1]},
        {"by": "boss", "action": "Review.", "after": [2, 3]},
        {"by": "boss", "action": "Sign off."},  # waits for step 4: the same party, no hand-off
    ]
    files = {**SMALL, "playbook/workflows/flow.yml": {**SMALL["playbook/workflows/flow.yml"], "steps": steps}}
    result = validate(write_project(tmp_path, files))
    assert not result.errors, [str(p) for p in result.errors]
    workflow = result.playbook.workflows["flow"]
    assert [workflow.waits_for(n) for n in range(1, 6)] == [[], [1], [1], [2, 3], [4]]
    assert [workflow.followers(n) for n in range(1, 6)] == [[2, 3], [4], [4], [5], []]
    handoffs = [(h.number, h.source, h.target) for h in Facts(result.playbook).handoffs]
    assert handoffs == [(1, "writer", "poster"), (1, "writer", "agent"), (2, "poster", "boss"), (3, "agent", "boss")]


def test_department_hand_offs_are_directed_and_skip_their_own_department(small: Playbook) -> None:
    rows = {(r.source.id, r.target.id): r.count for r in Facts(small).department_handoffs()}
    assert rows == {("comms", "top"): 1, ("social", "care"): 1, ("care", "comms"): 1}
    # a map that draws sub-departments inside their parents counts for the parents
    groups = {"top": "top", "comms": "comms", "social": "comms", "care": "care"}
    rows = {(r.source.id, r.target.id): r.count for r in Facts(small).department_handoffs(groups)}
    assert rows == {("comms", "top"): 1, ("comms", "care"): 1, ("care", "comms"): 1}
    assert Facts(small).ties(groups)[("care", "comms")].handoffs == 2


def test_departments_through_nesting(small: Playbook) -> None:
    facts = Facts(small)
    assert facts.department_of("poster").id == "social"  # type: ignore[union-attr]
    assert facts.department_of("social").id == "social"  # type: ignore[union-attr]
    assert facts.department_of("nobody") is None
    assert facts.departments_of("poster") == ("social", "comms", "top")
    assert [(depth, d.id) for depth, d in facts.tree()] == [(0, "top"), (1, "care"), (1, "comms"), (2, "social")]
    assert facts.parent == {"top": None, "comms": "top", "social": "comms", "care": "top"}


def test_reports_members_leads_and_raci(small: Playbook) -> None:
    facts = Facts(small)
    assert [r.id for r in facts.reports["boss"]] == ["agent", "writer"]
    assert [r.id for r in facts.members["top"]] == ["boss"]
    assert [d.id for d in facts.led_by(small.roles["writer"])] == ["comms"]
    # the poster is responsible through its department; the writer is accountable by name
    assert [(d.letter, d.party) for d in facts.duties_through(small.roles["poster"])] == [("responsible", "social")]
    assert [(d.letter, d.party) for d in facts.duties_of("writer")] == [("accountable", "writer")]
    objective = small.objectives["reach"]
    assert [(d.id, letters) for d, letters in facts.departments_in(objective)] == [
        ("care", ["consulted"]),
        ("comms", ["accountable"]),
        ("social", ["responsible"]),
        ("top", ["informed"]),
    ]
    assert [b.source.id for b in facts.backlinks["writer"]] == ["comms", "poster", "reach", "flow"]


def test_facts_survive_a_playbook_with_a_cycle(tmp_path: Path) -> None:
    files = dict(SMALL)
    files["org/departments/top.yml"] = {"title": "Top", "summary": "s", "parent": "social"}
    playbook = validate(write_project(tmp_path, files)).playbook
    facts = Facts(playbook)
    assert set(facts.chains) == {"top", "comms", "social", "care"}
    assert all(len(chain) <= 4 for chain in facts.chains.values())
    assert facts.tree() == []  # no department is on top of a cycle
    assert facts.ties()  # and the rest still works


# -- the coordination page: table and map agree ------------------------------------------------------


def table_pairs(markdown: str) -> dict[tuple[str, str], int]:
    """Hand-offs per pair of departments, both directions summed, from the coordination page's table."""
    section = markdown.split("## Hand-offs between departments\n", 1)[1].split("\n## ", 1)[0]
    pairs: dict[tuple[str, str], int] = {}
    for line in section.splitlines():
        if not line.startswith("| ["):
            continue
        cells = [cell.strip() for cell in line.strip("| ").split(" | ")]
        source, target = (re.search(r"departments/([a-z0-9-]+)\.md\)", cell).group(1) for cell in cells[:2])  # type: ignore[union-attr]
        pair = (min(source, target), max(source, target))
        pairs[pair] = pairs.get(pair, 0) + int(cells[2])
    return pairs


def map_pairs(dot: str) -> dict[tuple[str, str], int]:
    """Hand-offs per line of the coordination map, from the numbers in the lines' tooltips."""
    nodes = dict(re.findall(r'^\s*(n\d+) \[.*URL="departments/([a-z0-9-]+)/"', dot, re.M))
    pairs: dict[tuple[str, str], int] = {}
    for a, b, tooltip in re.findall(r'^\s*(n\d+) -> (n\d+) \[.*tooltip="([^"]*)"', dot, re.M):
        found = re.search(r"(\d+) hand-offs?", tooltip)
        if found:
            source, target = nodes[a], nodes[b]
            pairs[(min(source, target), max(source, target))] = int(found.group(1))
    return pairs


def matrix_cells(markdown: str) -> dict[tuple[str, str], int]:
    """The department x department table of the coordination page: (row, column) -> number."""
    section = markdown.split("## Department by department\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\| \d+ \| \[", line)]
    ids = [re.search(r"departments/([a-z0-9-]+)\.md\)", line).group(1) for line in rows]  # type: ignore[union-attr]
    cells: dict[tuple[str, str], int] = {}
    for a, line in zip(ids, rows, strict=True):
        values = [cell.strip() for cell in line.strip("| ").split(" | ")[2:]]
        for b, value in zip(ids, values, strict=True):
            number = re.search(r">(\d+)<", value)
            if number:
                cells[(a, b)] = int(number.group(1))
    return cells


def coordination_views(playbook: Playbook) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """The hand-off table (summed per pair of the map's boxes) and the map's spokes, after
    checking the department x department table against both and against `Facts.ties`."""
    labels = get_labels("en")
    page = render_pages(playbook, labels)["coordination/index.md"].markdown
    drawn = map_pairs(diagrams.coordination_map(playbook, labels).dot)
    facts = Facts(playbook)
    groups = diagrams.coordination_groups(facts)
    table: dict[tuple[str, str], int] = {}
    for (a, b), count in table_pairs(page).items():
        a, b = groups[a], groups[b]
        if a != b:  # inside one box of the map
            pair = (min(a, b), max(a, b))
            table[pair] = table.get(pair, 0) + count
    ties = facts.ties(groups)
    matrix = matrix_cells(page)
    for (a, b), tie in ties.items():
        assert matrix[(a, b)] == matrix[(b, a)] == tie.weight, (a, b)
        assert tie.handoffs == table.get((a, b), 0), (a, b)
    assert sum(matrix.values()) == 2 * sum(tie.weight for tie in ties.values())
    hub = coordination_hub(playbook, facts, groups)
    spokes = {pair: n for pair, n in table.items() if hub in pair}
    return spokes, drawn


@pytest.mark.parametrize("size", [150, 400])
def test_coordination_table_and_map_agree_on_a_synthetic_org(tmp_path: Path, size: int) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import write

    result = validate(write(size, tmp_path / "synth"))
    assert not result.errors
    table, drawn = coordination_views(result.playbook)
    assert table == drawn and sum(table.values()) >= 5  # the hub's spokes; every pair is checked in the matrix
