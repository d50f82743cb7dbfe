"""`playbook init DIR`: a new, separate playbook repository for another organization.

The files come from `generator/scaffold/`, a small organization that validates with
`--strict` and builds as it is, so a team starts from something that works and changes it
one file at a time. Names in the scaffold that cannot start with a dot in a package
(`dot-gitignore`, `dot-github/`) get their dot when written.

The new repository installs the generator as a dependency through `requirements.txt`;
`generator_requirement()` names the generator the way it is installed here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

from . import __version__
from .errors import UsageError
from .schema import schema_files

DISTRIBUTION = "playbook-site"
"""The generator's package name on an index or in a requirement line."""

PLACEHOLDERS = ("__ORG_NAME__", "__ORG_NAME_YAML__", "__SITE_NAME_YAML__", "__GENERATOR_REQUIREMENT__")


def _walk(folder: Traversable, prefix: str = "") -> dict[str, str]:
    files: dict[str, str] = {}
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name == "__pycache__":
            continue
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            files.update(_walk(item, rel + "/"))
        else:
            files[rel] = item.read_text(encoding="utf-8")
    return files


def _target_path(rel: str) -> str:
    return "/".join("." + part[4:] if part.startswith("dot-") else part for part in rel.split("/"))


def scaffold_files(name: str, requirement: str) -> dict[str, str]:
    """Relative path -> text of every file `playbook init` writes, placeholders filled."""
    values = {
        "__ORG_NAME_YAML__": json.dumps(name, ensure_ascii=False),
        "__SITE_NAME_YAML__": json.dumps(f"{name} Playbook", ensure_ascii=False),
        "__ORG_NAME__": name,
        "__GENERATOR_REQUIREMENT__": requirement,
    }
    files: dict[str, str] = {}
    for rel, text in _walk(resources.files("generator") / "scaffold").items():
        for key in sorted(PLACEHOLDERS, key=len, reverse=True):  # __ORG_NAME_YAML__ before __ORG_NAME__
            text = text.replace(key, values[key])
        files[_target_path(rel)] = text
    for schema_name, text in schema_files().items():
        files[f"schemas/{schema_name}"] = text
    return dict(sorted(files.items()))


def _source_checkout() -> Path | None:
    """The repository folder when the generator runs from a source checkout."""
    folder = Path(__file__).resolve().parent.parent
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and f'name = "{DISTRIBUTION}"' in pyproject.read_text(encoding="utf-8"):
        return folder
    return None


def _reachable(url: str) -> str | None:
    """`url` as others can reach it (scp-like `git@host:path` as an ssh URL), or None for a local path."""
    if url.startswith("git@") and ":" in url:
        host, _, path = url[4:].partition(":")
        url = f"ssh://git@{host}/{path}"
    return url if url.startswith(("https://", "ssh://")) else None


def _git_origin(folder: Path) -> tuple[str, str] | None:
    """(remote URL, commit) of a checkout whose origin is reachable by others."""
    try:
        url = subprocess.run(["git", "remote", "get-url", "origin"], cwd=folder, capture_output=True,
                             text=True, check=True).stdout.strip()
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    reachable = _reachable(url)
    return (reachable, commit) if reachable else None


NO_REQUIREMENT = (
    "playbook init cannot name this generator in requirements.txt so that another machine installs it: "
    "it runs from {folder}, a checkout without a git remote others can reach; pass --generator with a "
    "line that installs it anywhere, such as 'playbook-site @ git+https://github.com/YOUR-ORG/playbook-site@v{version}' "
    "or 'playbook-site=={version}' from your package index"
)


def generator_requirement() -> str:
    """A requirement line that installs this generator on any machine.

    From a source checkout: its git remote at the commit in use, else a `UsageError` asking
    for `--generator` (a `file://` path works only on this computer, never in CI). Installed
    from git: that repository and commit. Installed from a wheel or an index: the released
    version, which installs from the package index it came from."""
    checkout = _source_checkout()
    if checkout is not None:
        origin = _git_origin(checkout)
        if origin is None:
            raise UsageError(NO_REQUIREMENT.format(folder=checkout, version=__version__))
        return f"{DISTRIBUTION} @ git+{origin[0]}@{origin[1]}"
    for dist in metadata.distributions(name=DISTRIBUTION):
        raw = dist.read_text("direct_url.json")
        info = json.loads(raw) if raw else {}
        vcs = info.get("vcs_info")
        url = _reachable(info.get("url", ""))
        if vcs and vcs.get("vcs") == "git" and url:
            return f"{DISTRIBUTION} @ git+{url}@{vcs.get('commit_id', '')}".rstrip("@")
        break  # a wheel (from an index or a file) or an sdist: the released version
    return f"{DISTRIBUTION}=={__version__}"


def default_name(target: Path) -> str:
    """An organization name guessed from the folder: 'acme-playbook' -> 'Acme'."""
    words = [w for w in target.resolve().name.replace("_", "-").split("-") if w and w.lower() != "playbook"]
    return " ".join(w.capitalize() for w in words) or "Our Organization"


def init(target: Path, name: str | None = None, requirement: str | None = None, git: bool = True) -> list[Path]:
    """Write a new playbook repository into `target`, which must be new or empty."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; playbook init needs a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(
            f"{target} is not empty; playbook init only writes into a new or empty folder, "
            "so it never overwrites anything"
        )
    name = (name or default_name(target)).strip()
    if not name or "\n" in name:
        raise UsageError("the organization's name must be one line of text")
    files = scaffold_files(name, requirement or generator_requirement())
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, text in files.items():
        path = target.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if git and shutil.which("git"):
        subprocess.run(["git", "init", "--quiet", "--initial-branch", "main", str(target)], check=False)
    return written
