"""The `playbook` command. The only module that imports click.

Each command finds the project (the folder of `mkdocs.yml`), calls the core and turns
a `PlaybookError` into a one-line message and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import PlaybookError, Problem
from .load import find_project
from .project import Result, validate

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=True),
    default=None,
    help="Path to mkdocs.yml (default: ./mkdocs.yml); the playbook is the folder holding it.",
)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PlaybookError as exc:
            raise click.ClickException(str(exc)) from None


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
        lines = []
        for p in problems:
            message = f"{p.message} [{p.rule}]"
            message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            path = p.location.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
            lines.append(
                f"::{p.severity} file={path},line={p.location.line},col={p.location.column},"
                f"title={p.rule}::{message}"
            )
        return "".join(line + "\n" for line in lines)
    return "".join(f"{p}\n" for p in problems)


def _summary(result: Result) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    files = len(result.playbook.files)

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
def validate_command(config_file: str | None, strict: bool, fmt: str) -> None:
    """Check the YAML and print every problem; exit 1 on errors."""
    root = find_project(config_file)
    result = validate(root)
    click.echo(format_problems(result.problems, fmt), nl=False)
    if fmt == "text":
        click.echo(_summary(result), err=True)
    if result.failed(strict):
        sys.exit(1)


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


@main.command("new")
@config_option
@click.argument("kind", type=click.Choice(sorted(["department", "role", "metric", "channel", "objective", "theme", "workflow"])))
@click.argument("entity_id", metavar="ID")
def new_command(config_file: str | None, kind: str, entity_id: str) -> None:
    """Write a commented starter file for a new KIND named ID."""
    from .load import _ID, suggest_id
    from .model import ENTITY_TYPES
    from .starters import starter

    if not _ID.match(entity_id):
        raise click.UsageError(
            f"'{entity_id}' is not a valid id; use lower-case letters, digits and single "
            f"hyphens, such as '{suggest_id(entity_id)}'"
        )
    root = find_project(config_file)
    result = validate(root)
    existing = result.playbook.entity(entity_id) or result.playbook.unloaded.get(entity_id)
    if existing is not None:
        raise click.ClickException(f"id '{entity_id}' is already used; ids are unique across all kinds")
    folder = root / ENTITY_TYPES[kind].FOLDER
    target = folder / f"{entity_id}.yml"
    if target.exists() or target.with_suffix(".yaml").exists():
        raise click.ClickException(f"{target.relative_to(root)} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(starter(kind, entity_id, result.playbook), encoding="utf-8")
    click.echo(f"wrote {target.relative_to(root).as_posix()}")


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
