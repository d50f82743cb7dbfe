"""PyYAML's syntax errors in words a team lead acts on: where the mistake is, and the fix.

The parser says what it expected where it gave up ("mapping values are not allowed in
this context"); the mistake is often earlier (a missing space after a colon one line up)
or has a plain cause (a colon inside a value). `explain` reads the lines around the
parser's mark and returns the line, column and sentence to show; when no reading fits, the
parser's own words are kept, prefixed "YAML syntax error".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

_NO_SPACE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):([^\s/:])")
"""A key and a colon with no space after it (`title:Care`); `https://` is not one."""
_KEY = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(\s|$)")
_ITEMS_ALIKE = "start the '- ' of every item of one list in the same column"
_TWO_SPACES = "indent with two spaces per level, and start the keys of one mapping in the same column"


@dataclass(frozen=True)
class Where:
    """What the parser said and where, with the file's lines."""

    problem: str
    context: str
    line: int
    """1-based, where the parser gave up."""
    column: int
    context_line: int
    context_column: int
    lines: list[str]

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


Said = tuple[int, int, str]
"""(line, column, message)."""


def explain(exc: yaml.MarkedYAMLError, lines: list[str], line: int, column: int) -> Said | None:
    """The mistake behind a syntax error, or None to keep the parser's words."""
    context_mark = exc.context_mark
    where = Where(
        (exc.problem or "").strip(), (exc.context or "").strip(), line, column,
        context_mark.line + 1 if context_mark else line,
        context_mark.column + 1 if context_mark else column, lines,
    )
    comment = _comment_sign(where)
    if comment:
        return comment
    missing_space = _missing_space(where)
    if missing_space and ("mapping values" in where.problem or "could not find expected ':'" in where.problem):
        return missing_space
    for phrase, reading in _READINGS:
        if phrase in where.problem or phrase in where.context:
            said = reading(where)
            if said:
                return said
    return None


_HASH = re.compile(r"(?:^\s*-\s+|[\[{,]\s*|:\s+)(#\S*)")
"""A value that starts with '#': YAML reads it, and the rest of the line, as a comment."""


def _comment_sign(where: Where) -> Said | None:
    """A '#' at the start of a value inside [ ] or { } hides the rest of the line, so the
    parser fails on a later line: say it where the '#' is."""
    if "flow" not in where.context and "node content" not in where.problem:
        return None
    first = max(min(where.context_line, where.line - 3), 1)  # the comment ate the line the parser needed
    for number in range(where.line, first - 1, -1):
        match = _HASH.search(where.text(number))
        if match:
            word = match.group(1).rstrip(",]}")
            return number, match.start(1) + 1, (
                f"'#' starts a comment in YAML, so '{word}' and the rest of the line are not read; "
                f"put it in quotes: \"{word}\""
            )
    return None


def _missing_space(where: Where) -> Said | None:
    """A `key:value` with no space, on the parser's line or above it (the parser reads on)."""
    for number in range(where.line, 0, -1):
        match = _NO_SPACE.match(where.text(number))
        if match and ": " not in where.text(number):
            key = match.group(2)
            rest = where.text(number)[match.end(2) + 1 :].strip()
            return number, match.end(2) + 1, (
                f"no space after the colon of '{key}': YAML reads '{key}:{_cut(rest)}' as text, not as "
                f"a key and its value; write '{key}: {_cut(rest)}'"
            )
        if number < where.line and _KEY.match(where.text(number)):
            break  # a well-formed key above: the mistake is not further up
    return None


def _cut(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _mapping_values(where: Where) -> Said | None:
    """A colon and a space where the parser wanted none: inside a value, or on a line indented
    more than the key above, which YAML reads as more words of that key's value."""
    text = where.text(where.line)
    key = _KEY.match(text)
    if key and where.column - 1 > key.end(2):  # a second 'x: ' on a line that has a key already
        value = text[key.end() :].strip()
        return where.line, where.column, (
            f"a colon followed by a space inside the value of '{key.group(2)}' makes YAML read another "
            f"key; put the whole value in quotes: {key.group(2)}: \"{_cut(_unquote(value), 60)}\""
        )
    above = _previous(where, where.line)
    if above and _indent(text) > _indent(where.text(above)):
        return where.line, _indent(text) + 1, (
            f"this line is indented more than line {above} above it, so YAML reads it as more words "
            f"of that value; {_TWO_SPACES}"
        )
    return None


def _unquote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _previous(where: Where, line: int) -> int | None:
    """The nearest line above `line` that holds something other than a comment."""
    for number in range(line - 1, 0, -1):
        stripped = where.text(number).strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None


def _expected_key(where: Where) -> Said | None:
    """The parser wanted another key of the mapping: an indentation that fits no level,
    a word after a closing quote, or a line that starts with a colon."""
    text = where.text(where.line)
    stripped = text.strip()
    if stripped.startswith(":"):
        return where.line, _indent(text) + 1, "this line starts with a colon; write the key before it: 'key: value'"
    before = text[: where.column - 1].rstrip()
    if before.endswith(("'", '"')) and where.column - 1 > _indent(text):
        quote = before[-1]
        return where.line, where.column, (
            f"text after the closing quote {quote}: put the whole value in quotes; inside single "
            "quotes write a quote twice ('it''s'), or use double quotes (\"it's\")"
        )
    above = _previous(where, where.line)
    item = stripped == "-" or stripped.startswith("- ")
    if above and item and _indent(text) == _indent(where.text(above)) and _KEY.match(where.text(above)):
        return where.line, _indent(text) + 1, (
            "a list item ('- ') where YAML expected another key: indent the items of a list two spaces "
            "under their key, or remove the '- '"
        )
    if above and _indent(text) != _indent(where.text(above)):
        return where.line, _indent(text) + 1, (
            f"this {'list item' if item else 'key'} is indented {_spaces(_indent(text))} and line {above} "
            f"above it {_spaces(_indent(where.text(above)))}: "
            + (_ITEMS_ALIKE if item else _TWO_SPACES)
        )
    return where.line, where.column, f"YAML expected another key here; {_TWO_SPACES}"


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"


def _list_item(where: Where) -> Said | None:
    text = where.text(where.line)
    return where.line, _indent(text) + 1, (
        f"the lines above are a list ('- ' items) and this line is not one of them: start it "
        f"with '- ' like them, or {_TWO_SPACES}"
    )


def _cannot_start(where: Where) -> Said | None:
    return _quote_it(where, where.line, where.column)


def _cannot_start_here(where: Where) -> Said | None:
    """The parser's mark is past the character that started the trouble (`*`, `&`, `!`)."""
    return _quote_it(where, where.context_line, where.context_column)


def _quote_it(where: Where, line: int, column: int) -> Said | None:
    text = where.text(line)
    character = text[column - 1 : column] if column <= len(text) else ""
    if not character.strip():
        return None
    key = _KEY.match(text)
    value = text[key.end() :].strip() if key else text[column - 1 :].strip()
    fix = f"{key.group(2)}: \"{_cut(_unquote(value), 60)}\"" if key else f"\"{_cut(_unquote(value), 60)}\""
    return line, column, (
        f"a value cannot start with '{character}' in YAML; put it in quotes: {fix}"
    )


def _not_a_key(where: Where) -> Said | None:
    """A line that is neither `key: value` nor more of the value above it."""
    text = where.text(where.context_line)
    stripped = text.lstrip(" ")
    if stripped.startswith("-") and stripped[1:2] not in ("", " ", "-"):
        return where.context_line, _indent(text) + 1, (
            f"a list item needs a space after its '-': write '- {_cut(stripped[1:].strip())}'"
        )
    return where.context_line, where.context_column, (
        f"line {where.context_line} is not 'key: value' and not part of the value above it: put a colon "
        f"and a space after the key, or {_TWO_SPACES}"
    )


def _block_scalar(where: Where) -> Said | None:
    return where.line, where.column, (
        "after | or > only a comment may follow on the same line: start the text on the next line, "
        "indented two spaces more than the key"
    )


def _escape(where: Where) -> Said | None:
    return where.line, where.column, (
        "a backslash inside double quotes starts an escape such as \\n: write two backslashes for one, "
        "or use single quotes ('…')"
    )


def _indented_file(where: Where) -> Said | None:
    first = next((n for n in range(1, len(where.lines) + 1)
                  if where.text(n).strip() and not where.text(n).lstrip().startswith("#")), where.line)
    if _indent(where.text(first)) == 0:
        return None
    return first, 1, f"the file's first key is indented {_spaces(_indent(where.text(first)))}: start every " \
        "top-level key in column 1"


def _unclosed_quote(where: Where) -> Said | None:
    return where.context_line, where.context_column, (
        f"a quote opened on line {where.context_line} is never closed; end the value with the same quote"
    )


def _unclosed_flow(closing: str) -> Callable[[Where], Said | None]:
    def say(where: Where) -> Said | None:
        opening = "[" if closing == "]" else "{"
        return where.context_line, where.context_column, (
            f"the {opening} opened on line {where.context_line} is not closed where YAML expected "
            f"'{closing}' or ','; close it with {closing} on the same line and separate entries with ', ' "
            f"(or, for text that starts with {opening}, put the whole value in quotes)"
        )

    return say


_READINGS: list[tuple[str, Callable[[Where], Said | None]]] = [
    ("mapping values are not allowed", _mapping_values),
    ("did not find expected key", _expected_key),
    ("did not find expected '-' indicator", _list_item),
    ("found character that cannot start any token", _cannot_start),
    ("did not find expected node content", _cannot_start),
    ("mapping keys are not allowed in this context", _cannot_start),
    ("while scanning an alias", _cannot_start_here),
    ("while scanning an anchor", _cannot_start_here),
    ("while scanning a tag", _cannot_start_here),
    ("while parsing a tag", _cannot_start_here),
    ("could not find expected ':'", _not_a_key),
    ("while scanning a block scalar", _block_scalar),
    ("found unknown escape character", _escape),
    ("did not find expected <document start>", _indented_file),
    ("while scanning a quoted scalar", _unclosed_quote),
    ("while parsing a flow sequence", _unclosed_flow("]")),
    ("while parsing a flow mapping", _unclosed_flow("}")),
]
"""A phrase of the parser's message -> how to say it; the first that answers wins."""
