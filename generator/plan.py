"""The content calendar page: this week (days x channels) and this month, from the themes'
cadence slots (`cadence.py`), each post naming its theme, channel, owner and format.

Pure: the day comes in as an argument. The week and month views are HTML written here
(every text from YAML through `escape.html_text`), because a table of days needs classes the
stylesheet can switch on a phone (a list by day) and Markdown cannot give them. Their links
name the `.md` pages, like the diagrams' figures; the plugin turns them into the site's URLs.
"""

from __future__ import annotations

import datetime
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from .cache import Cache
from .cadence import WEEKDAYS, Post, posts_between
from .escape import Md, html_text
from .labels import Labels
from .model import PLURALS, Playbook
from .pages import Page, Renderer

PAGE_PATH = "calendar/index.md"
"""Where the calendar page lives; one folder deep, like every generated page."""
ICS_PATH = "calendar/playbook.ics"
"""The calendar file to subscribe to, beside the page."""


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` is in."""
    return day - datetime.timedelta(days=day.weekday())


def month_grid(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the weeks (Monday to Sunday) that cover `day`'s month."""
    first = week_of(day.replace(day=1))
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = week_of(following - datetime.timedelta(days=1)) + datetime.timedelta(days=6)
    return first, last


@dataclass(frozen=True)
class Calendar:
    """The posts of the week and the month around one day."""

    day: datetime.date
    week: list[Post]
    month: list[Post]
    month_first: datetime.date
    month_last: datetime.date
    over: dict[tuple[datetime.date, str], int]
    """(day, channel) -> that channel's max_posts_per_day, where the day's posts exceed it."""

    @classmethod
    def around(cls, playbook: Playbook, day: datetime.date) -> Calendar:
        first, last = month_grid(day)
        monday = week_of(day)
        month = posts_between(playbook, first, last)
        counts: dict[tuple[datetime.date, str], int] = {}
        for post in month:
            counts[(post.day, post.channel)] = counts.get((post.day, post.channel), 0) + 1
        over = {}
        for (when, channel_id), count in counts.items():
            channel = playbook.channels.get(channel_id)
            if channel and channel.max_posts_per_day is not None and count > channel.max_posts_per_day:
                over[(when, channel_id)] = channel.max_posts_per_day
        week = [p for p in posts_between(playbook, monday, monday + datetime.timedelta(days=6))]
        return cls(day, week, month, first, last, over)


class CalendarHtml:
    """Writes the calendar's views as HTML for the page at `here`."""

    def __init__(self, playbook: Playbook, labels: Labels) -> None:
        self.playbook = playbook
        self.labels = labels

    def link(self, kind: str, entity_id: str | None) -> str:
        entity = self.playbook.of_kind(kind).get(entity_id or "") if entity_id else None
        if entity is None:
            return html_text(self.labels("dash"))
        return f'<a href="../{PLURALS[kind]}/{html_text(entity.id)}.md">{html_text(entity.label)}</a>'

    def day_name(self, day: datetime.date) -> str:
        return self.labels("calendar_day", weekday=self.labels(f"weekday_{WEEKDAYS[day.weekday()]}"),
                           day=day.day, month=self.labels(f"month_{day.month}"))

    def post(self, post: Post, *, channel: bool) -> str:
        """One post: time, theme, and (small) channel, owner and format."""
        details = [self.link("channel", post.channel)] if channel else []
        details.append(self.link("role", post.owner) if post.owner else html_text(self.labels("calendar_no_owner")))
        if post.format:
            details.append(html_text(post.format))
        return (
            f'<span class="playbook-post__time">{html_text(post.time)}</span> {self.link("theme", post.theme.id)}'
            f'<br><small>{" · ".join(details)}</small>'
        )

    def over_note(self, day: datetime.date, channel: str, cal: Calendar) -> str:
        limit = cal.over.get((day, channel))
        if limit is None:
            return ""
        return f'<br><strong class="playbook-over">{html_text(self.labels("calendar_over", limit=limit))}</strong>'

    def week_table(self, cal: Calendar) -> str:
        """Days as columns, channels as rows: the week on a wide screen."""
        monday = week_of(cal.day)
        days = [monday + datetime.timedelta(days=i) for i in range(7)]
        channels = sorted({p.channel for p in cal.week}, key=lambda c: self.link("channel", c))
        head = "".join(f'<th scope="col">{html_text(self.day_name(d))}</th>' for d in days)
        rows = []
        for channel in channels:
            cells = []
            for day in days:
                posts = [p for p in cal.week if p.day == day and p.channel == channel]
                inner = "".join(f'<div class="playbook-post">{self.post(p, channel=False)}</div>' for p in posts)
                cells.append(f"<td>{inner}{self.over_note(day, channel, cal)}</td>")
            rows.append(f'<tr><th scope="row">{self.link("channel", channel)}</th>{"".join(cells)}</tr>')
        label = html_text(self.labels("calendar_week_label"))
        return (
            f'<div class="playbook-calendar playbook-calendar--wide"><table class="playbook-calendar__table" aria-label="{label}">'
            f'<thead><tr><th scope="col">{html_text(self.labels("col_channel"))}</th>{head}</tr></thead>'
            f'<tbody>\n{chr(10).join(rows)}\n</tbody></table></div>'
        )

    def day_list(self, posts: list[Post], first: datetime.date, last: datetime.date, cal: Calendar,
                 css: str = "playbook-calendar--narrow") -> str:
        """The posts by day, each day a heading and a list: the week or month on a phone."""
        parts = []
        day = first
        while day <= last:
            today = [p for p in posts if p.day == day]
            if today:
                items = "".join(
                    f'<li>{self.post(p, channel=True)}{self.over_note(day, p.channel, cal)}</li>\n' for p in today
                )
                parts.append(f'<h3>{html_text(self.day_name(day))}</h3>\n<ul>\n{items}</ul>')
            day += datetime.timedelta(days=1)
        if not parts:
            parts.append(f"<p>{html_text(self.labels('calendar_nothing'))}</p>")
        return f'<div class="playbook-calendar {css}">\n{chr(10).join(parts)}\n</div>'

    def month_table(self, cal: Calendar) -> str:
        """A month grid: one row per week, each day its posts (times and themes)."""
        rows = []
        monday = cal.month_first
        head = "".join(
            f'<th scope="col">{html_text(self.labels(f"weekday_{d}"))}</th>'
            for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        )
        while monday <= cal.month_last:
            cells = []
            for i in range(7):
                day = monday + datetime.timedelta(days=i)
                posts = [p for p in cal.month if p.day == day]
                outside = ' class="playbook-calendar__outside"' if day.month != cal.day.month else ""
                entries = "".join(
                    f'<div class="playbook-post"><span class="playbook-post__time">{html_text(p.time)}</span> '
                    f'{self.link("theme", p.theme.id)} <small>{self.link("channel", p.channel)}</small></div>'
                    for p in posts
                )
                over = "".join(self.over_note(day, c, cal) for c in sorted({p.channel for p in posts}))
                cells.append(f'<td{outside}><span class="playbook-calendar__date">{day.day}</span>{entries}{over}</td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
            monday += datetime.timedelta(days=7)
        label = html_text(self.labels("calendar_month_label", month=self.labels(f"month_{cal.day.month}"),
                                      year=cal.day.year))
        return (
            f'<div class="playbook-calendar playbook-calendar--wide playbook-calendar--month">'
            f'<table class="playbook-calendar__table" aria-label="{label}"><thead><tr>{head}</tr></thead><tbody>\n{chr(10).join(rows)}\n</tbody></table></div>'
        )


def calendar_context(playbook: Playbook, labels: Labels, day: datetime.date) -> dict[str, object]:
    """What the calendar template shows: headings' dates and the views' HTML."""
    cal = Calendar.around(playbook, day)
    writer = CalendarHtml(playbook, labels)
    monday = week_of(day)
    sunday = monday + datetime.timedelta(days=6)
    first_of_month = day.replace(day=1)
    last_of_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    month_posts = [p for p in cal.month if p.day.month == day.month]
    name: Callable[[datetime.date], str] = writer.day_name
    organization = playbook.organization
    return {
        "week_first": name(monday),
        "week_last": name(sunday),
        "month_name": labels("calendar_month_label", month=labels(f"month_{day.month}"), year=day.year),
        "week_wide": Md(writer.week_table(cal)) if cal.week else None,
        "week_narrow": Md(writer.day_list(cal.week, monday, sunday, cal,
                                          css="playbook-calendar--narrow" if cal.week else "playbook-calendar--all")),
        "month_wide": Md(writer.month_table(cal)),
        "month_narrow": Md(writer.day_list(month_posts, first_of_month, last_of_month, cal)),
        "time_zone": organization.time_zone if organization and organization.time_zone else None,
        "themes_without_slots": [t for t in playbook.themes.values() if not t.slots],
        "ics": posixpath.basename(ICS_PATH),
        "week_count": len(cal.week),
        "month_count": len(month_posts),
        "overloaded": sorted({(d, c) for d, c in cal.over}),
    }


def calendar_page(
    playbook: Playbook, labels: Labels, day: datetime.date, cache: Cache | None = None, renderer: Renderer | None = None
) -> Page:
    """The calendar page for the week and month of `day`; `renderer`, when given, writes it
    (incremental generation hands its own, whose links are tracked reads)."""
    renderer = renderer or Renderer(playbook, labels, cache=cache)
    context = calendar_context(playbook, labels, day)
    markdown = renderer.render("calendar.md.j2", PAGE_PATH, **context)
    # the week and month views repeat the themes' cadences, and grow with them: not indexed
    views = (
        labels("calendar_week", first=context["week_first"], last=context["week_last"], n=context["week_count"]),
        labels("calendar_month", month=context["month_name"], n=context["month_count"]),
    )
    return Page(PAGE_PATH, labels("calendar_title"), markdown, index=True, unindexed=views)
