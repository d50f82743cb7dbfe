"""Keep CPython's cycle collector off what a build holds from its start to its end.

The collector's full pass looks at every object it tracks. A large playbook's build holds
millions of them for its whole length: the playbook, the generated output, and while
`serve` runs the page cache and the last run's record of incremental generation. None of
them becomes garbage during the build, yet each full pass walked them all: a one-role save
at 3,000 roles ran three full passes, 0.64 s of a 4 s rebuild (measured in-process,
benchmarks/RESULTS.md has the serve figure).

`hold` moves every object alive at that moment out of the collector's sight
(`gc.freeze`); the plugin calls it when a build starts, and generates the playbook
`holding` (the collector off, then what generation left held before it is back on).
`release` hands them back when the build ends (or fails), so what they hold can be
collected as before. While serving, one collection then runs a second later, while the
reader looks at the reloaded page: MkDocs' pages and files of the build before hold
reference cycles, and freeing them there keeps the session's memory to one build's worth
without costing the next save any time.

Generation runs with the collector paused (`collector_paused`, for every caller of
`generate`); `Heap` covers the engine's part of a build. `gc.freeze` is process-wide: this
module is the one place that calls it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

IDLE_COLLECT_DELAY = 1.0
"""Seconds after a `serve` build before the collection that frees the last build's cycles."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the length of a block, as it was after. A run allocates
    millions of objects that live until its end (the playbook, the facts, the recorded reads),
    so the collector's full passes found nothing to free and walked the whole heap again and
    again: 0.7 s of a cold 3,000-role run, 0.3-0.6 s of one after an edit. Memory is freed
    by reference counting as before; the few cycles a run leaves are collected after it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Heap:
    """One plugin's use of `gc.freeze` (see the module's docstring)."""

    def __init__(self) -> None:
        self._held = False
        self._idle: threading.Timer | None = None

    def hold(self) -> None:
        """Put every object alive now out of the collector's sight until `release`."""
        gc.freeze()
        self._held = True

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Run a block with the collector off, then `hold` what it left alive before the
        collector is back: a cold 3,000-role generation leaves millions of young objects,
        and the collector's first pass over them, once back on, took 0.9 s."""
        with collector_paused():
            try:
                yield
            finally:
                self.hold()

    def release(self, *, collect_later: bool = False) -> None:
        """Hand the held objects back to the collector; with `collect_later`, collect once
        `IDLE_COLLECT_DELAY` seconds from now (in a daemon thread: it never keeps the process up)."""
        if self._held:
            gc.unfreeze()
            self._held = False
        if collect_later:
            if self._idle is not None:
                self._idle.cancel()
            self._idle = threading.Timer(IDLE_COLLECT_DELAY, gc.collect)
            self._idle.daemon = True
            self._idle.start()
