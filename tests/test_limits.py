"""Limits that keep validation bounded, each with a located message that says which limit.

Generated inputs (too large to keep as problem folders) go through the same reader the
loader uses.
"""

from __future__ import annotations

from generator.yamlread import MAX_NODES, read_text


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
