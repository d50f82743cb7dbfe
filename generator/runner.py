"""Run the site engine's own commands in this process, so that `playbook serve` has no
child process to leave behind.

`playbook serve` used to start `python -m mkdocs serve`: a SIGTERM to it left the child
holding the port, and a SIGINT to its pid alone killed the child without cleaning up. Here
MkDocs' command line runs in-process, and SIGTERM is turned into the KeyboardInterrupt that
MkDocs' server already handles: it stops, and removes its temporary site folder.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(config: Path, args: list[str]) -> int:
    """`mkdocs serve` on `config` with `args`; its exit status."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner
    from mkdocs.__main__ import cli

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        cli.main(args=["serve", "--config-file", str(config), *args], prog_name="mkdocs")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
