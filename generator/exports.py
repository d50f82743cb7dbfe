"""`playbook calendar`: the themes' cadence slots as files planners use: an iCalendar file
(one recurring event per theme, slot, channel and time, in the organization's time zone), a
CSV with the content plan's columns (seed 004: date, channel, theme, owner, format, caption
idea, visual, hashtags, source, status), or Markdown.

Pure: the first day, the number of weeks and "today" (for DTSTAMP) come in as arguments.
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

from .cadence import Post, posted_on, posts_between, rrule, slot_channels, slot_format, slots
from .escape import csv_cell, ics_text, md_text
from .labels import Labels
from .model import Playbook, Slot, Theme

EVENT_MINUTES = 15
"""How long a post's event lasts in a calendar app: long enough to see, short enough not to block a day."""
CSV_COLUMNS = ("date", "channel", "theme", "owner", "format", "caption", "visual", "hashtags", "source", "status")
"""The content plan's columns (seed 004), as label keys `plan_col_<name>`."""


@dataclass(frozen=True)
class Event:
    """One recurring event: a theme's slot on one channel at one time."""

    theme: Theme
    index: int
    slot: Slot
    channel: str
    time: str
    first: datetime.date
    """The first posting day on or after the range's start."""

    @property
    def uid(self) -> str:
        """Stable while the theme keeps its id and the slot its place in the cadence."""
        return f"{self.theme.id}-{self.index + 1}-{self.channel}-{self.time.replace(':', '')}@playbook"


def events(playbook: Playbook, start: datetime.date, last: datetime.date | None) -> Iterator[Event]:
    for theme, index, slot in slots(playbook):
        first = _first_day(slot, start, last)
        if first is None:
            continue
        for channel in slot_channels(theme, slot):
            for time in slot.at:
                yield Event(theme, index, slot, channel, time, first)


def _first_day(slot: Slot, start: datetime.date, last: datetime.date | None) -> datetime.date | None:
    day = max(start, datetime.date.fromisoformat(slot.starts)) if slot.starts else start
    limit = min(x for x in (last, _ends(slot), day + datetime.timedelta(days=62)) if x is not None)
    while day <= limit:
        if posted_on(slot, day):
            return day
        day += datetime.timedelta(days=1)
    return None


def _ends(slot: Slot) -> datetime.date | None:
    return datetime.date.fromisoformat(slot.ends) if slot.ends else None


# -- iCalendar --------------------------------------------------------------------------------


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545, 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _timezone(name: str, first: datetime.date, last: datetime.date) -> list[str]:
    """A VTIMEZONE for `name` covering the days from `first` to `last`: one STANDARD component
    per offset in force, each starting at its transition in the local time before it (RFC 5545,
    3.6.5), found by stepping through the range an hour at a time in UTC."""
    zone = zoneinfo.ZoneInfo(name)
    utc = datetime.timezone.utc

    def offset(moment: datetime.datetime) -> datetime.timedelta:
        return moment.astimezone(zone).utcoffset() or datetime.timedelta(0)

    def text(delta: datetime.timedelta) -> str:
        minutes = int(delta.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"

    moment = datetime.datetime.combine(first, datetime.time(), utc) - datetime.timedelta(days=1)
    end = datetime.datetime.combine(last, datetime.time(), utc) + datetime.timedelta(days=1)
    periods = [(moment + offset(moment), offset(moment), offset(moment))]
    while moment < end:
        following = moment + datetime.timedelta(hours=1)
        if offset(following) != offset(moment):
            periods.append((following + offset(moment), offset(moment), offset(following)))
        moment = following
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    for start, before, after in periods:
        lines += ["BEGIN:STANDARD", f"DTSTART:{_stamp(start.replace(tzinfo=None))}", f"TZOFFSETFROM:{text(before)}",
                  f"TZOFFSETTO:{text(after)}", "END:STANDARD"]
    return [*lines, "END:VTIMEZONE"]


def ics(playbook: Playbook, labels: Labels, start: datetime.date, weeks: int | None, today: datetime.date) -> str:
    """The calendar file: from `start` for `weeks` weeks (None: without end, for subscribing)."""
    last = start + datetime.timedelta(days=7 * weeks - 1) if weeks else None
    organization = playbook.organization
    zone = organization.time_zone if organization else None
    name = organization.name if organization else "playbook"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{ics_text(name)}//playbook content calendar//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(labels('plan_calendar_name', organization=name))}",
    ]
    if zone:
        lines.append(f"X-WR-TIMEZONE:{zone}")
        lines += _timezone(zone, start, last or start + datetime.timedelta(days=366))
    where = f";TZID={zone}" if zone else ""
    for event in events(playbook, start, last):
        hour, minute = (int(part) for part in event.time.split(":"))
        begins = datetime.datetime.combine(event.first, datetime.time(hour, minute))
        rule = rrule(event.slot)
        until = min(x for x in (last, _ends(event.slot)) if x is not None) if last or event.slot.ends else None
        if until is not None:
            rule += ";UNTIL=" + _until(until, zone)
        channel = playbook.channels.get(event.channel)
        owner = playbook.roles.get(event.theme.owner or "")
        format_ = slot_format(event.theme, event.slot)
        details = [labels("plan_owner", owner=owner.label if owner else labels("calendar_no_owner"))]
        if format_:
            details.append(labels("plan_format", format=format_))
        if event.theme.hashtags:
            details.append(" ".join(event.theme.hashtags))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_stamp(datetime.datetime.combine(today, datetime.time()))}Z",
            f"DTSTART{where}:{_stamp(begins)}",
            f"DURATION:PT{EVENT_MINUTES}M",
            f"RRULE:{rule}",
            f"SUMMARY:{ics_text(event.theme.label)} · {ics_text(channel.label if channel else event.channel)}",
            f"DESCRIPTION:{ics_text(chr(10).join(details))}",
            f"CATEGORIES:{ics_text(channel.platform if channel else 'other')}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _until(day: datetime.date, zone: str | None) -> str:
    """The end of `day` as RRULE's UNTIL: in UTC when DTSTART names a time zone (RFC 5545)."""
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    if zone is None:
        return _stamp(end)
    utc = end.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(datetime.timezone.utc)
    return _stamp(utc.replace(tzinfo=None)) + "Z"


# -- the content plan -------------------------------------------------------------------------


def _plan_rows(playbook: Playbook, labels: Labels, start: datetime.date, weeks: int) -> Iterator[list[str]]:
    last = start + datetime.timedelta(days=7 * weeks - 1)
    for post in posts_between(playbook, start, last):
        yield _row(playbook, labels, post)


def _row(playbook: Playbook, labels: Labels, post: Post) -> list[str]:
    channel = playbook.channels.get(post.channel)
    owner = playbook.roles.get(post.owner or "")
    return [
        f"{post.day.isoformat()} {post.time}",
        channel.label if channel else post.channel,
        post.theme.label,
        owner.label if owner else "",
        post.format or "",
        "",
        "",
        " ".join(post.theme.hashtags),
        "",
        labels("plan_status_planned"),
    ]


def plan_csv(playbook: Playbook, labels: Labels, start: datetime.date, weeks: int) -> str:
    """The posts as rows of the content plan, ready to paste into the team's sheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([labels(f"plan_col_{name}") for name in CSV_COLUMNS])
    for row in _plan_rows(playbook, labels, start, weeks):
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


def plan_markdown(playbook: Playbook, labels: Labels, start: datetime.date, weeks: int) -> str:
    """The posts as a Markdown table with the content plan's columns."""
    last = start + datetime.timedelta(days=7 * weeks - 1)
    lines = [f"# {md_text(labels('plan_title', first=start.isoformat(), last=last.isoformat()))}", ""]
    lines.append("| " + " | ".join(str(md_text(labels(f"plan_col_{name}"))) for name in CSV_COLUMNS) + " |")
    lines.append("|" + " --- |" * len(CSV_COLUMNS))
    for row in _plan_rows(playbook, labels, start, weeks):
        lines.append("| " + " | ".join(str(md_text(cell)) for cell in row) + " |")
    return "\n".join(lines) + "\n"
