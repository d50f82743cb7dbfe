"""Incremental generation (generator/incremental.py): after any sequence of edits, a run that
makes again only what the edit touched gives what a clean run gives, page for page and
figure for figure, in the same process (serve) and in a new one reading the cache folder
(build); and an edit makes again what it must and no more.

`make test` runs a short sequence; a longer run:
`PLAYBOOK_GENERATE_EXAMPLES=30 PLAYBOOK_GENERATE_EDITS=8 .venv/bin/python -m pytest tests/test_incremental.py`.
"""

from __future__ import annotations

import datetime
import itertools
import os
import zlib
from pathlib import Path

import jinja2
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import incremental, refactor
from generator.cache import Cache
from generator.errors import PlaybookError
from generator.facts import Facts
from generator.model import Playbook
from generator.review import reviews
from generator.site import Output, generate

from .conftest import REPO, copy_project

EXAMPLES = int(os.environ.get("PLAYBOOK_GENERATE_EXAMPLES", "3"))
EDITS = int(os.environ.get("PLAYBOOK_GENERATE_EDITS", "5"))
TODAY = datetime.date(2026, 12, 1)
_CLOCK = itertools.count(1_900_000_000_000_000_000, 1_000_000_000)
"""Modification times for edited files: one new second per write, so a quick edit of the same
size is never mistaken for no edit (that is the YAML stamp's business, not what is tested here)."""


def run(root: Path, cache: Cache | None, svgs: Path) -> Output:
    return generate(root, cache=cache, cache_dir=svgs, today=TODAY, changed={})


def assert_same(made: Output, clean: Output, after: object) -> None:
    assert not clean.result.errors
    assert made.pages.keys() == clean.pages.keys(), after
    differ = [path for path in clean.pages if made.pages[path] != clean.pages[path]]
    assert not differ, f"after {after}: pages {differ[:5]} differ from a clean run"
    assert made.svgs == clean.svgs, after
    assert made.figures == clean.figures, after
    assert made.downloads == clean.downloads and made.notes == clean.notes, after
    assert made.files == clean.files, after


def files_of(root: Path) -> dict[Path, bytes]:
    """The YAML an edit may write: the playbook's, and the redirects a rename adds."""
    found = {p: p.read_bytes() for top in ("org", "playbook") for p in sorted((root / top).rglob("*.yml"))}
    if (root / "redirects.yml").is_file():
        found[root / "redirects.yml"] = (root / "redirects.yml").read_bytes()
    return found


def restamp(root: Path, before: dict[Path, bytes]) -> None:
    """Give every file an edit wrote or added a new modification time."""
    for path, data in files_of(root).items():
        if before.get(path) != data:
            stamp = next(_CLOCK)
            os.utime(path, ns=(stamp, stamp))


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def entity_files(root: Path) -> list[Path]:
    return [p for top in ("org", "playbook") for p in sorted((root / top).rglob("*.yml")) if p.name != "organization.yml"]


def edit(root: Path, kind: str, pick: int, word: str) -> None:  # noqa: C901 - one branch per edit
    """One edit a lead makes; it may leave the playbook with errors (the test then undoes it)."""
    roles = sorted((root / "org" / "roles").glob("*.yml"))
    role = roles[pick % len(roles)]
    other = roles[(pick * 7 + 3) % len(roles)].stem
    if kind in {"summary", "title"}:
        path = entity_files(root)[pick % len(entity_files(root))]
        data = load(path)
        data[kind] = f"{word} {data.get(kind) or ''}".strip()
        dump(path, data)
    elif kind == "manager":
        data = load(role)
        data["reports_to"] = other
        dump(role, data)
    elif kind == "raci":
        objectives = sorted((root / "playbook" / "objectives").glob("*.yml"))
        path = objectives[pick % len(objectives)]
        data = load(path)
        letter = ("responsible", "consulted", "informed", "accountable")[pick % 4]
        if letter == "accountable":
            data["raci"]["accountable"] = other
        else:
            names = data["raci"].setdefault(letter, [])
            names.remove(names[0]) if names and pick % 3 == 0 else names.append(other)
        dump(path, data)
    elif kind == "step":
        workflows = sorted((root / "playbook" / "workflows").glob("*.yml"))
        path = workflows[pick % len(workflows)]
        data = load(path)
        step = data["steps"][pick % len(data["steps"])]
        if pick % 3 == 2 and len(data["steps"]) > 1:  # a step less: questions about it have no answer now
            data["steps"].pop()
        elif pick % 3 == 1:
            step["by"] = other
        else:
            step["action"] = f"{word}: {step['action']}"
        dump(path, data)
    elif kind == "new role":
        data = load(role)
        data["title"] = f"{word} {data['title']}"
        dump(role.parent / f"{role.stem}-{word.lower()}.yml", data)
    elif kind == "remove role":
        role.unlink()
    elif kind == "rename":
        path = entity_files(root)[pick % len(entity_files(root))]
        kind_name = {"roles": "role", "departments": "department", "objectives": "objective", "themes": "theme",
                     "channels": "channel", "metrics": "metric", "workflows": "workflow"}[path.parent.name]
        try:
            refactor.rename(root, kind_name, path.stem, f"{path.stem}-{word.lower()}").plan.apply()
        except PlaybookError:  # the new id is taken (the same word twice): no edit
            pass


KINDS = ["summary", "title", "manager", "raci", "step", "new role", "remove role", "rename", "nothing"]
WORDS = st.sampled_from(["Senior", "Acting", "Regional", "Kepala", "Deputy"])


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 999), WORDS), min_size=EDITS, max_size=EDITS))
def test_incremental_generation_equals_a_clean_one_after_every_edit(tmp_path_factory, edits) -> None:
    work = tmp_path_factory.mktemp("generate")
    root = copy_project(REPO, work / "project")
    svgs, folder = work / "svgs", work / "cache"
    serving = Cache()  # a serve session: one cache, in memory
    serving.write_output = False
    first = Cache()  # a build with the cache folder
    first.folder = folder
    assert_same(run(root, first, svgs), run(root, None, svgs), "the first run")
    run(root, serving, svgs)
    kept = 0
    for step, (kind, pick, word) in enumerate(edits):
        before = files_of(root)
        edit(root, kind, pick, word)
        restamp(root, before)
        clean = run(root, None, svgs)
        if clean.result.errors:  # an edit the validator refuses is undone: what validates must build
            for path in set(files_of(root)) - set(before):
                path.unlink()
            for path, data in before.items():
                path.write_bytes(data)
            restamp(root, {})
            clean = run(root, None, svgs)
        building = Cache()  # a new process: what it knows comes from the folder
        building.folder = folder
        after = edits[: step + 1]
        assert_same(run(root, building, svgs), clean, after)
        assert_same(run(root, serving, svgs), clean, after)
        kept += serving.counts.pages - serving.counts.pages_made
    assert kept > 0, "no page was ever kept: nothing incremental was tested"


def sample(tmp_path: Path) -> tuple[Path, Path, Cache]:
    root = copy_project(REPO, tmp_path / "project")
    cache = Cache()
    cache.folder = tmp_path / "cache"
    run(root, cache, tmp_path / "svgs")
    return root, tmp_path / "svgs", cache


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stamp = next(_CLOCK)
    os.utime(path, ns=(stamp, stamp))


def test_a_summary_edit_makes_again_exactly_the_pages_that_show_it(tmp_path: Path) -> None:
    root, svgs, cache = sample(tmp_path)
    rewrite(root / "org/roles/care-agent.yml", "politely and quickly", "politely, quickly and in full")
    made = run(root, cache, svgs)
    # its own page, the roles index (one line per role) and its department's list of roles
    assert set(cache.counts.made) == {("role", "care-agent"), ("index", "roles"), ("department", "customer-care")}
    assert cache.counts.drawn == [] and cache.counts.figures_made == 0  # no diagram shows a summary
    assert_same(made, run(root, None, svgs), "the summary edit")


def test_a_title_edit_makes_again_every_page_and_diagram_that_names_it(tmp_path: Path) -> None:
    root, svgs, cache = sample(tmp_path)
    before = run(root, None, svgs)
    rewrite(root / "org/roles/care-agent.yml", "title: Care Agent", "title: Customer Care Agent")
    made = run(root, cache, svgs)
    clean = run(root, None, svgs)
    assert_same(made, clean, "the title edit")
    changed = [path for path in clean.pages if clean.pages[path] != before.pages[path]]
    # every changed page was made again (or it would differ from the clean run), and not every page
    assert 3 < len(changed) <= cache.counts.pages_made < cache.counts.pages / 2
    assert ("role", "care-agent") in cache.counts.drawn and ("org-chart",) in cache.counts.drawn


def test_a_new_process_with_nothing_changed_makes_nothing_again(tmp_path: Path) -> None:
    root, svgs, _cache = sample(tmp_path)
    path = root / "org/roles/care-agent.yml"
    stamp = next(_CLOCK)
    os.utime(path, ns=(stamp, stamp))  # a new stamp, the same bytes: the last output is not reused
    building = Cache()
    building.folder = tmp_path / "cache"
    made = run(root, building, svgs)
    counts = building.counts
    assert counts.pages_made == counts.diagrams_made == counts.figures_made == 0
    assert counts.pages > 50 and counts.diagrams > 40
    assert_same(made, run(root, None, svgs), "touching a file")


def test_a_damaged_state_is_a_miss_and_every_unit_is_made(tmp_path: Path) -> None:
    root, svgs, _cache = sample(tmp_path)
    [kept] = (tmp_path / "cache" / "output").glob("*.pickle")  # the last output and the state, in one file
    kept.write_bytes(b"not a pickle")
    rewrite(root / "org/roles/care-agent.yml", "politely and quickly", "kindly")
    building = Cache()
    building.folder = tmp_path / "cache"
    made = run(root, building, svgs)
    assert building.counts.pages_made == building.counts.pages
    assert_same(made, run(root, None, svgs), "a damaged state")


def test_templates_are_compiled_once_per_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, svgs, _cache = sample(tmp_path)
    assert len(list((tmp_path / "cache" / "jinja").glob("*.cache"))) > 20
    for kept in (tmp_path / "cache" / "output").glob("*.pickle"):
        kept.unlink()  # no state: every page is rendered again, from bytecode

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a template was compiled although its bytecode is in the cache folder")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    building = Cache()
    building.folder = tmp_path / "cache"
    stamp = next(_CLOCK)
    os.utime(root / "org/roles/care-agent.yml", ns=(stamp, stamp))
    made = run(root, building, svgs)
    assert building.counts.pages_made == building.counts.pages
    monkeypatch.undo()
    assert_same(made, run(root, None, svgs), "pages from bytecode")


def test_a_question_without_an_answer_now_makes_its_unit_again(tmp_path: Path) -> None:
    """A diagram asked the workflow which steps its last step waits for; once that step is
    gone, asking again raises: the answer has changed, and the unit is made again."""
    root, svgs, cache = sample(tmp_path)
    path = root / "playbook/workflows/weekly-analytics-report.yml"
    data = load(path)
    data["steps"].pop()
    dump(path, data)
    stamp = next(_CLOCK)
    os.utime(path, ns=(stamp, stamp))
    clean = run(root, None, svgs)
    assert not clean.result.errors
    made = run(root, cache, svgs)
    assert ("workflow", "weekly-analytics-report") in cache.counts.drawn
    assert_same(made, clean, "a step removed")


def test_a_unit_cannot_read_what_is_not_tracked() -> None:
    reads = incremental.Reads()
    view = incremental.TrackedPlaybook(Playbook(), reads)
    with pytest.raises(TypeError, match="without tracking it"):
        reads.wrap(object())
    with pytest.raises(AttributeError):
        view.no_such_relation  # noqa: B018 - the read is the test
    reads.current = set()
    assert view.roles.get("x") is None and len(view.departments) == 0
    assert reads.current == {("playbook.roles", "item", "x"), ("playbook.departments", "len", None)}


def _other(value: object) -> object:
    """Another value of the same shape: what an edit of a prose field may leave."""
    if isinstance(value, str):  # another order too, were it sorted by
        return f"{zlib.crc32(value.encode()) % 89} {value}"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return [*value, "another line"]
    if value is None:
        return "a new text"
    return None  # a contact or a charter: taken away


def test_prose_is_read_by_no_relation_and_no_review(tmp_path: Path) -> None:
    """`incremental.PROSE` lets a run skip every `facts.*` and `reviews` read when only prose
    changed: with every prose field of every entity changed, each such read the sample's site
    does answers as before."""
    root, _svgs, cache = sample(tmp_path)
    state = cache.generation
    before = generate(root).result.playbook
    edited = Playbook()
    for entity in before.all_entities():
        edited.add(entity.model_copy(update={name: _other(getattr(entity, name)) for name in incremental.PROSE[entity.KIND]}))
    standing = reviews(edited, TODAY, {})
    world = incremental.World(edited, Facts(edited), {"reviews": standing})
    checked = 0
    for table in ("pages", "diagrams"):
        for group, reads in state.groups[table].items():
            if group.startswith("facts.") or group == "reviews":
                for read in reads:
                    assert world.current(read) == state.prints[table][read], read
                    checked += 1
    assert checked > 500
    assert any(getattr(e, "summary", None) != getattr(edited.entity(e.id), "summary", None) for e in before.roles.values())


def test_the_kept_fingerprints_cover_every_read_and_few_more(tmp_path: Path) -> None:
    """A run carries the last fingerprints over and adds the reads of the units it made
    (`incremental.carried`); reads no unit does any more are left until they could be a
    quarter of all, then gathered again."""
    root, svgs, cache = sample(tmp_path)
    for n, word in enumerate(["Senior", "Acting", "Regional", "Deputy", "Kepala", "Chief"]):
        path = root / "org/roles/care-agent.yml"
        data = load(path)
        data["title"] = f"{word} Care Agent"
        data["reports_to"] = ["head-of-customer-care", "ceo"][n % 2]
        dump(path, data)
        restamp(root, {})
        made = run(root, cache, svgs)
        state = cache.generation
        for table in ("pages", "diagrams"):
            done = {read for m in getattr(state, table).values() for read in m.reads}
            assert done <= state.prints[table].keys()
            assert len(state.prints[table]) <= len(done) * 1.25 + 1
            grouped = [read for reads in state.groups[table].values() for read in reads]
            assert len(grouped) == len(set(grouped)) and set(grouped) == state.prints[table].keys()
    assert_same(made, run(root, None, svgs), "six edits")


def test_the_calendar_is_made_again_on_a_new_day_and_only_then(tmp_path: Path) -> None:
    """The calendar page and file are units of their day: kept after an edit that does not
    touch the themes, made again the next week (with the review standings a week changes),
    as a clean run makes them."""
    root, svgs, cache = sample(tmp_path)
    rewrite(root / "org/roles/care-agent.yml", "politely and quickly", "politely, quickly and in full")
    run(root, cache, svgs)
    assert not any(unit[0] == "calendar" for unit in cache.counts.made)
    later = TODAY + datetime.timedelta(days=7)
    made = generate(root, cache=cache, cache_dir=svgs, today=later, changed={})
    # and the pages whose review standing a week changes ("may be out of date"), no more
    assert ("calendar", later.isoformat()) in cache.counts.made and cache.counts.pages_made < 10
    clean = generate(root, cache=None, cache_dir=svgs, today=later, changed={})
    assert_same(made, clean, "a week later")
    assert made.downloads == clean.downloads and made.downloads["calendar/playbook.ics"]
