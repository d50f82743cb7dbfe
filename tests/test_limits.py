"""Limits that keep validation bounded, each with a located message that says which limit.

Generated inputs (too large to keep as problem folders) go through the same reader the
loader uses.
"""

from __future__ import annotations

import difflib
import random
import string
from pathlib import Path

from generator.project import validate
from generator.rules import MAX_DEPTH
from generator.suggest import SMALL, Suggester
from generator.yamlread import MAX_NODES, read_text

from .test_problems import BASE, overlay


def nested_list(values: int, depth: int) -> str:
    """A valid YAML file whose one list of `values` scalars sits `depth` mappings deep."""
    lines = []
    for level in range(depth):
        lines.append("  " * level + f"level{level}:")
    lines += ["  " * depth + "- x" for _ in range(values)]
    return "\n".join(lines) + "\n"


def test_plain_values_count_once_however_deep() -> None:
    """26,504 values four levels deep were refused as an 'alias bomb' (each counted per level)."""
    doc, problems = read_text(nested_list(MAX_NODES // 4 + 1_000, depth=4), "org/roles/big.yml")
    assert problems == []
    assert doc is not None


def test_too_many_plain_values_is_not_called_an_alias_bomb() -> None:
    doc, problems = read_text(nested_list(MAX_NODES + 1, depth=1), "org/roles/big.yml")
    assert doc is None
    assert [str(p) for p in problems] == [
        f"org/roles/big.yml:{MAX_NODES + 2}:5: error: file holds more than {MAX_NODES:,} values; "
        "split it into smaller files [limits]"
    ]


def test_aliases_count_as_what_they_stand_for() -> None:
    lines = ["a: &a [" + ", ".join(["x"] * 100) + "]"]
    lines += [f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i - 1}'}, *{'a' if i == 0 else f'b{i - 1}'}]" for i in range(12)]
    doc, problems = read_text("\n".join(lines) + "\n", "playbook/metrics/reach.yml")
    assert doc is None
    assert len(problems) == 1
    assert "expands to more than 100,000 values through aliases [limits]" in str(problems[0])


def _misspell(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    return [
        word[:i] + word[i + 1 :],  # a letter left out
        word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :],  # a wrong letter
        word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],  # two letters swapped
    ][rng.randrange(3)]


WORDS = (
    "social media manager head community care agent content designer video editor brand public "
    "relations analyst lead marketing sales store cafe barista roaster quality control finance legal"
).split()


def test_suggestions_are_difflibs_at_a_fraction_of_the_cost() -> None:
    """Over SMALL ids the index shortlists; the answer is what difflib gives over all ids."""
    rng = random.Random(11)
    ids = sorted({"-".join(rng.sample(WORDS, rng.randint(2, 4))) for _ in range(1_000)})
    assert len(ids) > SMALL
    suggester = Suggester(ids)
    for _ in range(100):
        word = _misspell(rng, rng.choice(ids))
        expected = difflib.get_close_matches(word, ids, n=1, cutoff=0.6)
        assert suggester.best(word) == (expected[0] if expected else None), word


def test_suggestions_among_look_alike_ids_are_as_close_as_difflibs() -> None:
    """`role-0412` among 1,000 numbered ids: many ties; the suggestion is one of the closest."""
    rng = random.Random(5)
    ids = [f"role-{i:04d}" for i in range(1_000)]
    suggester = Suggester(ids)
    for _ in range(60):
        word = _misspell(rng, rng.choice(ids))
        expected = difflib.get_close_matches(word, ids, n=1, cutoff=0.6)
        found = suggester.best(word)
        assert (found is None) == (not expected)
        if found is not None:
            ratio = difflib.SequenceMatcher(None, word, found).ratio()
            assert ratio == difflib.SequenceMatcher(None, word, expected[0]).ratio(), word


def chain_project(target: Path, length: int, *, loop: bool = False) -> Path:
    """The base project with a reporting line of `length` roles under the head of marketing."""
    project = overlay(BASE, target)
    for i in range(length):
        boss = "head-of-marketing" if i == 0 else f"level-{i - 1:05d}"
        if loop and i == 0:
            boss = f"level-{length - 1:05d}"
        (project / "org" / "roles" / f"level-{i:05d}.yml").write_text(
            f"title: Level {i}\nsummary: Further down.\ndepartment: marketing\nreports_to: {boss}\n"
            "responsibilities:\n  - Report upwards.\n"
        )
    return project


def test_a_long_reporting_line_is_one_located_error(tmp_path: Path) -> None:
    """The same code path as the 50,000-role chain of benchmarks/limits.py, small enough for make test."""
    result = validate(chain_project(tmp_path / "p", 2_000))
    assert [str(p) for p in result.errors] == [
        "org/roles/level-00039.yml:4:13: error: role 'level-00039' makes its reporting line "
        f"{MAX_DEPTH['reports_to'] + 1} roles long, counted from the top; a line has at most "
        f"{MAX_DEPTH['reports_to']}: let it report to someone higher up [limits]"
    ]


def test_a_long_loop_is_one_cycle(tmp_path: Path) -> None:
    result = validate(chain_project(tmp_path / "p", 2_000, loop=True))
    errors = [p for p in result.errors if p.rule == "cycle"]
    assert len(errors) == 2_000
    chain = (
        "level-00000 -> level-01999 -> level-01998 -> level-01997 -> … 1,994 more … -> level-00002 -> "
        "level-00001 -> level-00000"
    )
    assert [p.message for p in errors[:2]] == [
        f"role 'level-00000' reports to itself through a cycle: {chain}",
        f"role 'level-00001' reports to itself through a cycle: {chain}",
    ]
    assert [p for p in result.errors if p.rule != "cycle"] == []


def test_a_file_name_ending_in_a_newline_is_not_an_id(tmp_path: Path) -> None:
    """Python's `$` matches before a final newline: such a name passed, then crashed the build."""
    project = overlay(BASE, tmp_path / "p")
    (project / "org" / "roles" / "care-manager.yml").rename(project / "org" / "roles" / "care-manager\n.yml")
    result = validate(project)
    assert any(
        p.rule == "id" and p.message.startswith("file name 'care-manager\n' is not a valid id") for p in result.errors
    ), [str(p) for p in result.errors]
