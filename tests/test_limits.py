"""Limits that keep validation bounded, each with a located message that says which limit.

Generated inputs (too large to keep as problem folders) go through the same reader the
loader uses.
"""

from __future__ import annotations

import difflib
import errno
import os
import random
import shutil
import stat
import string
from pathlib import Path
from typing import Any

import pytest

from generator import load
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


# -- files that are not plain files: refused where they are, without being opened ------------


def special_project(tmp_path: Path) -> Path:
    return overlay(BASE, tmp_path / "p")


def layout_errors(project: Path) -> list[str]:
    return [str(p) for p in validate(project).errors if p.rule == "layout"]


def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO named *.yml hung validate, build and serve: opening it waits for a writer."""
    project = special_project(tmp_path)
    os.mkfifo(project / "org" / "roles" / "pipe.yml")
    assert layout_errors(project) == [
        "org/roles/pipe.yml:1:1: error: file is a named pipe, not a plain file; the playbook reads only "
        "plain YAML files [layout]"
    ]


def test_a_device_is_refused_without_reading(tmp_path: Path) -> None:
    """A device has st_size 0, so the size check passed and /dev/zero was read for ever."""
    project = special_project(tmp_path)
    device = project / "org" / "roles" / "zero.yml"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:  # not root: a link to /dev/zero is refused as leaving the project
        device.symlink_to("/dev/zero")
        assert layout_errors(project) == [
            "org/roles/zero.yml:1:1: error: file links outside the project folder; copy it in instead [layout]"
        ]
        return
    assert layout_errors(project) == [
        "org/roles/zero.yml:1:1: error: file is a device, not a plain file; the playbook reads only plain YAML "
        "files [layout]"
    ]


def test_dangling_and_looping_links_are_located(tmp_path: Path) -> None:
    project = special_project(tmp_path)
    roles = project / "org" / "roles"
    (roles / "gone.yml").symlink_to(roles / "nowhere.yml")
    (roles / "loop-a.yml").symlink_to(roles / "loop-b.yml")
    (roles / "loop-b.yml").symlink_to(roles / "loop-a.yml")
    (roles / "alias.yml").symlink_to(roles / "care-manager.yml")  # inside the project: read as usual
    assert layout_errors(project) == [
        "org/roles/gone.yml:1:1: error: file is a link to nothing (the file it points to is gone); remove the "
        "link or copy the file in [layout]",
        "org/roles/loop-a.yml:1:1: error: file is a link that loops back on itself; remove the link [layout]",
        "org/roles/loop-b.yml:1:1: error: file is a link that loops back on itself; remove the link [layout]",
    ]


def test_linked_folders_are_not_followed(tmp_path: Path) -> None:
    """A linked org/ was read from wherever it pointed: files outside the project became pages."""
    outside = tmp_path / "outside"
    (outside / "roles").mkdir(parents=True)
    (outside / "roles" / "secret.yml").write_text("title: Secret\nsummary: x\ndepartment: care\nresponsibilities: [x]\n")
    project = special_project(tmp_path)
    (project / "org" / "roles" / "more").symlink_to(outside / "roles")
    assert layout_errors(project) == [
        "org/roles/more:1:1: error: folder is a link; the playbook does not follow links to folders: copy the "
        "files in [layout]"
    ]
    shutil.move(str(project / "playbook"), str(outside / "playbook"))
    (project / "playbook").symlink_to(outside / "playbook")
    assert "playbook:1:1: error: playbook/ links to a folder outside the project; copy it in instead [layout]" in (
        layout_errors(project)
    )


def test_unreadable_files_and_folders_are_one_located_error_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root every file is readable, so the refusals are simulated where the OS would give them."""
    project = special_project(tmp_path)
    real_open, real_walk = os.open, os.walk

    def deny_open(path: Any, flags: int, *args: Any) -> int:
        if str(path).endswith("care-manager.yml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    def deny_walk(top: Any, **kwargs: Any) -> Any:
        if str(top).endswith("playbook"):
            kwargs["onerror"](PermissionError(errno.EACCES, "Permission denied", str(top)))
            return iter(())
        return real_walk(top, **kwargs)

    monkeypatch.setattr(load.os, "open", deny_open)
    monkeypatch.setattr(load.os, "walk", deny_walk)
    assert layout_errors(project) == [
        "org/roles/care-manager.yml:1:1: error: file cannot be read (permission denied); fix its permissions [layout]",
        "playbook:1:1: error: folder cannot be read (permission denied); its files are left out: fix its "
        "permissions [layout]",
    ]
