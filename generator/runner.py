"""The site engine: MkDocs or ProperDocs, run in this process for `playbook build` and `serve`.

Both engines have the same command line (ProperDocs is the maintained MkDocs 1.x fork), so
one adapter picks the engine's `click` group and calls it. In this process, `playbook serve`
has no child to leave behind: SIGTERM is turned into the KeyboardInterrupt that the engine's
server already handles, so it stops and removes its temporary site folder.

ProperDocs redirects `mkdocs.*` imports to itself once its command module is imported, which
is why the plugin (which imports `mkdocs.plugins`) loads unchanged under either engine, even
where mkdocs is not installed at all.

"Engine" here is the site engine; the Graphviz program that draws the diagrams is chosen by
the plugin's `engine` option and `playbook export --graphviz` (generator/engine.py).
"""

from __future__ import annotations

import importlib
import signal
from pathlib import Path
from types import FrameType

from .errors import UsageError
from .load import CONFIG_NAMES
from .sitewrite import rewrite

SITE_ENGINES = ("mkdocs", "properdocs")
"""The site engines `playbook build` and `serve` can run; MkDocs is the default."""
END_OF_LIFE = (
    "note: Material for MkDocs gets security fixes until 2027-05-05; this site builds with MkDocs "
    "or ProperDocs (--engine properdocs) until then, and `playbook export --for zensical` is "
    "the way to Zensical (README: Material's end of life)"
)
"""Said once by `playbook build` and `serve`, in place of Material's own multi-line banner,
with what this project does about it (README, "Material's end of life")."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _command_line(engine: str):  # noqa: ANN202 - a click.Group of the engine's package
    if engine not in SITE_ENGINES:
        raise UsageError(f"unknown site engine '{engine}'; choose one of: {', '.join(SITE_ENGINES)}")
    try:
        module = importlib.import_module(f"{engine}.__main__")
    except ImportError as exc:
        raise UsageError(
            f"the site engine {engine} is not installed here ({exc}); install it with: pip install {engine}"
        ) from None
    return module.cli


def run(engine: str, command: str, config: Path, args: list[str]) -> int:
    """`<engine> <command> --config-file <config> <args>` in this process; its exit status.

    `command` is `build` or `serve`. Each run sets up the engine's logging anew (its click
    context does), so several builds in one process print as separate runs would."""
    cli = _command_line(engine)
    previous = signal.signal(signal.SIGTERM, _interrupt) if command == "serve" else None
    try:
        cli.main(args=[command, "--config-file", str(config), *args], prog_name=engine)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def build_in_place(engine: str, config: Path, args: list[str], folder: Path) -> int:
    """`<engine> build` into `folder`, a site folder this generator made (checked by the
    caller): only the files whose bytes changed are written, and only once the build has
    passed; what the new site no longer has is removed (see `sitewrite`). Its exit status."""
    _command_line(engine)  # a missing engine is said before anything else
    with rewrite(engine, folder, deferred=True) as writes:
        status = run(engine, "build", config, [*args, "--site-dir", str(folder)])
        if status == 0:
            writes.apply()
    return status


def serve(config: Path, args: list[str], engine: str = "mkdocs") -> int:
    """`<engine> serve` on `config` with `args`; its exit status. Each rebuild writes only
    the files that changed into the server's folder (see `sitewrite`)."""
    _command_line(engine)
    with rewrite(engine, Path(), deferred=False):  # the engine names its temporary folder
        return run(engine, "serve", config, args)


def find_config(folder: Path) -> Path | None:
    """The engine config in `folder`: mkdocs.yml, else properdocs.yml."""
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None
