"""Typed, frozen models of every entity kind in the playbook, and the playbook itself. No I/O.

Everything the generator knows about a kind or a field is declared here, once:

- a field's type, docstring (the description in the JSON Schemas editors show) and
  constraints, with the words a user reads when a value breaks them (`Wording`);
- which kinds an id in a field may name (`Ref`): rules, pages and diff read the
  references from the fields (`reference_fields`);
- one `Kind` per kind of file (`KINDS`): its model, folder, page folder and label
  key, in the one order kinds are listed in, on pages, in `playbook diff` and in `new`.

An entity's id and path are not written in its YAML: they are the file name and the
file, given to `Entity.from_data` by the loader.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, TypeVar, cast, overload

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StrictFloat,
    StrictInt,
    StringConstraints,
    Tag,
    ValidationInfo,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DURATION_PATTERN = r"^[0-9]{1,4}[mhd]$"
VISIBLE_PATTERN = r"[^\s`]"
"""Text must show something: only spaces or backquotes print as nothing (and break a diagram)."""

TITLE_MAX = 200
"""A title (or the organization's name): real ones are under 60 characters; a diagram shows up to this many whole."""
TEXT_MAX = 300
"""One line of text (a summary, a responsibility, a step's action) shows whole in a diagram."""
NOTE_MAX = 300
"""A short optional note: a handle, a voice, an audience, a cadence, a source."""
MARKDOWN_MAX = 20_000
"""A description in Markdown: pages of text, bounded so one file cannot slow every build."""
URL_PATTERN = r"^(https?://[^\s<>\"'`\\]+|mailto:[^\s<>\"'`\\]+)$"
_YEAR = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE_PATTERN = (
    rf"^(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    rf"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)$"
)
"""YYYY-MM-DD of a day that exists (no 2026-02-30, 29 February in leap years only): one pattern,
so the validator and the JSON Schema in an editor refuse the same days."""
PERIOD_PATTERN = r"^[1-9][0-9]{0,3}[dw]$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
TIME_ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"
DEFAULT_REVIEW_PERIOD = "180d"
"""How long a page stays true without a review when organization.yml says nothing."""


@dataclass(frozen=True)
class Wording:
    """What the loader says when a value of the annotated type is wrong.

    Attached to a type or a field as `Annotated` metadata; pydantic ignores it. The
    texts are `str.format` templates: `{value}` is the value as written (shortened),
    `{key}` the field's name, `{suggestion}` an id made from the value.
    """

    rule: str
    """The rule the problem is reported under: `id`, `duration`, `percent` …"""
    invalid: str = ""
    """The message when the value breaks the type's pattern or range."""
    expected: str = ""
    """What a value of the wrong type should have been, such as `a percentage between 0 and 100`."""
    one_only: str = ""
    """A hint when a list is given where one value belongs."""
    too_long: str = ""
    """The message when the text is longer than its limit: `{length}` and `{limit}` are filled in."""


@dataclass(frozen=True)
class Ref:
    """Marks a field (or list item) as an id naming an entity of one of `kinds`."""

    kinds: tuple[str, ...]

    def __init__(self, *kinds: str) -> None:
        object.__setattr__(self, "kinds", kinds)


Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Wording(
        "id",
        invalid="'{value}' is not a valid id; use lower-case letters, digits and single hyphens, "
        "such as '{suggestion}'",
    ),
]
Duration = Annotated[
    str,
    StringConstraints(pattern=DURATION_PATTERN),
    Wording(
        "duration",
        invalid="'{value}' is not a valid duration; write a number of up to 4 digits and m, h or d, "
        "such as 15m, 2h or 3d",
    ),
]
Url = Annotated[
    str,
    StringConstraints(pattern=URL_PATTERN),
    Wording("url", invalid="'{value}' is not a valid URL; use an http://, https:// or mailto: address"),
]
EMAIL_PATTERN = r"^[^\s@<>\"'`\\()\[\]]+@[^\s@<>\"'`\\()\[\]]+\.[^\s@<>\"'`\\()\[\]]+$"
Email = Annotated[
    str,
    StringConstraints(max_length=NOTE_MAX, pattern=EMAIL_PATTERN),
    Wording("email", invalid="'{value}' is not a valid email address; write it as name@example.com"),
]
_BLANK = Wording("required", invalid="'{key}' shows no text (only spaces or backquotes); write some text")
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TITLE_MAX, pattern=VISIBLE_PATTERN),
    _BLANK,
    Wording("limits", too_long="'{key}' is {length:,} characters long; a title has at most {limit}, "
            "so that it shows whole in every diagram: shorten it and say more in the summary"),
]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TEXT_MAX, pattern=VISIBLE_PATTERN),
    _BLANK,
    Wording("limits", too_long="'{key}' is {length:,} characters long; a line of text has at most "
            "{limit}: shorten it, split it into several entries, or move detail to a description"),
]
Note = Annotated[
    str,
    StringConstraints(max_length=NOTE_MAX),
    Wording("limits", too_long="'{key}' is {length:,} characters long; at most {limit}: shorten it"),
]
Markdown = Annotated[
    str,
    StringConstraints(max_length=MARKDOWN_MAX),
    Wording("limits", too_long="'{key}' is {length:,} characters long; a description has at most {limit:,}: "
            "shorten it or link to a longer document"),
]
Percent = Annotated[
    StrictInt | StrictFloat,
    Field(ge=0, le=100),
    Wording(
        "percent",
        invalid="{key} {value} is not a percentage between 0 and 100",
        expected="a percentage between 0 and 100",
    ),
]



Day = Annotated[
    str,
    StringConstraints(pattern=DATE_PATTERN),
    Wording("date", invalid="'{value}' is not a date; write the day as YYYY-MM-DD, such as 2026-05-01"),
]
"""A calendar day, YYYY-MM-DD (YAML's unquoted dates are read as this text)."""
Period = Annotated[
    str,
    StringConstraints(pattern=PERIOD_PATTERN),
    Wording(
        "period",
        invalid="'{value}' is not a review period; write a number of days or weeks (1 to 9999) and d or w, "
        "such as 180d or 26w",
    ),
]
"""A review period: `<n>d` (days) or `<n>w` (weeks)."""

LocalTime = Annotated[
    str,
    StringConstraints(pattern=TIME_PATTERN),
    Wording("time", invalid="'{value}' is not a time of day; write it as HH:MM on a 24-hour clock, such as 09:00 "
            "or 19:30"),
]
"""A time of day, HH:MM, in the organization's time zone."""


def known_zone(value: str) -> bool:
    """Whether this machine knows the IANA time zone (Asia/Jakarta). Checked by rules.py, not
    by the model: a JSON Schema in an editor cannot know the list, and they must agree."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return False
    return True


TimeZone = Annotated[
    str,
    StringConstraints(max_length=64, pattern=TIME_ZONE_PATTERN),
    Wording("time-zone", invalid="'{value}' is not a time zone; write an IANA name such as Asia/Jakarta, "
            "Asia/Makassar or Europe/Amsterdam"),
]

RoleId = Annotated[Id, Ref("role")]
DepartmentId = Annotated[Id, Ref("department")]
PartyId = Annotated[Id, Ref("role", "department")]
"""A role or a department: whoever does, owns or hears about a piece of work."""
MetricId = Annotated[Id, Ref("metric")]
ChannelId = Annotated[Id, Ref("channel")]
ObjectiveId = Annotated[Id, Ref("objective")]

Layer = Literal["media", "conversation", "network"]
Platform = Literal[
    "instagram", "tiktok", "x", "facebook", "youtube", "linkedin", "whatsapp", "threads",
    "website", "other",
]
Purpose = Literal["brand", "promotion", "sales", "care", "community", "recruitment", "news"]
Goal = Literal["branding", "marketing", "selling", "service"]
Focus = Literal["retention", "acquisition", "expansion"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Per = Literal["day", "week", "month"]
ThemeKind = Literal[
    "informative", "inspirational", "educational", "promotional", "entertaining", "community"
]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        coerce_numbers_to_str=True,
    )


_FROM_FILE: Any = object()


def _from_file(value: object, info: ValidationInfo) -> str:
    """An entity's id or path comes from the loader's context, never from the YAML."""
    if value is not _FROM_FILE:  # written in the file: as unknown as any other key
        raise PydanticCustomError("extra_forbidden", "Extra inputs are not permitted")
    context = info.context or {}
    return str(context.get(info.field_name, ""))


FromFile = Annotated[
    SkipJsonSchema[str],
    PlainValidator(_from_file),
    Field(default=_FROM_FILE, validate_default=True, exclude=True, repr=False),
]
"""A field the loader fills in from the file: not in the schema, not in dumps, not allowed in YAML."""

E = TypeVar("E", bound="Entity")


class Entity(Model):
    """Something with its own file, id and page."""

    KIND: ClassVar[str] = ""
    # id and path are plain fields: reading them is an instance-dict lookup, as fast as
    # any field (private attributes go through BaseModel.__getattr__, 3x slower pages)
    id: FromFile
    """The file name without `.yml`: unique across every kind."""
    path: FromFile
    """The YAML file behind the entity, relative to the project folder."""

    @classmethod
    def from_data(cls: type[E], data: Any, *, id: str, path: str = "") -> E:
        """Validate the data of one file; raises pydantic's ValidationError."""
        return cls.model_validate(data, context={"id": id, "path": path})

    @property
    def label(self) -> str:
        """What to call the entity on a page: its title, or the organization's name."""
        return str(getattr(self, "title", None) or getattr(self, "name", None) or self.id)


class Kpi(Model):
    """A metric and the target to reach."""

    metric: MetricId
    """Id of the metric that measures it."""
    target: Text
    """The number to reach, in words: `4% per post`, `+30% in the launch month`."""


class Contact(Model):
    """How to reach a role or a department: where a new hire asks, and whom to call."""

    chat: Note | None = None
    """The team's chat channel, as people name it: `#care-team on Slack`."""
    chat_url: Url | None = None
    """Address that opens the chat channel (http, https or mailto)."""
    email: Email | None = None
    """A shared mailbox, such as `care@kopinusantara.id`."""
    phone: Note | None = None
    """A phone number or extension for urgent matters, such as `ext. 210` or `+62 21 555 0101`."""


class Charter(Model):
    """The three questions that place a social media team."""

    purpose: Markdown | None = None
    """Why the organization is on social media at all."""
    strategy: Markdown | None = None
    """Which objectives come first, and why."""
    placement: Markdown | None = None
    """Where the social media team sits in the organization, and why there."""


class ReviewEvery(Model):
    """How long a page stays true without a review: one period for every kind, and optionally one per kind."""

    default: Period = DEFAULT_REVIEW_PERIOD
    """Period for every kind not named below: `<n>d` or `<n>w`; 180d when left out."""
    organization: Period | None = None
    """Period for the organization page."""
    department: Period | None = None
    """Period for department pages."""
    role: Period | None = None
    """Period for role pages."""
    objective: Period | None = None
    """Period for objective pages."""
    theme: Period | None = None
    """Period for theme pages."""
    channel: Period | None = None
    """Period for channel pages."""
    metric: Period | None = None
    """Period for metric pages."""
    workflow: Period | None = None
    """Period for workflow pages."""

    def days(self, kind: str) -> int:
        """The period of `kind` in days."""
        period = getattr(self, kind, None) or self.default
        return int(period[:-1]) * (7 if period.endswith("w") else 1)


class Organization(Entity):
    """The organization: its name, its social media charter and the coordinating hub (org/organization.yml)."""

    KIND: ClassVar[str] = "organization"
    name: Title
    """The organization's name, shown as the site's title."""
    summary: Note | None = None
    """One sentence for the home page."""
    description: Markdown | None = None
    """Longer Markdown."""
    charter: Charter | None = None
    """The three questions that place a social media team."""
    hub: DepartmentId | None = None
    """Department that coordinates all social media work."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the lead of the coordinating hub (`hub`)."""
    review_every: ReviewEvery = Field(default_factory=ReviewEvery)
    """How long a page stays true without a review, by default and per kind (`180d`, `26w`)."""
    time_zone: TimeZone | None = None
    """IANA time zone of the posting times in theme cadences, such as `Asia/Jakarta`; the calendar
    file carries it. Without it, times are local wherever the calendar is opened."""


class Department(Entity):
    """A department that takes part in social media work (org/departments/<id>.yml)."""

    KIND: ClassVar[str] = "department"
    title: Title
    """The department's name."""
    summary: Text
    """One line: what the department is for."""
    description: Markdown | None = None
    """Longer Markdown."""
    parent: DepartmentId | None = None
    """Department this one belongs to; departments form a tree."""
    lead: RoleId | None = None
    """Role that leads the department; it must belong to this department."""
    share: Percent | None = None
    """Percent of the social media workload the department carries (0-100)."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the department's lead (`lead`)."""
    contact: Contact | None = None
    """How to reach the department: its chat channel, shared mailbox or phone."""


class Role(Entity):
    """A role: what it does, where it sits, whom it reports to (org/roles/<id>.yml)."""

    KIND: ClassVar[str] = "role"
    title: Title
    """The role's name."""
    summary: Text
    """One line: what the role is for."""
    department: DepartmentId
    """Department the role belongs to."""
    reports_to: RoleId | None = None
    """Role this one reports to; reporting lines form a tree."""
    headcount: Annotated[int, Field(ge=0, strict=True)] = 1
    """How many people hold the role; 0 marks an open position."""
    responsibilities: Annotated[list[Text], Field(min_length=1)]
    """What the role does, one item per responsibility."""
    skills: list[Text] = []
    """Skills the role needs."""
    qualifications: list[Text] = []
    """Qualifications expected of a candidate."""
    kpis: list[Kpi] = []
    """How the role's work is measured."""
    onboarding: list[Text] = []
    """A new hire's first steps in this role."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the role it reports to (`reports_to`); a role that reports to nobody reviews its own page."""
    contact: Contact | None = None
    """How to reach whoever holds the role: chat channel, mailbox or phone."""


class Metric(Entity):
    """A number the team watches, in one of three layers of analysis (playbook/metrics/<id>.yml)."""

    KIND: ClassVar[str] = "metric"
    title: Title
    """The metric's name."""
    summary: Text
    """One line: how it is computed."""
    layer: Layer
    """Layer of analysis: media, conversation or network."""
    source: Note | None = None
    """Where the number comes from."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the lead of the coordinating hub (`hub` in organization.yml), since metrics are shared."""


class Channel(Entity):
    """One account on one platform, serving one function (playbook/channels/<id>.yml)."""

    KIND: ClassVar[str] = "channel"
    title: Title
    """The account's name."""
    summary: Text
    """One line: what the account is for."""
    platform: Platform
    """The platform the account is on."""
    handle: Note | None = None
    """The account's handle, such as `@kopinusantara`."""
    url: Url | None = None
    """Address of the account (http, https or mailto)."""
    purpose: Purpose
    """The one function this account serves."""
    owner: RoleId
    """Role accountable for the account."""
    operators: list[RoleId] = []
    """Roles that post and reply."""
    voice: Markdown | None = None
    """The account's personality."""
    audience: Markdown | None = None
    """Who the account speaks to."""
    response_time: Duration | None = None
    """First answer to comments and messages: `<n>m`, `<n>h` or `<n>d`."""
    objectives: list[ObjectiveId] = []
    """Objectives the account serves."""
    max_posts_per_day: Annotated[int, Field(ge=1, le=100, strict=True)] | None = None
    """Most posts the account should carry in one day (1-100); the calendar warns on days the themes' cadences exceed it."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the channel's owner (`owner`)."""


class Raci(Model):
    """Who is responsible, accountable, consulted and informed."""

    accountable: Annotated[RoleId, Wording("raci", one_only="; exactly one role is accountable")]
    """Exactly one role that answers for the objective."""
    responsible: Annotated[list[PartyId], Field(min_length=1)]
    """Roles or departments that do the work; at least one."""
    consulted: list[PartyId] = []
    """Roles or departments asked before decisions."""
    informed: list[PartyId] = []
    """Roles or departments kept up to date."""


class Objective(Entity):
    """Why the organization posts: a goal with one accountable role (playbook/objectives/<id>.yml)."""

    KIND: ClassVar[str] = "objective"
    title: Title
    """The objective's name."""
    summary: Text
    """One line: what success looks like."""
    goal: Goal
    """Branding, marketing, selling or service."""
    focus: Focus | None = None
    """Retention, acquisition or expansion."""
    raci: Raci
    """Who is responsible, accountable, consulted and informed."""
    kpis: list[Kpi] = []
    """How progress is measured."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the objective's accountable role (`raci.accountable`)."""


class Slot(Model):
    """When a theme is posted: one post at each time (`at`) of each posting day, on each channel."""

    PLACE: ClassVar[str] = " in this cadence"
    """Said after a missing key, so the user knows which mapping lacks it."""

    per: Per
    """The period posts are counted in: `day`, `week` or `month`."""
    posts: Annotated[int, Field(ge=1, le=31, strict=True)] | None = None
    """Posts in each period on each channel. Per day: one per time in `at`. Per week: one per day in
    `days` and time, or spread from Monday when `days` is left out. Per month: up to 4, in spread weeks."""
    days: list[Weekday] = []
    """Weekdays it is posted on (`mon` … `sun`): per day, only these (every day when left out); per
    week, each of these; per month, the one weekday of its posts (Monday when left out)."""
    at: Annotated[list[LocalTime], Field(min_length=1)] = ["09:00"]
    """Local times of day (HH:MM, in the organization's `time_zone`); 09:00 when left out."""
    channels: list[Id] = []
    """Which of the theme's channels carry these posts; all of them when left out."""
    format: Text | None = None
    """The format of these posts, such as `reel`; one of the theme's `formats` (its first when left out)."""
    starts: Day | None = None
    """First day of a campaign's posts (YYYY-MM-DD); the slot runs from the start when left out."""
    ends: Day | None = None
    """Last day of a campaign's posts (YYYY-MM-DD); the slot runs on when left out."""


def _cadence_form(value: Any) -> str:
    """Which form of cadence a value is written in: a list of slots, one slot, or text."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return "str"


Cadence = Annotated[
    Annotated[list[Slot], Field(min_length=1), Tag("list")] | Annotated[Slot, Tag("dict")] | Annotated[Note, Tag("str")],
    Discriminator(_cadence_form),
    Wording("type", expected="a list of slots (per, posts, days, at, channels) or text"),
]
"""A theme's cadence: slots the calendar can place, or (as before) a sentence it cannot."""


class Theme(Entity):
    """A content theme or pillar (playbook/themes/<id>.yml)."""

    KIND: ClassVar[str] = "theme"
    title: Title
    """The theme's name."""
    summary: Text
    """One line: what the theme is about."""
    kind: ThemeKind
    """The kind of content."""
    objectives: Annotated[list[ObjectiveId], Field(min_length=1)]
    """Objectives the theme serves; at least one."""
    channels: list[ChannelId] = []
    """Accounts that carry the theme."""
    owner: RoleId | None = None
    """Role that plans the theme."""
    cadence: Cadence | None = None
    """How often it is posted: a list of slots (`per`, `posts`, `days`, `at`, `channels`) that the
    content calendar places, or a sentence (still valid, but it puts nothing on the calendar)."""
    formats: list[Text] = []
    """Formats: carousel, short video, live…"""
    hashtags: list[Text] = []
    """Hashtags that go with it."""
    examples: list[Text] = []
    """Example posts."""

    @property
    def slots(self) -> list[Slot]:
        """The cadence's slots: none when it is text or left out."""
        cadence = self.cadence
        return cadence if isinstance(cadence, list) else [cadence] if isinstance(cadence, Slot) else []
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the theme's owner (`owner`)."""


class Step(Model):
    """One step of a workflow."""

    PLACE: ClassVar[str] = " in this step"
    """Said after a missing key, so the user knows which mapping lacks it."""

    by: PartyId
    """Role or department that does the step."""
    action: Text
    """What is done."""
    within: Duration | None = None
    """Time allowed: `<n>m`, `<n>h` or `<n>d`."""
    to: PartyId | None = None
    """Role or department the work is handed to."""
    after: Annotated[list[Annotated[int, Field(ge=1, strict=True)]], Field(min_length=1)] | None = None
    """Numbers of the earlier steps this step waits for (the first step is 1). Without it a
    step waits for the step before it. Steps that wait for the same step run at the same time
    and are drawn side by side: with `after: [2]` on steps 3 and 4, both start when step 2 is
    done, and a step with `after: [3, 4]` waits for both. A step hands its work to every step
    that waits for it."""
    stage: Title | None = None
    """Stage of the workflow the step belongs to, such as `Planning`. Consecutive steps of
    the same stage are drawn in one labelled band and listed under the stage's name."""


class Workflow(Entity):
    """Who hands what to whom, step by step (playbook/workflows/<id>.yml)."""

    KIND: ClassVar[str] = "workflow"
    title: Title
    """The workflow's name."""
    summary: Text
    """One line: what the workflow is for."""
    trigger: Text
    """What starts it."""
    objective: ObjectiveId | None = None
    """Objective the workflow serves."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """Steps in the order they start; at least one. Each waits for the step before it
    unless it names the steps it waits for in `after`."""
    reviewed: Day | None = None
    """Day someone last checked that this page is still true (YYYY-MM-DD); the review is
    owed by the accountable role of its objective (`objective`); the lead of the coordinating hub when it serves none."""


    def waits_for(self, number: int) -> list[int]:
        """Numbers of the steps step `number` (from 1) waits for: its `after`, else the step
        before it (none for the first step). Only earlier steps count (rules.py reports others)."""
        step = self.steps[number - 1]
        if step.after is None:
            return [number - 1] if number > 1 else []
        return sorted({n for n in step.after if n < number})

    def stage_runs(self) -> list[tuple[str | None, list[int]]]:
        """The steps' numbers in runs of consecutive steps with the same `stage` (None: no stage)."""
        runs: list[tuple[str | None, list[int]]] = []
        for number, step in enumerate(self.steps, start=1):
            if runs and runs[-1][0] == step.stage:
                runs[-1][1].append(number)
            else:
                runs.append((step.stage, [number]))
        return runs

    def followers(self, number: int) -> list[int]:
        """Numbers of the steps that wait for step `number`: it hands its work to them."""
        return [n for n in range(number + 1, len(self.steps) + 1) if number in self.waits_for(n)]


# -- the kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of file: what the loader, the pages, `playbook diff` and `new` know about it."""

    model: type[Entity]
    """The model a file of this kind validates against; its `KIND` is the kind's name."""
    folder: str
    """Where its files live, relative to the project folder."""
    plural: str
    """The page folder (`roles/community-manager.md`) and the `Playbook` attribute."""

    @property
    def name(self) -> str:
        return self.model.KIND

    @property
    def label(self) -> str:
        """The label key of the kind's name on pages (labels/<lang>.yml)."""
        return f"kind_{self.name}"

    @property
    def references(self) -> tuple[ReferenceField, ...]:
        return reference_fields(self.model)


KINDS: tuple[Kind, ...] = (
    Kind(Organization, folder="org", plural="organization"),
    Kind(Department, folder="org/departments", plural="departments"),
    Kind(Role, folder="org/roles", plural="roles"),
    Kind(Objective, folder="playbook/objectives", plural="objectives"),
    Kind(Theme, folder="playbook/themes", plural="themes"),
    Kind(Channel, folder="playbook/channels", plural="channels"),
    Kind(Metric, folder="playbook/metrics", plural="metrics"),
    Kind(Workflow, folder="playbook/workflows", plural="workflows"),
)
"""Every kind of file, in the one order pages, problems, `playbook diff` and `new` list them."""

KIND = {kind.name: kind for kind in KINDS}
"""Kind name -> its declaration."""
KIND_ORDER = tuple(KIND)
"""Kind names in order."""
ENTITY_TYPES: dict[str, type[Entity]] = {kind.name: kind.model for kind in KINDS}
"""Kind name -> model."""
PLURALS = {kind.name: kind.plural for kind in KINDS}
"""Kind name -> page folder."""
FILE_KINDS = tuple(kind.name for kind in KINDS if kind.name != "organization")
"""The kinds kept one file per entity in a folder (all but the organization)."""
TOP_FOLDERS = tuple(dict.fromkeys(kind.folder.split("/")[0] for kind in KINDS))
"""The folders of the project that hold playbook files: `org` and `playbook`."""


# -- references, read from the fields --------------------------------------------------------

ReferenceField = tuple[tuple[str, ...], tuple[str, ...]]
"""(key path, kinds): '*' in the path steps into every list item, such as (('kpis', '*', 'metric'), ('metric',))."""


def _annotated(info: FieldInfo) -> Any:
    """A field's type with the metadata pydantic moved off it put back on."""
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def _walk_type(annotation: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, metadata) for every piece of metadata in a type, through lists and models."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            yield from _walk_type(_annotated(info), path + (name,))
        return
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        for meta in annotation.__metadata__:
            yield path, meta
        yield from _walk_type(annotation.__origin__, path)
        return
    step = ("*",) if origin is list else ()
    for arg in typing.get_args(annotation):
        yield from _walk_type(arg, path + step)


@functools.cache
def reference_fields(model: type[BaseModel]) -> tuple[ReferenceField, ...]:
    """Which fields of a model hold ids, and the kinds those ids may name, in field order."""
    return tuple((path, meta.kinds) for path, meta in _walk_type(model) if isinstance(meta, Ref))


@functools.cache
def wordings(model: type[BaseModel], path: tuple[str, ...]) -> tuple[Wording, ...]:
    """The `Wording`s declared for the value at a key path ('*' for list items), innermost last."""
    return tuple(meta for where, meta in _walk_type(model) if where == path and isinstance(meta, Wording))


def model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model of the mapping at a data path in a file of `model`, if it is one."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        current = _inner_model(info.annotation) if info is not None else None
        if current is None:
            return None
    return cast("type[BaseModel]", current)


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def keys(model: type[BaseModel]) -> list[str]:
    """The keys a YAML mapping of this model may hold (not the id and path, which the loader gives)."""
    return [name for name, info in model.model_fields.items() if not info.exclude]


# -- the playbook ---------------------------------------------------------------------------


@dataclass
class Playbook:
    """Every entity of one organization, each kind keyed by id in id order."""

    organization: Organization | None = None
    departments: dict[str, Department] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    workflows: dict[str, Workflow] = field(default_factory=dict)

    # fmt: off
    @overload
    def of_kind(self, kind: Literal["organization"]) -> dict[str, Organization]: ...
    @overload
    def of_kind(self, kind: Literal["department"]) -> dict[str, Department]: ...
    @overload
    def of_kind(self, kind: Literal["role"]) -> dict[str, Role]: ...
    @overload
    def of_kind(self, kind: Literal["objective"]) -> dict[str, Objective]: ...
    @overload
    def of_kind(self, kind: Literal["theme"]) -> dict[str, Theme]: ...
    @overload
    def of_kind(self, kind: Literal["channel"]) -> dict[str, Channel]: ...
    @overload
    def of_kind(self, kind: Literal["metric"]) -> dict[str, Metric]: ...
    @overload
    def of_kind(self, kind: Literal["workflow"]) -> dict[str, Workflow]: ...
    @overload
    def of_kind(self, kind: str) -> dict[str, Entity]: ...
    # fmt: on

    def of_kind(self, kind: str) -> dict[str, Any]:
        """The entities of one kind by id (the organization under the id 'organization')."""
        if kind == "organization":
            return {"organization": self.organization} if self.organization else {}
        found: dict[str, Any] = getattr(self, KIND[kind].plural)
        return found

    def add(self, entity: Entity) -> None:
        """Keep a loaded entity under its id."""
        if isinstance(entity, Organization):
            self.organization = entity
        else:
            self.of_kind(entity.KIND)[entity.id] = entity

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, whatever its kind."""
        for kind in FILE_KINDS:
            found = self.of_kind(kind).get(entity_id)
            if found is not None:
                return found
        return None

    def kind_of(self, entity_id: str) -> str | None:
        found = self.entity(entity_id)
        return found.KIND if found else None

    def all_entities(self) -> Iterator[Entity]:
        """Every entity, kind by kind in `KINDS` order."""
        for kind in KIND_ORDER:
            yield from self.of_kind(kind).values()
