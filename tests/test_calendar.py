"""The content calendar: slot arithmetic, the calendar page (golden, for a fixed day), its
HTML through the sanitizer, and the warnings of channels over their daily limit."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator.cadence import busiest_days, month_weeks, posts_between, rrule, spread, weekdays
from generator.escape import sanitize_html
from generator.model import Slot
from generator.plan import PAGE_PATH, month_grid, week_of
from generator.site import Output, generate

from .conftest import REPO, copy_project
from .golden import check_file

GOLDEN = Path(__file__).parent / "golden" / "calendar"
DAY = datetime.date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample() -> Output:
    return generate(REPO, diagrams=False, today=DAY)


def slot(**data: object) -> Slot:
    return Slot.model_validate(data)


def test_weekly_posts_spread_from_monday() -> None:
    assert spread(1, 7) == [0] and spread(2, 7) == [0, 3] and spread(3, 7) == [0, 2, 4] and spread(7, 7) == list(range(7))
    assert weekdays(slot(per="week", posts=3)) == [0, 2, 4]
    assert weekdays(slot(per="week", days=["fri", "tue"])) == [1, 4]
    assert weekdays(slot(per="day")) == list(range(7))


def test_monthly_posts_are_nth_weekdays() -> None:
    assert month_weeks(slot(per="month")) == [1]
    assert month_weeks(slot(per="month", posts=2, days=["fri"])) == [1, 3]
    assert rrule(slot(per="month", posts=2, days=["fri"])) == "FREQ=MONTHLY;BYDAY=1FR,3FR"
    assert rrule(slot(per="week", days=["tue", "sat"])) == "FREQ=WEEKLY;BYDAY=TU,SA"
    assert rrule(slot(per="day")) == "FREQ=DAILY"


def test_the_sample_december(sample: Output) -> None:
    playbook = sample.result.playbook
    posts = posts_between(playbook, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    first_fridays = [p for p in posts if p.theme.id == "cupping-notes" and p.channel == "website-news"]
    assert [p.day.day for p in first_fridays] == [4, 18]  # 1st and 3rd Friday
    countdown = sorted({p.day for p in posts if p.theme.id == "city-launch-countdown"})
    assert countdown[0] == datetime.date(2026, 12, 14) and countdown[-1] == datetime.date(2026, 12, 30)
    assert all(p.owner == p.theme.owner for p in posts)
    assert week_of(DAY) == datetime.date(2026, 11, 30)
    assert month_grid(DAY) == (datetime.date(2026, 11, 30), datetime.date(2027, 1, 3))


def test_calendar_page_golden(sample: Output) -> None:
    check_file(GOLDEN / "calendar-2026-12-01.md", sample.pages[PAGE_PATH].markdown)
    assert sample.pages[PAGE_PATH].index


def test_calendar_in_indonesian() -> None:
    page = generate(REPO, diagrams=False, today=DAY, language="id").pages[PAGE_PATH].markdown
    assert "# Kalender konten" in page and "Sen 30 November" in page and "Waktu dalam zona Asia/Jakarta." in page


def test_no_day_no_calendar() -> None:
    assert PAGE_PATH not in generate(REPO, diagrams=False).pages


def test_calendar_html_survives_the_sanitizer(sample: Output) -> None:
    import markdown

    text = sample.pages[PAGE_PATH].markdown.split("---\n", 2)[2]
    html = markdown.markdown(text, extensions=["tables", "toc", "admonition"])
    assert sanitize_html(html) == sanitize_html(sanitize_html(html))
    cleaned = sanitize_html(html)
    for kept in ('<table class="playbook-calendar__table" aria-label="This week', '<th scope="row">',
                 '<div class="playbook-calendar playbook-calendar--narrow">',
                 '<span class="playbook-post__time">19:00</span> <a href="../themes/brew-at-home.md">Brew at home</a>'):
        assert kept in cleaned, kept


def test_yaml_text_in_the_calendar_is_escaped(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "p")
    theme = project / "playbook/themes/weekly-deals.yml"
    text = theme.read_text(encoding="utf-8")
    theme.write_text(text.replace("title: ", 'title: "<script>alert(1)</script> & <b>deals</b>" #', 1), encoding="utf-8")
    page = generate(project, diagrams=False, today=DAY).pages[PAGE_PATH].markdown
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;deals&lt;/b&gt;" in page


def test_a_channel_over_its_limit_is_marked(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "p")
    channel = project / "playbook/channels/instagram-brand.yml"
    channel.write_text(channel.read_text(encoding="utf-8").replace("max_posts_per_day: 4", "max_posts_per_day: 1"),
                       encoding="utf-8")
    out = generate(project, diagrams=False, today=DAY)
    warnings = [p for p in out.result.warnings if p.rule == "posts-per-day"]
    assert [str(p) for p in warnings] == [
        "playbook/channels/instagram-brand.yml:27:20: warning: the themes' cadences put up to 4 posts a day on this "
        "channel (Mondays: brew-at-home, city-launch-countdown, community-spotlight, new-release), more than its "
        "max_posts_per_day of 1 [posts-per-day]"
    ]
    page = out.pages[PAGE_PATH].markdown
    assert '!!! warning "Too many posts on some days"' in page
    assert '<strong class="playbook-over">over this channel&#x27;s limit of 1 a day</strong>' in page
    assert busiest_days(out.result.playbook)["instagram-brand"][0] == 4


# --- playbook calendar: ICS, CSV, Markdown ------------------------------------------------------


def _calendar(project: Path, *args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from generator.cli import main

    done = CliRunner().invoke(main, ["calendar", "-f", str(project / "mkdocs.yml"), *args])
    # the bytes as written: Result.stdout would turn CRLF into LF
    return done.exit_code, done.stdout_bytes.decode("utf-8"), done.stderr


FOUR_WEEKS = ("--from", "2026-12-01", "--weeks", "4", "--today", "2026-11-30")


@pytest.mark.parametrize("fmt, suffix", [("ics", "ics"), ("csv", "csv"), ("md", "md")])
def test_calendar_exports_golden(fmt: str, suffix: str) -> None:
    code, out, err = _calendar(REPO, *FOUR_WEEKS, "--format", fmt)
    assert code == 0, err
    if fmt in ("ics", "csv"):  # both end every line with CRLF (RFC 5545, RFC 4180)
        assert out.count("\r\n") == out.count("\n") > 10
    check_file(GOLDEN / f"plan-2026-12-01-4w.{suffix}", out.replace("\r\n", "\n"))


def test_ics_parses_back_and_places_the_same_posts(sample: Output) -> None:
    import icalendar
    from dateutil.rrule import rrulestr

    text = _calendar(REPO, *FOUR_WEEKS, "--format", "ics")[1]
    assert text == _calendar(REPO, *FOUR_WEEKS, "--format", "ics")[1]  # stable: same day, same file
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Jakarta"
    events = list(calendar.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    placed = set()
    for event in events:
        start = event.decoded("DTSTART")
        assert getattr(start.tzinfo, "key", str(start.tzinfo)) == "Asia/Jakarta"
        rule = event["RRULE"].to_ical().decode()
        summary = str(event["SUMMARY"])
        for moment in rrulestr(rule, dtstart=start):
            placed.add((moment.date(), moment.strftime("%H:%M"), summary))
    playbook = sample.result.playbook
    expected = {
        (p.day, p.time, f"{p.theme.label} · {playbook.channels[p.channel].label}")
        for p in posts_between(playbook, datetime.date(2026, 12, 1), datetime.date(2026, 12, 28))
    }
    assert placed == expected


def test_ics_uids_do_not_depend_on_the_range() -> None:
    import icalendar

    one = icalendar.Calendar.from_ical(_calendar(REPO, "--from", "2026-12-01", "--weeks", "1", "--format", "ics")[1])
    two = icalendar.Calendar.from_ical(_calendar(REPO, "--from", "2027-03-01", "--weeks", "8", "--format", "ics")[1])
    assert {str(e["UID"]) for e in one.walk("VEVENT")} <= {str(e["UID"]) for e in two.walk("VEVENT")} | {
        str(e["UID"]) for e in one.walk("VEVENT") if "countdown" in str(e["UID"]) or "new-release" in str(e["UID"])
    }


def test_ics_text_is_escaped_and_folded(tmp_path: Path) -> None:
    import icalendar

    project = copy_project(REPO, tmp_path / "p")
    theme = project / "playbook/themes/weekly-deals.yml"
    title = "Deals; today, tomorrow\\\\ and a very long title that must be folded at seventy-five octets ☕"
    theme.write_text(theme.read_text(encoding="utf-8").replace("title: ", f'title: "{title}" #', 1), encoding="utf-8")
    text = _calendar(project, *FOUR_WEEKS, "--format", "ics")[1]
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    summaries = {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    assert any(s.startswith("Deals; today, tomorrow\\ and a very long title") for s in summaries)


def test_csv_has_the_content_plan_columns_and_no_formulas(tmp_path: Path) -> None:
    import csv
    import io

    project = copy_project(REPO, tmp_path / "p")
    theme = project / "playbook/themes/weekly-deals.yml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("title: ", 'title: "=HYPERLINK(1)" #', 1),
                     encoding="utf-8")
    rows = list(csv.reader(io.StringIO(_calendar(project, *FOUR_WEEKS, "--format", "csv")[1])))
    assert rows[0] == ["date", "channel", "theme", "owner", "format", "caption idea", "visual", "hashtags", "source",
                       "status"]
    assert ["2026-12-03 12:00", "Kopi Nusantara on TikTok", "'=HYPERLINK(1)", "Online Shop Manager", "short video",
            "", "", "#KamisKopi #PromoKopiNusantara", "", "planned"] in rows
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    indonesian = _calendar(project, *FOUR_WEEKS, "--format", "csv", "--language", "id")[1]
    assert indonesian.startswith("tanggal,kanal,tema,pemilik,format,ide caption,visual,hashtag,sumber,status\r\n")


def test_calendar_command_says_what_is_wrong(tmp_path: Path) -> None:
    assert _calendar(REPO, "--from", "1 Dec")[0] == 2
    assert _calendar(REPO, "--weeks", "0")[0] == 2
    assert _calendar(REPO, "--format", "pdf")[0] == 2
    project = copy_project(REPO, tmp_path / "p")
    (project / "org/roles/ceo.yml").write_text("title: [\n", encoding="utf-8")
    code, out, err = _calendar(project, *FOUR_WEEKS)
    assert code == 1 and out == "" and "[syntax]" in err


def test_the_site_offers_the_calendar_file(sample: Output) -> None:
    import icalendar

    assert "[Subscribe to the calendar](playbook.ics)" in sample.pages[PAGE_PATH].markdown
    text = sample.files["calendar/playbook.ics"]
    events = list(icalendar.Calendar.from_ical(text).walk("VEVENT"))
    assert events and all("UNTIL" not in e["RRULE"] for e in events if "countdown" not in str(e["UID"])
                          and "new-release" not in str(e["UID"]))


def test_ics_time_zone_with_summer_time(tmp_path: Path) -> None:
    """Europe/Amsterdam moves its clocks on 28 March 2027 at 02:00 (01:00 UTC): the VTIMEZONE
    says so, and a 19:00 slot stays at 19:00 local time on both sides (18:00 UTC, then 17:00)."""
    import icalendar

    project = copy_project(REPO, tmp_path / "p")
    organization = project / "org/organization.yml"
    organization.write_text(organization.read_text(encoding="utf-8").replace("Asia/Jakarta", "Europe/Amsterdam"),
                            encoding="utf-8")
    text = _calendar(project, "--from", "2027-03-22", "--weeks", "2", "--format", "ics", "--today", "2027-03-20")[1]
    calendar = icalendar.Calendar.from_ical(text)
    assert len(list(calendar.walk("VTIMEZONE"))) == 1
    assert "BEGIN:STANDARD\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n" in text
    brew = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == "brew-at-home-1-instagram-brand-1900@playbook")
    start = brew.decoded("DTSTART")
    assert start.isoformat() == "2027-03-22T19:00:00+01:00"
    from dateutil.rrule import rrulestr

    times = [m.astimezone(datetime.timezone.utc).strftime("%d %H:%M")
             for m in rrulestr(brew["RRULE"].to_ical().decode(), dtstart=start)]
    assert times == ["22 18:00", "25 18:00", "29 17:00", "01 17:00"]
