"""`playbook serve` hears a saved file at once instead of at the next poll.

MkDocs' live-reload server watches with watchdog's `PollingObserver`: every watched folder is
scanned every half second, so a save waits 0.25 s on average (0.5 s at worst) before the
rebuild starts, and at 3,000 roles each scan stats 5,000 YAML files. Where the system has a
native file-change notifier (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on
Windows: `watchdog.observers.Observer`), the plugin's `on_serve` moves the watches over to it
before the server starts, with the same handlers, so the server rebuilds as it always did.
Anything unexpected (another observer, a watch the system refuses) leaves MkDocs' polling as
it was: the preview is then slower, never deaf.

A native notifier also reports files that were only *read* (inotify's open and
close-without-write), which polling never sees. MkDocs rebuilds on any event, and every build
reads the hand-written pages under docs/ and the YAML files it has not read yet: each build
would start the next, forever (at 3,000 roles a rebuild every 1.5 s, and a save waited for the
one under way). Every handler on the new observer, the moved ones and those MkDocs adds after
`on_serve` (the playbook's folders, from `config.watch`), gets every event but those two
(`_Changes`).
"""

from __future__ import annotations

from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler

READ_ONLY_EVENTS = frozenset({"opened", "closed_no_write"})
"""watchdog's event types for a file opened, and closed unwritten: nothing changed."""


def use_native_observer(server: Any) -> bool:
    """Give `server` (MkDocs' or ProperDocs' `LiveReloadServer`, not started yet) a native
    observer with its watches; False when it keeps polling."""
    try:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver
    except ImportError:
        return False
    old = getattr(server, "observer", None)
    handlers = getattr(old, "_handlers", None)
    refs = getattr(server, "_watch_refs", None)
    if Observer is PollingObserver or not isinstance(old, PollingObserver) or old.is_alive():
        return False
    if not isinstance(handlers, dict) or not isinstance(refs, dict):
        return False

    class ChangesObserver(Observer):  # type: ignore[misc, valid-type]
        """The native observer, every handler scheduled on it (now, and by MkDocs' `watch`
        after `on_serve`: the playbook's folders) seeing changes only."""

        def schedule(self, event_handler: FileSystemEventHandler, *args: Any, **kwargs: Any) -> Any:
            return super().schedule(_Changes(event_handler), *args, **kwargs)

    new = ChangesObserver()
    moved = {}
    try:
        for watch, watch_handlers in list(handlers.items()):
            for handler in watch_handlers:
                moved[watch] = new.schedule(handler, watch.path, recursive=watch.is_recursive)
    except OSError:  # no notifier here (or its limits are reached): keep polling
        return False
    server.observer = new
    for path, ref in list(refs.items()):
        refs[path] = moved.get(ref, ref)
    return True


class _Changes(FileSystemEventHandler):
    """A watch's handler with the events of files only read left out (see the module's docstring)."""

    def __init__(self, handler: FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.event_type not in READ_ONLY_EVENTS:
            self.handler.dispatch(event)
