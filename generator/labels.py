"""Page labels per language. Every word the generator writes comes from these tables.

`labels/<lang>.yml` holds the page labels, `labels/diagrams-<lang>.yml` the diagram
labels and `labels/review-<lang>.yml` those of review dates, `playbook stale` and the calendar; both are flat mappings from a key to the text. English is the fallback only
for a language we have no table for; a key missing from a table we have is a bug.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml

LANGUAGES = ("en", "id")


class Labels(dict[str, str]):
    """A label table: `labels["responsibilities"]` or `labels("responsibilities")`."""

    language: str = "en"

    def __call__(self, key: str, **values: object) -> str:
        text = self[key]
        return text.format(**values) if values else text

    def __missing__(self, key: str) -> str:
        raise KeyError(f"no label '{key}' for language '{self.language}'")


def _table(name: str) -> dict[str, str]:
    folder = resources.files("generator") / "labels"
    path = folder / name
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


@functools.cache
def get_labels(language: str | None = "en") -> Labels:
    """The table for `language` (Material's `theme.language`), English if we have none."""
    lang = (language or "en").split("-")[0].split("_")[0].lower()
    if lang not in LANGUAGES:
        lang = "en"
    labels = Labels()
    labels.language = lang
    for name in (f"{lang}.yml", f"diagrams-{lang}.yml", f"review-{lang}.yml"):
        labels.update(_table(name))
    return labels
