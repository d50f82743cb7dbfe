"""Theme cadences as calendar slots: which days and times each theme is posted on, on which
channel, in which format, by whom; and the checks of cadences that cannot be placed.

Pure: `posts_between(playbook, first, last)` lists the planned posts of a range of days, and
`weekly_rule(slot)` says the same as an iCalendar RRULE, so the page, the CSV and the ICS
file place the same posts. A cadence written as text places nothing (and `--strict` says so).

A slot's posting days (see `model.Slot`):
- per day: every day, or only `days`;
- per week: each of `days`, or `posts` weekdays spread from Monday (1: Mon, 2: Mon Thu,
  3: Mon Wed Fri …);
- per month: the `posts` spread weeks' (1: 1st, 2: 1st and 3rd …) first weekday `days[0]`
  (Monday when left out), the way "the first Monday of the month" is said.
Each posting day carries one post at each time of `at`, on each of the slot's channels.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import Problems
from .load import Sources
from .model import Playbook, Slot, Theme

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTH_WEEKS = 4
"""A month's posts are spread over its first four weeks (every month has four of each weekday)."""


def spread(count: int, over: int) -> list[int]:
    """`count` indices spread evenly over `range(over)`, starting at 0."""
    return [i * over // count for i in range(count)]


def weekdays(slot: Slot) -> list[int]:
    """The weekdays (0 = Monday) the slot is posted on."""
    if slot.per == "day":
        return sorted({WEEKDAYS.index(d) for d in slot.days}) if slot.days else list(range(7))
    if slot.per == "week":
        return sorted({WEEKDAYS.index(d) for d in slot.days}) if slot.days else spread(slot.posts or 1, 7)
    return [WEEKDAYS.index(slot.days[0]) if slot.days else 0]


def month_weeks(slot: Slot) -> list[int] | None:
    """For a monthly slot, which occurrence of its weekday in the month (1 = the first); None otherwise."""
    if slot.per != "month":
        return None
    return [week + 1 for week in spread(min(slot.posts or 1, MONTH_WEEKS), MONTH_WEEKS)]


def window(slot: Slot) -> tuple[datetime.date | None, datetime.date | None]:
    """A campaign slot's first and last day (None: open)."""
    return (
        datetime.date.fromisoformat(slot.starts) if slot.starts else None,
        datetime.date.fromisoformat(slot.ends) if slot.ends else None,
    )


def posted_on(slot: Slot, day: datetime.date, *, campaigns: bool = False) -> bool:
    """Whether the slot has posts on `day`; `campaigns=True` ignores the slot's `starts`/`ends`."""
    starts, ends = window(slot) if not campaigns else (None, None)
    if day.weekday() not in weekdays(slot) or (starts and day < starts) or (ends and day > ends):
        return False
    weeks = month_weeks(slot)
    return weeks is None or (day.day - 1) // 7 + 1 in weeks


def rrule(slot: Slot) -> str:
    """The slot's days as an iCalendar recurrence rule (RFC 5545), without a start or an end."""
    days = [RRULE_DAYS[d] for d in weekdays(slot)]
    weeks = month_weeks(slot)
    if weeks is not None:
        return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{w}{d}" for w in weeks for d in days)
    if slot.per == "day" and len(days) == 7:
        return "FREQ=DAILY"
    return "FREQ=WEEKLY;BYDAY=" + ",".join(days)


def slot_channels(theme: Theme, slot: Slot) -> list[str]:
    """The channels a slot is posted on: its own, else all of the theme's."""
    return list(slot.channels or theme.channels)


def slot_format(theme: Theme, slot: Slot) -> str | None:
    return slot.format or (theme.formats[0] if theme.formats else None)


@dataclass(frozen=True)
class Post:
    """One planned post: a slot's time on one day, on one channel."""

    day: datetime.date
    time: str
    """HH:MM, local to the organization's time zone."""
    theme: Theme
    channel: str
    format: str | None
    owner: str | None
    """The theme's owner, who plans the post."""
    slot: int
    """The slot's index in the theme's cadence, for a stable identity."""

    @property
    def key(self) -> tuple[object, ...]:
        return (self.day, self.time, self.channel, self.theme.id, self.slot)


def slots(playbook: Playbook) -> Iterator[tuple[Theme, int, Slot]]:
    """(theme, index, slot) for every slot of every theme, in id order."""
    for theme in playbook.themes.values():
        for index, slot in enumerate(theme.slots):
            yield theme, index, slot


def posts_between(playbook: Playbook, first: datetime.date, last: datetime.date) -> list[Post]:
    """Every planned post from `first` to `last` (both included), by day, time, channel and theme."""
    found: list[Post] = []
    rules = list(slots(playbook))
    day = first
    while day <= last:
        for theme, index, slot in rules:
            if not posted_on(slot, day):
                continue
            for channel in slot_channels(theme, slot):
                for time in slot.at:
                    found.append(Post(day, time, theme, channel, slot_format(theme, slot), theme.owner, index))
        day += datetime.timedelta(days=1)
    return sorted(found, key=lambda p: p.key)


def busiest_days(playbook: Playbook) -> dict[str, tuple[int, str, list[str]]]:
    """Channel id -> (most posts on one day, that day as a weekday name, the themes posting then).

    Exact for every month with every campaign running: a day is a weekday and an occurrence of
    it in the month, and that pair is all a slot looks at besides its campaign window."""
    worst: dict[str, tuple[int, str, list[str]]] = {}
    rules = list(slots(playbook))
    for weekday in range(7):
        for week in range(1, MONTH_WEEKS + 1):
            day = datetime.date(2024, 1, 1) + datetime.timedelta(days=weekday + 7 * (week - 1))  # 2024-01-01 is a Monday
            counts: dict[str, list[str]] = {}
            for theme, _index, slot in rules:
                if posted_on(slot, day, campaigns=True):
                    for channel in slot_channels(theme, slot):
                        counts.setdefault(channel, []).extend([theme.id] * len(slot.at))
            for channel, themes in counts.items():
                if len(themes) > worst.get(channel, (0, "", []))[0]:
                    worst[channel] = (len(themes), WEEKDAYS[weekday], sorted(set(themes)))
    return worst


# -- checks ----------------------------------------------------------------------------------


def _where(theme: Theme, index: int, *rest: str | int) -> tuple[str | int, ...]:
    """The data path of a slot's key: ('cadence', i, key) in the list form, ('cadence', key) in the mapping form."""
    return ("cadence", index, *rest) if isinstance(theme.cadence, list) else ("cadence", *rest)


def _slot_problem(slot: Slot) -> tuple[str, str] | None:
    """(key, message) when a slot's counts contradict each other."""
    if slot.per == "day" and slot.posts is not None and slot.posts != len(slot.at):
        return "posts", (f"{slot.posts} posts a day but 'at' gives {len(slot.at)} "
                         f"time{'s' if len(slot.at) != 1 else ''}; give one time per post of a day")
    if slot.per == "week" and slot.days and slot.posts is not None and slot.posts != len(slot.days) * len(slot.at):
        return "posts", (f"{slot.posts} posts a week but 'days' and 'at' give {len(slot.days) * len(slot.at)}; "
                         "leave 'posts' out or make them agree")
    if slot.per == "week" and not slot.days and (slot.posts or 1) > 7:
        return "posts", f"{slot.posts} posts a week is more than one a day; name the days and give several times in 'at'"
    if slot.per == "month" and (slot.posts or 1) > MONTH_WEEKS:
        return "posts", f"{slot.posts} posts a month is more than one a week; write it per week instead"
    if slot.per == "month" and len(slot.days) > 1:
        return "days", "a monthly slot is posted on one weekday; write one slot per weekday"
    if slot.starts and slot.ends and slot.ends < slot.starts:
        return "ends", f"the slot ends on {slot.ends}, before it starts on {slot.starts}"
    return None


def check(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    """Cadences the calendar cannot place, text cadences (a warning), and channels over their daily limit."""
    for theme in playbook.themes.values():
        if isinstance(theme.cadence, str):
            problems.add(
                sources.locate(theme, ("cadence",)),
                "the cadence is text, so the content calendar has no slots for this theme; write it as "
                "slots (per, posts, days, at), such as [{per: week, days: [tue, fri], at: ['19:00']}]",
                "cadence-text",
                "warning",
            )
        for index, slot in enumerate(theme.slots):
            found = _slot_problem(slot)
            if found:
                problems.add(sources.locate(theme, _where(theme, index, found[0])), found[1], "cadence")
            if slot.format and theme.formats and slot.format not in theme.formats:
                problems.add(
                    sources.locate(theme, _where(theme, index, "format")),
                    f"format '{slot.format}' is not one of the theme's formats ({', '.join(theme.formats)})",
                    "cadence",
                )
            if not slot_channels(theme, slot):
                problems.add(sources.locate(theme, _where(theme, index)),
                             "the cadence has no channel to post on, so the calendar shows none of its posts; "
                             "list the theme's channels", "cadence-channels", "warning")
            for position, named in enumerate(slot.channels):
                if named not in theme.channels:
                    problems.add(
                        sources.locate(theme, _where(theme, index, "channels", position)),
                        f"channel '{named}' is not one of the theme's channels "
                        f"({', '.join(theme.channels) or 'none'}); add it to 'channels' or post elsewhere",
                        "cadence",
                    )
    for channel_id, (count, weekday, themes) in sorted(busiest_days(playbook).items()):
        channel = playbook.channels.get(channel_id)
        if channel is None or channel.max_posts_per_day is None or count <= channel.max_posts_per_day:
            continue
        problems.add(
            sources.locate(channel, ("max_posts_per_day",)),
            f"the themes' cadences put up to {count} posts a day on this channel ({DAY_NAMES[WEEKDAYS.index(weekday)]}: "
            f"{', '.join(themes)}), more than its max_posts_per_day of {channel.max_posts_per_day}",
            "posts-per-day",
            "warning",
        )
