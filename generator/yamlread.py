"""Read one YAML file as plain data, remembering where every key and value stands.

PyYAML's loaders keep the last of two equal keys, recurse once per nesting level and
expand aliases without limit. This reader walks the parser's events instead, so that
it can refuse all three with a located problem, and it never constructs anything but
mappings, lists, strings, numbers, booleans and null: YAML here is data, never code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events

from .errors import Location, Problem
from .syntax import explain

try:  # libyaml's parser is several times faster; the pure one gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024
"""A playbook file is a few kilobytes; anything above this is a mistake or an attack."""

MAX_DEPTH = 32
"""The deepest YAML format nests four levels; this leaves ample room for mistakes."""

MAX_NODES = 100_000
"""Values in one file, each counted once, and every alias as the values it stands for: stops
'billion laughs' documents, and keeps a 1 MiB file of tiny values from costing minutes later."""

Path = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_SCALAR_TYPES = {
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
}


@dataclass
class Document:
    """The data of one file and the position of every value and key in it.

    `values[path]` is where the value at `path` starts (the mapping itself for `()`),
    `keys[path]` where the key that leads to it starts. A path is the tuple of keys and
    list indexes from the top, the same shape as pydantic's error locations.
    """

    path: str
    data: Any = None
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    comments: dict[Path, str] = field(default_factory=dict)
    """Values left empty because a comment sign starts them (`- #moderation`): the comment's
    text, so that the message can say why the value is empty."""

    def at(self, path: Path, *, key: bool = False) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        while True:
            if path in table:
                line, column = table[path]
                return Location(self.path, line, column)
            if path in self.values:
                line, column = self.values[path]
                return Location(self.path, line, column)
            if not path:
                return Location(self.path, 1, 1)
            path = path[:-1]


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8, with or without a byte order mark; anything else is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Problem(Location(path, 1, 1), "file is UTF-16; save it as UTF-8", "encoding")
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return None, [
            Problem(
                Location(path, line, column),
                f"file is not valid UTF-8 (byte 0x{bad}); save it as UTF-8",
                "encoding",
            )
        ]


def read_bytes(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse the bytes of one file; return the document or the problems that stop it."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [too_large(path, len(raw))]
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    return _parse(text, path)


def too_large(path: str, size: int) -> Problem:
    """The problem of a file over MAX_FILE_BYTES, said before anything is read from it."""
    return Problem(
        Location(path, 1, 1),
        f"file is {size / 1024 / 1024:.1f} MiB; the limit is "
        f"{MAX_FILE_BYTES // 1024 // 1024} MiB per file",
        "limits",
    )


def read_text(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Parse text already decoded; the same limits apply as to bytes."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        return None, [too_large(path, size)]
    return _parse(text, path)


def _parse(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    doc = Document(path)
    try:
        warnings = _build(doc, text)
    except _Refused as refused:
        return None, [refused.problem]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, path, text)]
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
        return None, [_reader_problem(exc, path, text)]
    return doc, warnings


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """Point at the end of the last line when the parser points past the end of the file."""
    lines = re.split("\r\n|\r|\n", text)
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, column


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = _clamp(text, *((mark.line + 1, mark.column + 1) if mark else (1, 1)))
    message = (exc.problem or exc.context or "not valid YAML").strip()
    if "maximum nesting depth" in message:
        return Problem(
            Location(path, line, column), f"nesting is deeper than {MAX_DEPTH} levels", "limits"
        )
    lines = text.splitlines()
    tabs = "\t" in message or "'\\t'" in message
    explained = None if tabs else explain(exc, re.split("\r\n|[\r\n\x85\u2028\u2029]", text), line, column)
    if explained is not None:
        line, column, said = explained
        return Problem(Location(path, *_clamp(text, line, column)), said, "syntax")
    if "\t" in message or "'\\t'" in message or (
        0 < line <= len(lines) and "\t" in lines[line - 1][: max(column, 1)]
    ):
        message += "; indent with spaces, not tabs"
    elif exc.context and exc.problem:
        message = f"{exc.context.strip()}: {message}"
    return Problem(Location(path, line, column), f"YAML syntax error: {message}", "syntax")


def _reader_problem(exc: yaml.YAMLError, path: str, text: str) -> Problem:
    position = getattr(exc, "position", None)
    line, column = 1, 1
    if isinstance(position, int):
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
    character = getattr(exc, "character", None)
    if isinstance(character, str):
        character = ord(character)
    what = f"character U+{character:04X}" if isinstance(character, int) else "a character"
    return Problem(
        Location(path, line, column), f"{what} is not allowed in YAML; remove it", "encoding"
    )


def _position(event: events.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)



def _show_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _scalar(event: events.ScalarEvent, path: str) -> Any:
    tag = event.tag
    if tag is not None and tag not in _STANDARD_TAGS:
        line, column = _position(event)
        raise _Refused(
            Problem(
                Location(path, line, column),
                f"YAML tag '{_show_tag(tag)}' is not allowed; the playbook holds plain data",
                "syntax",
            )
        )
    if event.implicit[0] and tag in (None, "!"):
        tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
    elif tag in (None, "!"):
        tag = "tag:yaml.org,2002:str"
    construct = _SCALAR_TYPES.get(tag)  # timestamps and others stay text
    if construct is None:
        return event.value
    try:
        return construct(yaml.ScalarNode(tag, event.value))
    except (ValueError, yaml.constructor.ConstructorError):
        return event.value


class _Frame:
    __slots__ = ("container", "path", "key", "key_position", "first_keys", "size", "anchor")

    def __init__(self, container: Any, path: Path) -> None:
        self.container = container
        self.path = path
        self.key: Any = None
        self.key_position: tuple[int, int] | None = None
        self.first_keys: dict[str, tuple[int, int]] = {}
        self.size = 1
        self.anchor: str | None = None


def _build(doc: Document, text: str) -> list[Problem]:
    """Turn the parser's events into data, one event at a time and without recursion;
    return the warnings about what parsed but was probably not meant (see `_Builder`)."""
    builder = _Builder(doc, text)
    try:
        while builder.loader.check_event():
            builder.take(builder.loader.get_event())
    finally:
        builder.loader.dispose()
    doc.data = builder.root if builder.have_root else None
    return builder.warnings


class _Builder:
    """The state of one walk over the parser's events: open containers, anchors, counts."""

    def __init__(self, doc: Document, text: str) -> None:
        self.doc = doc
        self.text = text
        self.lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", text)  # YAML's line breaks, as its marks count
        self.loader = _Loader(text)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.documents = 0
        self.total = 0
        self.expanded = 0  # values that aliases stand for, within `total`
        self.root: Any = None
        self.have_root = False
        self.warnings: list[Problem] = []

    def refuse(self, event: events.Event, message: str, rule: str) -> _Refused:
        line, column = _clamp(self.text, *_position(event))
        return _Refused(Problem(Location(self.doc.path, line, column), message, rule))

    def child_path(self) -> Path | None:
        """Path of the value about to be added; None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        if top.key_position is None:
            return None
        return top.path + (top.key,)

    def take(self, event: events.Event) -> None:
        if isinstance(event, events.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.refuse(
                    event, "file holds more than one YAML document; keep one entity per file", "syntax"
                )
        elif isinstance(event, events.MappingEndEvent | events.SequenceEndEvent):
            frame = self.stack.pop()
            self.add(frame.container, frame.size, event, frame.anchor)
        elif isinstance(event, events.NodeEvent):
            path = self.child_path()
            if path is None:
                self.key(event)
            else:
                self.value(event, path)
        # stream start and end, document end: nothing to do

    def key(self, event: events.Event) -> None:
        top = self.stack[-1]
        if not isinstance(event, events.ScalarEvent):
            raise self.refuse(event, "a mapping key must be a plain word", "syntax")
        key = event.value
        position = _position(event)
        if key in top.first_keys:
            first = top.first_keys[key][0]
            raise self.refuse(
                event,
                f"duplicate key '{key}' (first given on line {first}); YAML would silently keep only the last one",
                "duplicate-key",
            )
        top.first_keys[key] = position
        top.key = key
        top.key_position = position
        self.doc.keys[top.path + (key,)] = position

    def value(self, event: events.Event, path: Path) -> None:
        if isinstance(event, events.ScalarEvent):
            self.doc.values[path] = _position(event)
            self.check_list_item(event)
            self.check_comment(event, path)
            self.add(_scalar(event, self.doc.path), 1, event, event.anchor)
        elif isinstance(event, events.AliasEvent):
            self.doc.values[path] = _position(event)
            if event.anchor not in self.anchors:
                raise self.refuse(
                    event,
                    f"unknown alias '*{event.anchor}': a '*' at the start of a value names an alias; "
                    "for text that starts with '*', put the whole value in quotes",
                    "syntax",
                )
            value, size = self.anchors[event.anchor]
            self.expanded += size
            self.add(value, size, event, None, new=size)
        elif isinstance(event, events.MappingStartEvent | events.SequenceStartEvent):
            self.open(event, path)

    def open(self, event: events.MappingStartEvent | events.SequenceStartEvent, path: Path) -> None:
        if event.tag is not None and event.tag not in _STANDARD_TAGS:
            raise self.refuse(
                event,
                f"YAML tag '{_show_tag(event.tag)}' is not allowed; the playbook holds plain data",
                "syntax",
            )
        if len(self.stack) >= MAX_DEPTH:
            raise self.refuse(event, f"nesting is deeper than {MAX_DEPTH} levels", "limits")
        self.doc.values[path] = _position(event)
        container: Any = {} if isinstance(event, events.MappingStartEvent) else []
        frame = _Frame(container, path)
        frame.anchor = event.anchor
        self.stack.append(frame)

    def check_comment(self, event: events.ScalarEvent, path: Path) -> None:
        """Remember a value that is empty because what follows it on its line is a comment."""
        if event.value or event.style not in (None, ""):
            return
        mark = event.start_mark
        rest = self.lines[mark.line][mark.column :].lstrip(" ") if mark.line < len(self.lines) else ""
        if rest.startswith("#"):
            self.doc.comments[path] = rest.rstrip()

    def check_list_item(self, event: events.ScalarEvent) -> None:
        """Warn when a plain list item runs on into a line that starts with '- '.

        An item indented one space more than the one above it is not a new item: YAML
        reads it as more words of the item above, and two entries become one."""
        if event.style not in (None, "") or not self.stack or not isinstance(self.stack[-1].container, list):
            return
        for index in range(event.start_mark.line + 1, min(event.end_mark.line + 1, len(self.lines))):
            line = self.lines[index]
            stripped = line.lstrip(" ")
            if stripped == "-" or stripped.startswith("- "):
                column = len(line) - len(stripped) + 1
                self.warnings.append(Problem(
                    Location(self.doc.path, index + 1, column),
                    "looks like two items; indent it like the others: YAML reads this line as more "
                    f"words of the item on line {event.start_mark.line + 1} (whose '-' is in column "
                    f"{event.start_mark.column - 1})",
                    "syntax",
                    "warning",
                ))

    def add(self, value: Any, size: int, event: events.Event, anchor: str | None, *, new: int = 1) -> None:
        """Add a value that stands for `size` values, `new` of which are not counted yet."""
        self.total += new
        if self.total > MAX_NODES:
            raise self.refuse(
                event,
                f"file expands to more than {MAX_NODES:,} values through aliases"
                if self.expanded
                else f"file holds more than {MAX_NODES:,} values; split it into smaller files",
                "limits",
            )
        if anchor:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root, self.have_root = value, True
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.container, list):
            top.container.append(value)
        else:
            top.container[top.key] = value
            top.key = None
            top.key_position = None
