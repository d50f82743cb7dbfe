"""Folders that commands write: which ones they may replace, and how a new one is swapped in.

The rule, for `build`, `export` and every later command that writes a folder: a command
replaces or empties only a folder that it made itself (it carries `MARKER`, written when
the folder was made and checked before anything is deleted) or an empty one, and never a
folder that is, holds or lies inside the project's sources. Both checks run before
anything is touched, so a mistyped `-d docs` costs nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

MARKER = ".playbook-output"
"""File in every folder a command made; its presence allows the next run to replace the folder."""
MARKER_TEXT = (
    "This folder was written by the playbook generator ({command}).\n"
    "The next run may delete and replace it; do not keep your own files here.\n"
)
WORK_INFIX = ".playbook-"
"""Work folders beside the target are named `.<target>.playbook-new-…` (git-ignored)."""
_RENAME_EXCHANGE = 2
"""`renameat2` flag (linux/fs.h): swap two paths in one step."""


class UnsafeTarget(UsageError):
    """A command was pointed at a folder it must not replace or empty."""


@dataclass(frozen=True)
class Source:
    """A folder that holds what the user wrote."""

    path: Path
    why: str
    may_hold_output: bool = False
    """The project folder may hold an output folder (`site/` beside `mkdocs.yml`); others may not."""


def sources(root: Path, docs_dir: Path | None = None, extra: Iterable[Path] = ()) -> list[Source]:
    """The project's source folders: `root` itself (the config's folder) and what it keeps."""
    found = [
        Source(root, "the project folder (mkdocs.yml and its sources)", may_hold_output=True),
        Source(root / "org", "org/, the organization's YAML"),
        Source(root / "playbook", "playbook/, the playbook's YAML"),
        Source(docs_dir or root / "docs", "the docs folder with the hand-written pages"),
        Source(root / ".git", "the repository's history (.git)"),
    ]
    found += [Source(path, f"{path.name}/, a folder the site's configuration reads") for path in extra]
    return [Source(_real(s.path), s.why, s.may_hold_output) for s in found]


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def check_target(target: Path, project_sources: list[Source], *, command: str) -> Path:
    """The real path of `target` if `command` may fill it; `UnsafeTarget` before anything is touched.

    Allowed: a folder that does not exist yet, an empty folder, or one this generator made
    (it holds `MARKER`). Refused: anything that is, holds or lies inside a source folder
    (the project folder itself may hold the target, as `site/` beside `mkdocs.yml`).
    """
    real = _real(target)
    for source in project_sources:
        inside = source.path in real.parents
        if source.path.is_relative_to(real) or (inside and not source.may_hold_output):
            relation = "is" if real == source.path else "is inside" if inside else "holds"
            raise UnsafeTarget(
                f"refusing to write the {command} output into {target}: it {relation} {source.why}; "
                "choose a folder of its own, such as site/"
            )
    if real.exists() or real.is_symlink():
        if not real.is_dir():
            raise UnsafeTarget(f"refusing to replace {target}: it is a file, not a folder")
        if not made_here(real) and _has_entries(real):
            raise UnsafeTarget(
                f"refusing to replace {target}: it holds files that playbook did not write "
                f"(there is no {MARKER} file in it); empty or remove it yourself, or choose a new folder"
            )
    return real


def made_here(folder: Path) -> bool:
    """Whether `folder` carries the marker of a folder this generator made."""
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def _has_entries(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return any(True for _ in entries)


def mark(folder: Path, command: str) -> None:
    """Write the marker that lets a later run replace `folder`."""
    (folder / MARKER).write_text(MARKER_TEXT.format(command=command), encoding="utf-8")


def empty(folder: Path) -> None:
    """Delete what is in `folder` (checked by `check_target` first), keeping the folder."""
    if not made_here(folder) and _has_entries(folder):  # the check again, at the moment of deleting
        raise UnsafeTarget(f"refusing to empty {folder}: it has no {MARKER} file")
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def fresh_folder(target: Path, command: str) -> Iterator[Path]:
    """A new, marked work folder beside `target`, removed again whatever happens.

    It gets the permissions `os.makedirs` would give (mkdtemp's are 0700, which a web
    server running as another user cannot read). Work folders that a killed run left
    behind are removed first.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_debris(target)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}{WORK_INFIX}new-", dir=target.parent))
    try:
        os.chmod(work, 0o777 & ~_umask())
        (work / MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        yield work
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def remove_debris(target: Path) -> list[Path]:
    """Remove work folders of `target` left by runs that were killed; return what went."""
    removed = []
    prefix = f".{target.name}{WORK_INFIX}"
    with contextlib.suppress(FileNotFoundError):
        for entry in target.parent.iterdir():
            if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
                continue
            if not made_here(entry) or _owner_alive(entry / MARKER):
                continue
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _owner_alive(marker: Path) -> bool:
    """Whether the process that wrote a work folder's marker still runs."""
    try:
        pid = int(marker.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return False  # a finished folder's marker holds text, not a pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_in(work: Path, target: Path, command: str) -> str:
    """Put the finished `work` folder at `target`; the old `target` (checked) is deleted.

    On Linux the two folders change places in one `renameat2(RENAME_EXCHANGE)` call, so a
    web server sees the old site or the new one, never none. Elsewhere it is two renames,
    with a window of a few microseconds in which `target` does not exist. Returns how the
    swap was done ("exchange", "rename" or "two renames").
    """
    mark(work, command)
    if not target.exists():
        work.rename(target)
        return "rename"
    if _exchange(work, target):
        shutil.rmtree(work)  # now the old site
        return "exchange"
    old = target.with_name(f".{target.name}{WORK_INFIX}old-{work.name.rsplit('-', 1)[-1]}")
    target.rename(old)
    work.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return "two renames"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2; False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a filesystem or kernel without the exchange
    raise OSError(code, f"cannot swap {a} and {b}: {os.strerror(code)}")
