"""The `playbook` command. The only module that imports click.

Each command finds the project (the folder of `mkdocs.yml`), calls the core and turns
a `PlaybookError` into a one-line message and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import PlaybookError, Problem
from .load import find_project
from .model import FILE_KINDS, KIND
from .project import Result, validate

if TYPE_CHECKING:  # for the annotation only: like the other commands, rename and remove import their module when run
    from .refactor import Outcome

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=True),
    default=None,
    help="Path to mkdocs.yml or properdocs.yml (default: the one in this folder); the playbook is the folder holding it.",
)


class _SetupFailure(click.ClickException):
    """A usage or setup error (no mkdocs.yml, a folder that must not be written): exit 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PlaybookError as exc:
            # 1: the playbook has problems; 2: the command cannot run (usage or setup)
            failure = _SetupFailure if exc.exit_code == 2 else click.ClickException
            raise failure(str(exc)) from None


def _version_message() -> str:
    from .engine import describe_engine

    return f"playbook {__version__}, Graphviz: {describe_engine()}"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Validate a social media playbook kept as YAML and publish it as a site."""


def _version_callback(ctx: click.Context, _param: Any, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit()


# the version line names the Graphviz engine too, so a bug report says which one drew
main.params.append(
    click.Option(
        ["-V", "--version"],
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_version_callback,
        help="Show the version and the Graphviz engine, then exit.",
    )
)


def format_problems(problems: list[Problem], fmt: str) -> str:
    """Problems as text lines, GitHub workflow commands or JSON."""
    if fmt == "json":
        items = [
            {
                "path": p.location.path,
                "line": p.location.line,
                "column": p.location.column,
                "severity": p.severity,
                "message": p.message,
                "rule": p.rule,
            }
            for p in problems
        ]
        return json.dumps({"problems": items}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        from .github import annotate

        return annotate(problems).commands
    return "".join(f"{p}\n" for p in problems)


def _summary(result: Result) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(result.sources.files)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"


@main.command("validate")
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="How to print problems.",
)
@click.option(
    "--base", "base_rev", metavar="REV", default=None,
    help="The git revision this change starts from, to tell renamed and removed ids "
    "(default: the merge base with the remote's default branch, else HEAD).",
)
@click.option(
    "--changed-from", metavar="REV", default=None,
    help="With --format github: annotate the files changed since git revision REV first.",
)
@click.option(
    "--summary", "summary_file", type=click.Path(dir_okay=False), envvar="GITHUB_STEP_SUMMARY", default=None,
    help="With --format github: append the problems beyond GitHub's 10 errors and 10 warnings "
    "to this Markdown file (default: $GITHUB_STEP_SUMMARY).",
)
def validate_command(
    config_file: str | None, strict: bool, fmt: str, base_rev: str | None, changed_from: str | None,
    summary_file: str | None,
) -> None:
    """Check the YAML and print every problem; exit 1 on errors."""
    from .baseline import read_base, unknown_ids
    from .cache import Cache

    root = find_project(config_file)
    cache = Cache()
    result = validate(root, cache)
    why = ""
    if unknown_ids(result):  # only then is it worth reading the base revision
        base, name, why = read_base(root, base_rev)
        if base is not None:
            result = validate(root, cache, base=(base, name))
    if fmt == "github":
        _annotate(root, result, changed_from, summary_file)
    else:
        click.echo(format_problems(result.problems, fmt), nl=False)
    if why:
        click.echo(f"note: no rename hints for unknown ids: {why}", err=True)
    if fmt == "text":
        click.echo(_summary(result), err=True)
    if result.failed(strict):
        sys.exit(1)


def _annotate(root: Path, result: Result, changed_from: str | None, summary_file: str | None) -> None:
    """GitHub annotations, changed files first; what GitHub would drop goes to the summary file."""
    from .github import annotate, changed_files

    changed = changed_files(root, changed_from) if changed_from else set()
    annotations = annotate(result.problems, changed=changed, sources=result.sources, summary=bool(summary_file))
    if annotations.summary and summary_file:
        try:
            with open(summary_file, "a", encoding="utf-8") as summary:
                summary.write(annotations.summary)
        except OSError as exc:
            raise _SetupFailure(f"cannot write the summary to {summary_file}: {exc.strerror}") from None
    click.echo(annotations.commands, nl=False)


@main.command("schema")
@config_option
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder to write the schemas into (default: schemas/ beside mkdocs.yml).",
)
def schema_command(config_file: str | None, output: str | None) -> None:
    """Write JSON Schemas (draft 2020-12) for every kind of YAML file."""
    from .schema import write_schemas

    if output is None:
        folder = find_project(config_file) / "schemas"
    else:
        folder = Path(output)
    for path in write_schemas(folder):
        click.echo(str(path))


def _reference_option(name: str, help: str) -> Any:
    return click.option(f"--{name.replace('_', '-')}", name, metavar="ID", default=None, help=help)


@main.command("new")
@config_option
@click.argument("kind", type=click.Choice(FILE_KINDS))
@click.argument("entity_id", metavar="ID")
@click.option("--title", default=None, help="The name people read (default: from ID).")
@_reference_option("department", "role: the department it belongs to.")
@_reference_option("reports_to", "role: the role it reports to.")
@_reference_option("parent", "department: the department it belongs to.")
@_reference_option("owner", "channel: the role accountable for the account.")
@_reference_option("accountable", "objective: the one accountable role.")
@_reference_option("objective", "theme, workflow: the objective it serves.")
@_reference_option("by", "workflow: who does the first step.")
@click.option("--ask/--no-ask", default=None,
              help="Ask for the title and references (default: when run on a terminal).")
def new_command(config_file: str | None, kind: str, entity_id: str, title: str | None, ask: bool | None,
                **given: str | None) -> None:
    """Write a commented starter file for a new KIND named ID.

    The ids it names are asked for on a terminal, or given as options (--department,
    --reports-to, --parent, --owner, --accountable, --objective, --by); it never makes
    one up. Its placeholder text is a warning until replaced, so it fails --strict.
    """
    from .load import _ID, suggest_id
    from .starters import QUESTIONS, starter

    if not _ID.fullmatch(entity_id):
        raise click.UsageError(
            f"'{entity_id}' is not a valid id; use lower-case letters, digits and single "
            f"hyphens, such as '{suggest_id(entity_id)}'"
        )
    questions = {q.key: q for q in QUESTIONS[kind]}
    for key, value in given.items():
        if value is not None and key not in questions:
            raise click.UsageError(f"--{key.replace('_', '-')} does not apply to a {kind}")
    root = find_project(config_file)
    result = validate(root)
    existing = result.playbook.entity(entity_id) or result.sources.unloaded.get(entity_id)
    if existing is not None:
        raise click.ClickException(f"id '{entity_id}' is already used; ids are unique across all kinds")
    folder = root / KIND[kind].folder
    target = folder / f"{entity_id}.yml"
    if target.exists() or target.with_suffix(".yaml").exists():
        raise click.ClickException(f"{target.relative_to(root)} already exists")
    interactive = sys.stdin.isatty() if ask is None else ask
    if interactive and title is None:
        title = click.prompt("Title", default=entity_id.replace("-", " ").capitalize())
    answers = {key: _answer(question, given.get(key), result, kind, interactive)
               for key, question in questions.items()}
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(starter(kind, entity_id, answers, title), encoding="utf-8")
    click.echo(f"wrote {target.relative_to(root).as_posix()}")


# -- rename and remove: one id changed everywhere, files edited in place ------------------------

dry_run_option = click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")


def _carry_out(outcome: Outcome, dry_run: bool, force: bool) -> None:
    """Print the plan and the problems it would bring; write it unless it is refused or a dry run."""
    for line in outcome.plan.said:
        click.echo(line)
    errors = [p for p in outcome.new_problems if p.severity == "error"]
    if outcome.new_problems:
        verb = "has" if force and not dry_run else "would have"
        count = len(outcome.new_problems)
        click.echo(f"after this change the playbook {verb} {count} new problem{'' if count == 1 else 's'}:", err=True)
        click.echo(format_problems(outcome.new_problems, "text"), nl=False, err=True)
    if errors and not force:
        click.echo("nothing was changed: fix these first, or make the change anyway with --force", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("dry run: nothing was written")
    else:
        outcome.plan.apply()
    if errors:
        sys.exit(1)


@main.command("rename")
@config_option
@click.argument("kind", type=click.Choice(FILE_KINDS))
@click.argument("old")
@click.argument("new")
@dry_run_option
@click.option("--force", is_flag=True, help="Make the change even if it leaves new problems (they are listed).")
def rename_command(config_file: str | None, kind: str, old: str, new: str, dry_run: bool, force: bool) -> None:
    """Give the KIND named OLD the id NEW: its file, every reference to it, and a redirect
    from its old page (in redirects.yml)."""
    from .refactor import rename

    root = find_project(config_file)
    _carry_out(rename(root, kind, old, new, _docs_dir(config_file, root)), dry_run, force)


def _docs_dir(config_file: str | None, root: Path) -> Path:
    """The folder of the hand-written pages (`docs_dir` in mkdocs.yml)."""
    config = _config_path(config_file, root)
    return config.parent / _text(_read_mkdocs_yml(config).get("docs_dir"), "docs")


@main.command("remove")
@config_option
@click.argument("kind", type=click.Choice(FILE_KINDS))
@click.argument("entity_id", metavar="ID")
@click.option("--to", "to", metavar="OTHER", default=None,
              help="Hand every reference (and the old page address) to OTHER, of the same kind.")
@dry_run_option
@click.option("--force", is_flag=True, help="Remove it even if references are left (the now-invalid files are listed).")
def remove_command(config_file: str | None, kind: str, entity_id: str, to: str | None, dry_run: bool, force: bool) -> None:
    """Remove the KIND named ID; refused while anything refers to it, unless --to or --force."""
    from .refactor import remove

    root = find_project(config_file)
    outcome = remove(root, kind, entity_id, to, _docs_dir(config_file, root))
    if (outcome.references or outcome.links) and to is None and not force:
        count = len(outcome.references) + len(outcome.links)
        click.echo(f"{count} reference{'' if count == 1 else 's'} to {kind} '{entity_id}':")
        for site in outcome.references:
            click.echo(f"{site}: {site.field}")
        for link in outcome.links:
            click.echo(f"{link}: a link to its page {link.page}")
        click.echo(
            f"nothing was changed: hand them to another {kind} with --to OTHER, "
            "or remove it anyway with --force", err=True,
        )
        sys.exit(1)
    for link in outcome.links:  # --force: said, as the problems it leaves are
        click.echo(f"{link}: links to {link.page}, which is gone; mkdocs build --strict fails until it is changed", err=True)
    _carry_out(outcome, dry_run, force)


def _answer(question: Any, given: str | None, result: Result, kind: str, interactive: bool) -> str | None:
    """An existing id of the kinds `question` takes: given, asked for, or None when optional."""
    from .load import did_you_mean

    choices = sorted(i for k in question.kinds for i in result.playbook.of_kind(k))
    option = f"--{question.key.replace('_', '-')}"
    if not choices and question.required:
        raise _SetupFailure(f"a {kind} needs {question.what}, and there is no {' or '.join(question.kinds)} "
                            f"yet: write one first with playbook new {question.kinds[0]} ID")
    while True:
        if given is None and interactive:
            click.echo(f"{question.what[0].upper() + question.what[1:]}: {', '.join(choices)}")
            given = click.prompt(question.key.replace("_", " ").capitalize(),
                                 default="" if not question.required else None, show_default=False)
        if not given and not question.required:
            return None
        if given in choices:
            return given
        if given:
            wrong = f"unknown {' or '.join(question.kinds)} '{given}'{did_you_mean(given, choices)}"
        else:
            wrong = f"a {kind} needs {question.what}: give it with {option} ID (one of: {_few(choices)})"
        if not interactive:
            raise _SetupFailure(wrong)
        click.echo(wrong, err=True)
        given = None


def _few(ids: list[str], limit: int = 12) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


@main.command("diff")
@config_option
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="Plain text for the terminal, Markdown for a pull request's job summary.",
)
def diff_command(config_file: str | None, base: str, head: str | None, fmt: str) -> None:
    """Say what changed in the playbook between git revisions BASE and HEAD.

    Without HEAD, BASE is compared with the files on disk, committed or not.
    """
    from .diff import diff

    report = diff(find_project(config_file), base, head)
    click.echo(report.markdown() if fmt == "markdown" else report.text(), nl=False)


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="The organization's name (default: from the folder's name).")
@click.option(
    "--generator",
    "requirement",
    default=None,
    metavar="REQUIREMENT",
    help="The requirements.txt line that installs the generator "
    "(default: this generator, from its git origin, its folder or the package index).",
)
@click.option("--no-git", is_flag=True, help="Do not run git init in the new folder.")
def init_command(directory: Path, name: str | None, requirement: str | None, no_git: bool) -> None:
    """Start a new playbook repository for another organization in DIRECTORY."""
    from .init import init

    written = init(directory, name=name, requirement=requirement, git=not no_git)
    click.echo(f"wrote {len(written)} files into {directory}")
    click.echo(
        "next:\n"
        f"  cd {directory}\n"
        "  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        "  .venv/bin/playbook validate --strict\n"
        "  .venv/bin/playbook serve"
    )


# -- the site: thin wrappers over mkdocs, and export ----------------------------------------

site_dir_option = click.option(
    "-d", "--site-dir", type=click.Path(file_okay=False), default=None,
    help="The folder to write the site to (default: site/ beside mkdocs.yml).",
)


site_engine_option = click.option(
    "--engine", "site_engine", type=click.Choice(["mkdocs", "properdocs"]), default=None,
    help="The site engine: mkdocs or properdocs (default: the playbook plugin's site_engine "
    "setting, else properdocs for a properdocs.yml, else mkdocs). Not the Graphviz program: "
    "that is the plugin's engine option.",
)


def _site_engine(chosen: str | None, config: Path, settings: dict[str, Any]) -> str:
    """The site engine to run: the option, the plugin's `site_engine`, or the config's name."""
    if chosen:
        return chosen
    for plugin in settings.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("playbook"), dict):
            setting = plugin["playbook"].get("site_engine")
            if isinstance(setting, str) and setting:
                return setting
    return "properdocs" if config.name.startswith("properdocs.") else "mkdocs"


def _say_end_of_life() -> None:
    """One line on Material's end of life and this project's plan, in place of its banner."""
    from .runner import END_OF_LIFE

    click.echo(END_OF_LIFE, err=True)


@main.command("build")
@config_option
@site_engine_option
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings, in the YAML and in the site.")
@site_dir_option
@click.option("-q", "--quiet", is_flag=True, help="Print errors and warnings only.")
@click.option("-v", "--verbose", is_flag=True, help="Also say how much the cache folder holds.")
@click.option("--dirty", is_flag=True, hidden=True, callback=lambda ctx, param, value: _no_dirty(value))
def build_command(
    config_file: str | None, site_engine: str | None, strict: bool, site_dir: str | None, quiet: bool,
    verbose: bool, dirty: bool,
) -> None:
    """Validate the YAML and build the site into a new folder, swapped in only when it passed.

    The site folder is replaced only when playbook made it (it holds a .playbook-output
    file) or it is empty, and never when it is or holds the project's sources. The site
    engine (MkDocs or ProperDocs) runs in this process.
    """
    from .runner import build_in_place, run
    from .targets import check_target, fresh_folder, made_here, swap_in

    args = ["--strict"] if strict else []
    # mkdocs --quiet drops warnings before --strict counts them, so quiet strict builds
    # would pass with warnings: under --strict, quiet is left to mkdocs' normal output.
    args += ["--quiet"] if quiet and not strict else []
    root = find_project(config_file)
    config = _config_path(config_file, root)
    settings = _read_mkdocs_yml(config)
    target = Path(site_dir) if site_dir else config.parent / _text(settings.get("site_dir"), "site")
    real = check_target(target, _sources(root, config, settings), command="playbook build")
    engine = _site_engine(site_engine, config, settings)
    if not quiet:
        _say_end_of_life()
    if real.is_dir() and made_here(real):  # a site of ours: rewrite only what changed
        status = build_in_place(engine, config, args, real)
    else:  # a new folder, swapped in when the build passed
        with fresh_folder(real, "playbook build") as work:
            status = run(engine, "build", config, [*args, "--site-dir", str(work)])
            if status == 0:
                swap_in(work, real, "playbook build")
    if status != 0:
        click.echo(f"build failed; {target} was left as it was", err=True)
        sys.exit(status)
    if verbose:
        click.echo(_cache_report(config, settings), err=True)


def _cache_report(config: Path, settings: dict[str, Any]) -> str:
    """One line on the playbook plugin's cache folder: where, how full, how to empty it."""
    from .pagecache import DEFAULT_SIZE_MB, folder_size

    if "plugins" not in settings and isinstance(settings.get("INHERIT"), str):  # as mkdocs-intranet.yml
        settings = _read_mkdocs_yml(config.parent / settings["INHERIT"])
    options: dict[str, Any] = {}
    for plugin in settings.get("plugins") or []:
        if isinstance(plugin, dict) and isinstance(plugin.get("playbook"), dict):
            options = plugin["playbook"]
    if not isinstance(options.get("cache_dir"), str):
        return "cache: none (set cache_dir under the playbook plugin to build only what changed)"
    folder = config.parent / options["cache_dir"]
    limit = options.get("cache_size", DEFAULT_SIZE_MB)
    size = folder_size(folder) if folder.is_dir() else 0
    return (f"cache: {options['cache_dir']} holds {size / 1e6:.1f} MB of at most {limit} MB "
            "(safe to delete: the next build renders every page)")


@main.command("stale")
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Plain text for the terminal, Markdown for an issue, JSON for scripts.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when a page is past its review period.")
@click.option("--today", metavar="YYYY-MM-DD", default=None, help="The day to measure against (default: PLAYBOOK_TODAY, else the clock).")
def stale_command(config_file: str | None, fmt: str, strict: bool, today: str | None) -> None:
    """List the pages past their review period, by the role that owes the review."""
    from . import review
    from .stale import StaleReport

    root = find_project(config_file)
    day = review.today(today)
    result = validate(root)
    if result.errors:
        click.echo(format_problems(result.errors, "text"), nl=False, err=True)
        sys.exit(1)
    report = StaleReport.of(result.playbook, review.reviews(result.playbook, day, review.history(root)), day)
    click.echo({"text": report.text, "markdown": report.markdown, "json": report.json}[fmt](), nl=False)
    if strict and report.late:
        sys.exit(1)


@main.command("calendar")
@config_option
@click.option("--from", "first", metavar="YYYY-MM-DD", default=None,
              help="First day (default: the Monday of this week; see --today).")
@click.option("--weeks", type=click.IntRange(1, 104), default=4, show_default=True, help="How many weeks.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ics", "csv", "md"]),
    default="md",
    show_default=True,
    help="ics for a calendar app, csv for the team's sheet, md for reading.",
)
@click.option("--language", default=None, help="Label language, en or id (default: theme.language in mkdocs.yml).")
@click.option("--today", metavar="YYYY-MM-DD", default=None, help="Today (default: PLAYBOOK_TODAY, else the clock).")
def calendar_command(
    config_file: str | None, first: str | None, weeks: int, fmt: str, language: str | None, today: str | None
) -> None:
    """Print the planned posts of the themes' cadences as iCalendar, CSV or Markdown."""
    import datetime

    from . import review
    from .exports import ics, plan_csv, plan_markdown
    from .labels import get_labels
    from .plan import week_of

    root = find_project(config_file)
    day = review.today(today)
    try:
        start = datetime.date.fromisoformat(first) if first else week_of(day)
    except ValueError:
        raise click.BadParameter(f"'{first}' is not a day; write it as YYYY-MM-DD", param_hint="'--from'") from None
    result = validate(root)
    if result.errors:
        click.echo(format_problems(result.errors, "text"), nl=False, err=True)
        sys.exit(1)
    labels = get_labels(language or _theme_language(_config_path(config_file, root)))
    if fmt == "ics":
        text = ics(result.playbook, labels, start, weeks, day)
    elif fmt == "csv":
        text = plan_csv(result.playbook, labels, start, weeks)
    else:
        text = plan_markdown(result.playbook, labels, start, weeks)
    # bytes as they are: iCalendar and CSV end their lines with CRLF, which text mode would touch
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def _no_dirty(value: bool) -> bool:
    if value:
        raise click.UsageError(
            "--dirty is gone: it wrote into the live site and left a search index without the "
            "pages it did not rebuild; every build is a whole site, swapped in when it passed"
        )
    return value


def _config_path(config_file: str | None, root: Path) -> Path:
    """The site config: the file given, or mkdocs.yml (else properdocs.yml) in the folder."""
    from .load import CONFIG_NAMES

    config = Path(config_file) if config_file else root
    if config.is_dir():
        config = next((config / n for n in CONFIG_NAMES if (config / n).is_file()), config / "mkdocs.yml")
    return config.resolve()


def _text(value: Any, default: str) -> str:
    return str(value) if isinstance(value, str) and value else default


def _sources(root: Path, config: Path, settings: dict[str, Any]) -> list[Any]:
    """The folders no command may write into: the project's, and those the config reads."""
    from .targets import sources

    docs_dir = config.parent / _text(settings.get("docs_dir"), "docs")
    theme = settings.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    extra = [config.parent / custom_dir] if isinstance(custom_dir, str) and custom_dir else []
    return sources(root, docs_dir, extra)


def _read_mkdocs_yml(config: Path) -> dict[str, Any]:
    """The top-level settings of an mkdocs.yml, read without mkdocs (its custom tags are ignored)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


@main.command("serve")
@config_option
@site_engine_option
@click.option("-s", "--strict", is_flag=True, help="Fail on warnings, in the YAML and in the site.")
@click.option("-a", "--dev-addr", metavar="<IP:PORT>", default=None, help="Address to serve on (default: 127.0.0.1:8000).")
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("-c", "--clean", is_flag=True, help="Build exactly as `playbook build` does, then serve.")
def serve_command(
    config_file: str | None, site_engine: str | None, strict: bool, dev_addr: str | None, open_browser: bool,
    clean: bool,
) -> None:
    """Live preview: saving a YAML file rebuilds the site (the same as `mkdocs serve`).

    While the YAML has errors, the generated pages list them instead of failing the build,
    and the browser reloads to the site when a save fixes them. SIGTERM or Ctrl+C stops
    the server and removes its temporary site folder; it runs in this process."""
    args = ["--strict"] if strict else []
    args += ["--dev-addr", dev_addr] if dev_addr else []
    args += ["--open"] if open_browser else []
    args += ["--clean"] if clean else []
    from .runner import serve

    root = find_project(config_file)
    config = _config_path(config_file, root)
    engine = _site_engine(site_engine, config, _read_mkdocs_yml(config))
    _say_end_of_life()
    sys.exit(serve(config, args, engine))


def _theme_language(config: Path) -> str:
    """`theme.language` of mkdocs.yml."""
    theme = _read_mkdocs_yml(config).get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return str(language) if language else "en"


@main.command("export")
@config_option
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--for", "target_kind", type=click.Choice(["zensical", "mkdocs", "plain"]), default=None,
    help="Write a whole site folder for this generator: docs/ (hand-written and generated pages, "
    "edit_url in each page's front matter) and its navigation (zensical.toml, mkdocs.yml or "
    "docs/SUMMARY.md). Without it: the generated pages and diagrams only.",
)
@click.option("--language", default=None, help="Label language, en or id (default: theme.language in mkdocs.yml).")
@click.option(
    "--graphviz", "--engine", "engine", type=click.Choice(["auto", "system", "pure"]), default="auto",
    show_default=True, help="The Graphviz program that draws the diagrams (--engine is its older name).",
)
@click.option("--no-diagrams", is_flag=True, help="Leave the diagrams out.")
@click.option("--strict", is_flag=True, help="Refuse to export when the YAML has warnings too.")
@click.option("--clean", is_flag=True, help="Empty DIRECTORY first (only a folder an earlier export wrote).")
def export_command(
    config_file: str | None, directory: Path, target_kind: str | None, language: str | None, engine: str,
    no_diagrams: bool, strict: bool, clean: bool,
) -> None:
    """Write the generated Markdown pages and SVG diagrams into DIRECTORY.

    For feeding another static site generator (--for zensical, mkdocs or plain: see the
    README, "Material's end of life"), or for inspecting what the site is made of. Without
    --for, links between pages point at the .md files, in the diagrams too, and the pages'
    YAML sources are in `_sources.json`. DIRECTORY must be new, empty or written by an
    earlier export (it then holds a .playbook-output file), and outside the project's sources.
    """
    from .site import generate
    from .targets import check_target, empty, mark

    root = find_project(config_file)
    config = _config_path(config_file, root)
    settings = _read_mkdocs_yml(config)
    target = check_target(directory, _sources(root, config, settings), command="playbook export")
    from . import review

    language = language or _theme_language(config)
    output = generate(
        root, language=language, engine=engine, diagrams=not no_diagrams,
        today=review.today(), changed=review.history(root),  # as the site has them: PLAYBOOK_TODAY or the clock
    )
    click.echo(format_problems(output.result.problems, "text"), nl=False, err=True)
    if output.result.failed(strict):
        click.echo(_summary(output.result), err=True)
        sys.exit(1)
    files: dict[str, str | bytes]
    if target_kind is None:
        files = dict(output.exported())
    else:
        files = _export_for(target_kind, output, settings, config, root, language)
    files["_sources.json"] = json.dumps(output.sources, indent=2, sort_keys=True) + "\n"
    target.mkdir(parents=True, exist_ok=True)
    if clean:
        empty(target)
    mark(target, "playbook export")
    for relative, content in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    click.echo(f"wrote {len(files)} files into {directory}")


def _export_for(
    target_kind: str, output: Any, settings: dict[str, Any], config: Path, root: Path, language: str
) -> dict[str, str | bytes]:
    """The whole site folder for another generator (generator/export.py)."""
    from .export import export
    from .labels import get_labels

    script = (Path(__file__).parent / "assets" / "playbook-diagrams.js").read_text(encoding="utf-8")
    docs_dir = config.parent / _text(settings.get("docs_dir"), "docs")
    return export(output, target_kind, settings, docs_dir, get_labels(language), root, script).files
