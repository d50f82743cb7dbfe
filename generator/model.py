"""Typed, frozen models of every entity kind in the playbook. No I/O happens here.

Field docstrings become the descriptions in the JSON Schemas that editors show.
An entity's id is not a field: it is the file name, attached by the loader.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DURATION_PATTERN = r"^[0-9]+[mhd]$"
URL_PATTERN = r"^(https?://[^\s<>\"'`\\]+|mailto:[^\s<>\"'`\\]+)$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

Layer = Literal["media", "conversation", "network"]
Platform = Literal[
    "instagram", "tiktok", "x", "facebook", "youtube", "linkedin", "whatsapp", "threads",
    "website", "other",
]
Purpose = Literal["brand", "promotion", "sales", "care", "community", "recruitment", "news"]
Goal = Literal["branding", "marketing", "selling", "service"]
Focus = Literal["retention", "acquisition", "expansion"]
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


class Entity(Model):
    """Something with its own file, id and page."""

    KIND: ClassVar[str] = ""
    FOLDER: ClassVar[str] = ""
    _id: str = PrivateAttr(default="")
    _path: str = PrivateAttr(default="")

    # Read the private values from pydantic's own slot: plain `self._id` goes through
    # BaseModel.__getattr__, which made page generation 3x slower at 1,000 roles.
    @property
    def id(self) -> str:
        """The file name without `.yml`: unique across every kind."""
        return self.__pydantic_private__["_id"]  # type: ignore[index]

    @property
    def path(self) -> str:
        """The YAML file behind the entity, relative to the project folder."""
        return self.__pydantic_private__["_path"]  # type: ignore[index]

    @property
    def label(self) -> str:
        """What to call the entity on a page: its title, or the organization's name."""
        return str(getattr(self, "title", None) or getattr(self, "name", None) or self.id)


class Kpi(Model):
    """A metric and the target to reach."""

    metric: Id
    """Id of the metric that measures it."""
    target: Text
    """The number to reach, in words: `4% per post`, `+30% in the launch month`."""


class Charter(Model):
    """The three questions that place a social media team."""

    purpose: str | None = None
    """Why the organization is on social media at all."""
    strategy: str | None = None
    """Which objectives come first, and why."""
    placement: str | None = None
    """Where the social media team sits in the organization, and why there."""


class Organization(Entity):
    """The organization: its name, its social media charter and the coordinating hub (org/organization.yml)."""

    KIND: ClassVar[str] = "organization"
    FOLDER: ClassVar[str] = "org"
    name: Text
    """The organization's name, shown as the site's title."""
    summary: str | None = None
    """One sentence for the home page."""
    description: str | None = None
    """Longer Markdown."""
    charter: Charter | None = None
    """The three questions that place a social media team."""
    hub: Id | None = None
    """Department that coordinates all social media work."""


class Department(Entity):
    """A department that takes part in social media work (org/departments/<id>.yml)."""

    KIND: ClassVar[str] = "department"
    FOLDER: ClassVar[str] = "org/departments"
    title: Text
    """The department's name."""
    summary: Text
    """One line: what the department is for."""
    description: str | None = None
    """Longer Markdown."""
    parent: Id | None = None
    """Department this one belongs to; departments form a tree."""
    lead: Id | None = None
    """Role that leads the department; it must belong to this department."""
    share: Annotated[StrictInt | StrictFloat, Field(ge=0, le=100)] | None = None
    """Percent of the social media workload the department carries (0-100)."""


class Role(Entity):
    """A role: what it does, where it sits, whom it reports to (org/roles/<id>.yml)."""

    KIND: ClassVar[str] = "role"
    FOLDER: ClassVar[str] = "org/roles"
    title: Text
    """The role's name."""
    summary: Text
    """One line: what the role is for."""
    department: Id
    """Department the role belongs to."""
    reports_to: Id | None = None
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


class Metric(Entity):
    """A number the team watches, in one of three layers of analysis (playbook/metrics/<id>.yml)."""

    KIND: ClassVar[str] = "metric"
    FOLDER: ClassVar[str] = "playbook/metrics"
    title: Text
    """The metric's name."""
    summary: Text
    """One line: how it is computed."""
    layer: Layer
    """Layer of analysis: media, conversation or network."""
    source: str | None = None
    """Where the number comes from."""


class Channel(Entity):
    """One account on one platform, serving one function (playbook/channels/<id>.yml)."""

    KIND: ClassVar[str] = "channel"
    FOLDER: ClassVar[str] = "playbook/channels"
    title: Text
    """The account's name."""
    summary: Text
    """One line: what the account is for."""
    platform: Platform
    """The platform the account is on."""
    handle: str | None = None
    """The account's handle, such as `@kopinusantara`."""
    url: Url | None = None
    """Address of the account (http, https or mailto)."""
    purpose: Purpose
    """The one function this account serves."""
    owner: Id
    """Role accountable for the account."""
    operators: list[Id] = []
    """Roles that post and reply."""
    voice: str | None = None
    """The account's personality."""
    audience: str | None = None
    """Who the account speaks to."""
    response_time: Duration | None = None
    """First answer to comments and messages: `<n>m`, `<n>h` or `<n>d`."""
    objectives: list[Id] = []
    """Objectives the account serves."""


class Raci(Model):
    """Who is responsible, accountable, consulted and informed."""

    accountable: Id
    """Exactly one role that answers for the objective."""
    responsible: Annotated[list[Id], Field(min_length=1)]
    """Roles or departments that do the work; at least one."""
    consulted: list[Id] = []
    """Roles or departments asked before decisions."""
    informed: list[Id] = []
    """Roles or departments kept up to date."""


class Objective(Entity):
    """Why the organization posts: a goal with one accountable role (playbook/objectives/<id>.yml)."""

    KIND: ClassVar[str] = "objective"
    FOLDER: ClassVar[str] = "playbook/objectives"
    title: Text
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


class Theme(Entity):
    """A content theme or pillar (playbook/themes/<id>.yml)."""

    KIND: ClassVar[str] = "theme"
    FOLDER: ClassVar[str] = "playbook/themes"
    title: Text
    """The theme's name."""
    summary: Text
    """One line: what the theme is about."""
    kind: ThemeKind
    """The kind of content."""
    objectives: Annotated[list[Id], Field(min_length=1)]
    """Objectives the theme serves; at least one."""
    channels: list[Id] = []
    """Accounts that carry the theme."""
    owner: Id | None = None
    """Role that plans the theme."""
    cadence: str | None = None
    """How often it is posted."""
    formats: list[Text] = []
    """Formats: carousel, short video, live…"""
    hashtags: list[Text] = []
    """Hashtags that go with it."""
    examples: list[Text] = []
    """Example posts."""


class Step(Model):
    """One step of a workflow."""

    by: Id
    """Role or department that does the step."""
    action: Text
    """What is done."""
    within: Duration | None = None
    """Time allowed: `<n>m`, `<n>h` or `<n>d`."""
    to: Id | None = None
    """Role or department the work is handed to."""


class Workflow(Entity):
    """Who hands what to whom, step by step (playbook/workflows/<id>.yml)."""

    KIND: ClassVar[str] = "workflow"
    FOLDER: ClassVar[str] = "playbook/workflows"
    title: Text
    """The workflow's name."""
    summary: Text
    """One line: what the workflow is for."""
    trigger: Text
    """What starts it."""
    objective: Id | None = None
    """Objective the workflow serves."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """Steps in order; at least one."""


ENTITY_TYPES: dict[str, type[Entity]] = {
    cls.KIND: cls
    for cls in (Organization, Department, Role, Metric, Channel, Objective, Theme, Workflow)
}
"""Every kind of file, in the order pages and problems list them."""

PLURALS = {
    "organization": "organization",
    "department": "departments",
    "role": "roles",
    "metric": "metrics",
    "channel": "channels",
    "objective": "objectives",
    "theme": "themes",
    "workflow": "workflows",
}
