"""Commented starter files for `playbook new <kind> <id>`, and the starter text left in them.

A starter never invents a reference: the ids it names are the answers to its `QUESTIONS`
(asked on a terminal, or given as options), and an optional reference nobody gave stays a
comment. Its prose is `PLACEHOLDERS`: text that says what to write. A file that still holds
one gets a warning (`leftover_starter_text`), so a half-edited starter fails `--strict`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .escape import yaml_text
from .model import FILE_KINDS, KIND
from .yamlread import Document

SCHEMA_LINE = "# yaml-language-server: $schema={prefix}schemas/{kind}.schema.json\n"


@dataclass(frozen=True)
class Question:
    """A reference a new file needs: asked for, never made up."""

    key: str
    """The answer's name, as in the YAML (`reports_to`); the option is `--reports-to`."""
    kinds: tuple[str, ...]
    """The kinds of entity whose ids answer it."""
    required: bool
    what: str
    """What the answer is, for the prompt and the file's comment."""


QUESTIONS: dict[str, tuple[Question, ...]] = {
    "department": (Question("parent", ("department",), False, "the department this one belongs to"),),
    "role": (
        Question("department", ("department",), True, "the department this role belongs to"),
        Question("reports_to", ("role",), False, "the role this one reports to"),
    ),
    "metric": (),
    "channel": (Question("owner", ("role",), True, "the role accountable for the account"),),
    "objective": (Question("accountable", ("role",), True, "the one role accountable for the objective"),),
    "theme": (Question("objective", ("objective",), True, "an objective the theme serves"),),
    "workflow": (
        Question("by", ("role", "department"), True, "who does the first step (a role or a department)"),
        Question("objective", ("objective",), False, "the objective the workflow serves"),
    ),
}
"""The references each kind's starter asks for, in the order they are asked."""

PLACEHOLDERS = frozenset({
    "What this department does, in one line.",
    "A longer Markdown description: what the department owns in social media work.",
    "What this role is for, in one line.",
    "The first thing this role is responsible for.",
    "Read the playbook pages of the channels you will operate.",
    "How the number is computed, in one line.",
    "What this account is for, in one line.",
    "How the account sounds.",
    "Who the account speaks to.",
    "@handle",
    "What success looks like, in one line.",
    "What the theme is about, in one line.",
    "An example post title.",
    "What the workflow is for, in one line.",
    "What starts it.",
    "What is done first.",
})
"""The starters' prose: each says what to write instead of itself."""

_STARTERS = {
    "department": """\
title: {title}                      # required: the department's name
summary: What this department does, in one line.   # required
description: |
  A longer Markdown description: what the department owns in social media work.
{parent}# lead: <role id>                 # a role id that belongs to this department
# share: 10                       # percent of the social media workload (0-100)
""",
    "role": """\
title: {title}                      # required: the role's name
summary: What this role is for, in one line.       # required
{department}{reports_to}headcount: 1                      # 0 marks an open position
responsibilities:                 # required, at least one
  - The first thing this role is responsible for.
skills: []                        # e.g. [Writing, Moderation]
qualifications: []
kpis: []                          # e.g. [{{metric: engagement-rate, target: 4% per post}}]
onboarding:                       # a new hire's first steps
  - Read the playbook pages of the channels you will operate.
""",
    "metric": """\
title: {title}                      # required: the metric's name
summary: How the number is computed, in one line.  # required
layer: media                      # required: media | conversation | network
# source: Native platform insights  # where the number comes from
""",
    "channel": """\
title: {title}                      # required: the account's name
summary: What this account is for, in one line.    # required
platform: instagram               # required: instagram | tiktok | x | facebook | youtube | linkedin | whatsapp | threads | website | other
handle: "@handle"                 # quote it: @ cannot start a plain YAML value
# url: https://www.instagram.com/handle
purpose: brand                    # required: brand | promotion | sales | care | community | recruitment | news
{owner}operators: [{owner_id}]  # roles that post and reply
voice: How the account sounds.    # the account's personality
audience: Who the account speaks to.
response_time: 2h                 # first answer to comments: <n>m | <n>h | <n>d
objectives: []                    # objective ids this account serves
""",
    "objective": """\
title: {title}                      # required: the objective's name
summary: What success looks like, in one line.     # required
goal: branding                    # required: branding | marketing | selling | service
focus: acquisition                # retention | acquisition | expansion
raci:                             # required
  {accountable}  responsible: [{accountable_id}]  # required: roles or departments that do the work
  consulted: []
  informed: []
kpis: []                          # at least one, e.g. [{{metric: reach, target: 10,000 a week}}]
""",
    "theme": """\
title: {title}                      # required: the theme's name
summary: What the theme is about, in one line.     # required
kind: educational                 # required: informative | inspirational | educational | promotional | entertaining | community
objectives: [{objective_id}]  # required: objective ids, at least one
channels: []                      # channel ids that serve one of those objectives
# owner: <role id>                # the role that plans the theme
cadence:                          # when it is posted: the content calendar places these slots
  - per: week                     # day | week | month
    days: [tue]                   # mon | tue | wed | thu | fri | sat | sun
    at: ["10:00"]                 # local time, HH:MM
formats: [carousel]
hashtags: []                      # quote them: "#Hashtag"
examples:
  - An example post title.
""",
    "workflow": """\
title: {title}                      # required: the workflow's name
summary: What the workflow is for, in one line.    # required
trigger: What starts it.          # required
{objective}steps:                            # required, at least one, in order
  - by: {by_id}       # role or department id
    action: What is done first.
    within: 1d                    # time allowed: <n>m | <n>h | <n>d
    # to: <role or department id>  # who the work is handed to
    # stage: Planning             # consecutive steps of one stage share a labelled band
    # after: [1]                  # numbers of the earlier steps it waits for (default: the one before);
                                  # steps that wait for the same step run at the same time
""",
}


def _line(question: Question, answer: str | None) -> str:
    """`key: answer  # what`, or the same as a comment when there is no answer."""
    if answer:
        return f"{question.key}: {answer}   # {'required: ' if question.required else ''}{question.what}\n"
    return f"# {question.key}: <{' or '.join(question.kinds)} id>   # {question.what}\n"


def starter(kind: str, entity_id: str, answers: Mapping[str, str | None] | None = None,
            title: str | None = None) -> str:
    """The text of a new file of `kind` named `entity_id`; `answers` are the `QUESTIONS`' ids."""
    if kind not in _STARTERS:
        raise KeyError(kind)
    answers = answers or {}
    values = {"title": yaml_text(title or entity_id.replace("-", " ").capitalize())}
    for question in QUESTIONS[kind]:
        answer = answers.get(question.key)
        if question.required and not answer:
            raise ValueError(f"a {kind} starter needs '{question.key}'")
        values[question.key] = _line(question, answer)
        values[f"{question.key}_id"] = answer or ""
    prefix = "../../" if "/" in KIND[kind].folder else "../"
    return SCHEMA_LINE.format(prefix=prefix, kind=kind) + "\n" + _STARTERS[kind].format(**values)


def leftover_starter_text(doc: Document) -> list[Problem]:
    """A warning at every value that is still a starter's placeholder text."""
    return [
        Problem(doc.at(path), f"'{_key(path)}' still holds the starter text '{text}' from playbook new; "
                "replace it with your own words", "starter-text", "warning")
        for path, text in _strings(doc.data, ())
        if text.strip() in PLACEHOLDERS
    ]


def _strings(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _key(path: tuple[str | int, ...]) -> str:
    names = [str(p) for p in path if isinstance(p, str)]
    return names[-1] if names else "value"


KINDS = tuple(kind for kind in FILE_KINDS if kind in _STARTERS)
"""The kinds `playbook new` writes, in `model.KINDS` order."""
