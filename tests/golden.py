"""Golden files: the one rule every golden test follows.

A test compares what the code produces with a file (or a folder of files) under tests/.
`UPDATE_GOLDEN=1` (exactly the string "1") rewrites the files first, for review as a git
diff; any other value, or none, only compares. A missing golden file, or a golden folder
without files, fails the test: a test without an expectation must not pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import REPO

HINT = "rerun with UPDATE_GOLDEN=1 and review the diff"


def updating() -> bool:
    """True only when `UPDATE_GOLDEN` is exactly "1"."""
    return os.environ.get("UPDATE_GOLDEN") == "1"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def check_file(path: Path, actual: str) -> str:
    """Assert that `actual` equals the golden file at `path`; return the golden text."""
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    if not path.is_file():
        pytest.fail(f"no golden file {_shown(path)}: write it with UPDATE_GOLDEN=1 and review it", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{_shown(path)} differs; {HINT}"
    return expected


def check_folder(folder: Path, actual: dict[str, str], suffix: str) -> None:
    """Assert that the `*suffix` files under `folder` are exactly `actual`
    (paths relative to `folder`, each ending in `suffix`, mapped to their text)."""
    assert all(name.endswith(suffix) for name in actual), sorted(actual)
    if updating():
        for stale in folder.rglob(f"*{suffix}") if folder.exists() else []:
            stale.unlink()
        for name, text in actual.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in (folder.rglob(f"*{suffix}") if folder.exists() else [])
    }
    if not expected:
        pytest.fail(f"no golden *{suffix} files in {_shown(folder)}: write them with UPDATE_GOLDEN=1 and review them",
                    pytrace=False)
    added, removed = sorted(set(actual) - set(expected)), sorted(set(expected) - set(actual))
    assert not added and not removed, f"files added {added} or removed {removed} in {_shown(folder)}; {HINT}"
    changed = [name for name in sorted(actual) if actual[name] != expected[name]]
    if changed:
        first = changed[0]
        assert actual[first] == expected[first], f"{len(changed)} files differ from {_shown(folder)}: {changed}; {HINT}"
