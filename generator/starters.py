"""Commented starter files for `playbook new <kind> <id>`.

A starter must validate as written, so references are filled with ids that exist in
the playbook when there are some; the comments say what to change.
"""

from __future__ import annotations

from .model import FILE_KINDS, KIND, Playbook

SCHEMA_LINE = "# yaml-language-server: $schema={prefix}schemas/{kind}.schema.json\n"

_STARTERS = {
    "department": """\
title: {title}                      # required: the department's name
summary: What this department does, in one line.   # required
description: |
  A longer Markdown description: what the department owns in social media work.
{parent_line}# lead: head-of-something        # a role id that belongs to this department
# share: 10                       # percent of the social media workload (0-100)
""",
    "role": """\
title: {title}                      # required: the role's name
summary: What this role is for, in one line.       # required
department: {department}        # required: the department id this role belongs to
{reports_line}headcount: 1                      # 0 marks an open position
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
source: Native platform insights  # where the number comes from
""",
    "channel": """\
title: {title}                      # required: the account's name
summary: What this account is for, in one line.    # required
platform: instagram               # required: instagram | tiktok | x | facebook | youtube | linkedin | whatsapp | threads | website | other
handle: "@handle"                 # quote it: @ cannot start a plain YAML value
# url: https://www.instagram.com/handle
purpose: brand                    # required: brand | promotion | sales | care | community | recruitment | news
owner: {role}        # required: the role accountable for the account
operators: [{role}]  # roles that post and reply
voice: How the account sounds.    # the account's personality
audience: Who the account speaks to.
response_time: 2h                 # first answer to comments: <n>m | <n>h | <n>d
objectives: [{objectives}]        # objective ids this account serves
""",
    "objective": """\
title: {title}                      # required: the objective's name
summary: What success looks like, in one line.     # required
goal: branding                    # required: branding | marketing | selling | service
focus: acquisition                # retention | acquisition | expansion
raci:                             # required
  accountable: {role}   # exactly one role
  responsible: [{party}]  # at least one role or department
  consulted: []
  informed: []
kpis:                             # at least one, or the validator warns
{kpi_lines}""",
    "theme": """\
title: {title}                      # required: the theme's name
summary: What the theme is about, in one line.     # required
kind: educational                 # required: informative | inspirational | educational | promotional | entertaining | community
objectives: [{objective}]  # required: objective ids, at least one
channels: []                      # channel ids that serve one of those objectives
# owner: social-media-officer     # the role that plans the theme
cadence: 1 post a week
formats: [carousel]
hashtags: []                      # quote them: "#Hashtag"
examples:
  - An example post title.
""",
    "workflow": """\
title: {title}                      # required: the workflow's name
summary: What the workflow is for, in one line.    # required
trigger: What starts it.          # required
{objective_line}steps:                            # required, at least one, in order
  - by: {party}       # role or department id
    action: What is done first.
    within: 1d                    # time allowed: <n>m | <n>h | <n>d
    # to: another-role            # who the work is handed to
    # stage: Planning             # consecutive steps of one stage share a labelled band
    # after: [1]                  # numbers of the earlier steps it waits for (default: the one before);
                                  # steps that wait for the same step run at the same time
""",
}


def _first(playbook: Playbook | None, kind: str, fallback: str) -> str:
    if playbook is None:
        return fallback
    ids = sorted(playbook.of_kind(kind))
    return ids[0] if ids else fallback


def starter(kind: str, entity_id: str, playbook: Playbook | None = None) -> str:
    """The text of a new file of `kind` named `entity_id`."""
    if kind not in _STARTERS:
        raise KeyError(kind)
    title = entity_id.replace("-", " ").capitalize()
    department = _first(playbook, "department", "marketing-communication")
    role = _first(playbook, "role", "social-media-manager")
    objective = _first(playbook, "objective", "")
    metric = _first(playbook, "metric", "")
    parent = _first(playbook, "department", "")
    values = {
        "title": title,
        "department": department,
        "role": role,
        "party": role,
        "objective": objective or "objective-id",
        "objectives": objective,
        "parent_line": f"parent: {parent}                # the department this one belongs to\n"
        if parent else "# parent: marketing              # the department this one belongs to\n",
        "reports_line": f"reports_to: {role}   # the role this one reports to\n"
        if playbook is not None and playbook.roles else "# reports_to: social-media-manager\n",
        "objective_line": f"objective: {objective}       # the objective it serves\n"
        if objective else "# objective: customer-retention\n",
        "kpi_lines": f"  - metric: {metric}\n    target: The number to reach\n"
        if metric else "  []\n",
    }
    prefix = "../../" if "/" in KIND[kind].folder else "../"
    return SCHEMA_LINE.format(prefix=prefix, kind=kind) + "\n" + _STARTERS[kind].format(**values)


KINDS = tuple(kind for kind in FILE_KINDS if kind in _STARTERS)
"""The kinds `playbook new` writes, in `model.KINDS` order."""
