"""Property tests for the loader: valid projects load intact; any text fails politely."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load
from generator.project import validate
from generator.yamlread import read_text

ids = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
# any printable text YAML can carry, including markup, quotes, emoji and Indonesian
text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\u2028\u2029\x85"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and re.search(r"[^\s`]", s) is not None)  # text must show something


@st.composite
def projects(draw: st.DrawFn) -> dict[str, dict]:
    """A valid organization: departments, roles reporting in a tree, one metric."""
    names = draw(st.lists(ids, min_size=3, max_size=12, unique=True))
    dept_ids, role_ids = names[:1] + names[1 : len(names) // 3], names[len(names) // 3 :]
    dept_ids = [d for d in dept_ids if d not in role_ids]
    files: dict[str, dict] = {"org/organization.yml": {"name": draw(text)}}
    for index, dept in enumerate(dept_ids):
        data = {"title": draw(text), "summary": draw(text)}
        if index:
            data["parent"] = dept_ids[draw(st.integers(0, index - 1))]
        files[f"org/departments/{dept}.yml"] = data
    for index, role in enumerate(role_ids):
        data = {
            "title": draw(text),
            "summary": draw(text),
            "department": draw(st.sampled_from(dept_ids)),
            "responsibilities": draw(st.lists(text, min_size=1, max_size=3)),
            "headcount": draw(st.integers(0, 50)),
            "skills": draw(st.lists(text, max_size=3)),
        }
        if index:
            data["reports_to"] = role_ids[draw(st.integers(0, index - 1))]
        files[f"org/roles/{role}.yml"] = data
    return files


def line_count(source: str) -> int:
    """Lines as YAML counts them: \r\n, \r and \n all end a line."""
    return len(re.split("\r\n|\r|\n", source))


def write(root: Path, files: dict[str, object]) -> None:
    (root / "mkdocs.yml").write_text("site_name: x\n")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=projects())
def test_valid_projects_load_intact(tmp_path_factory, files: dict[str, dict]) -> None:
    root = tmp_path_factory.mktemp("project")
    write(root, files)
    result = validate(root)
    assert result.errors == []
    playbook = result.playbook
    assert playbook.organization is not None
    assert playbook.organization.name == files["org/organization.yml"]["name"]
    for rel, data in files.items():
        if rel.startswith("org/roles/"):
            role = playbook.roles[Path(rel).stem]
            assert role.model_dump(exclude_defaults=True) == {
                k: v for k, v in data.items() if not (k == "headcount" and v == 1) and v != []
            }
        elif rel.startswith("org/departments/"):
            department = playbook.departments[Path(rel).stem]
            assert department.model_dump(exclude_none=True) == data


yaml_ish = st.text(
    alphabet=st.sampled_from(list(string.printable) + ["é", "ñ", "😀", "\u00a0", "&", "*", "!"]),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(source=yaml_ish)
def test_any_text_fails_only_with_located_problems(source: str) -> None:
    document, problems = read_text(source, "x.yml")
    lines = line_count(source)
    for problem in problems:
        assert problem.location.path == "x.yml"
        assert 1 <= problem.location.line <= lines
        assert problem.location.column >= 1
    assert (document is None) == any(p.severity == "error" for p in problems)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=yaml_ish, kind=st.sampled_from(["org/roles/r.yml", "playbook/objectives/o.yml", "org/organization.yml"]))
def test_any_text_as_an_entity_never_raises(tmp_path_factory, source: str, kind: str) -> None:
    root = tmp_path_factory.mktemp("any")
    (root / "mkdocs.yml").write_text("site_name: x\n")
    (root / kind).parent.mkdir(parents=True, exist_ok=True)
    (root / kind).write_text(source, encoding="utf-8")
    _playbook, _sources, problems = load(root)  # must not raise
    lines = line_count(source)
    for problem in problems.items:
        if problem.location.path == kind:
            assert 1 <= problem.location.line <= lines, problem
    result = validate(root)
    assert all(p.location.line >= 1 for p in result.problems)


@settings(max_examples=100, deadline=None)
@given(data=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
))
def test_dumped_data_reads_back_equal(data: object) -> None:
    source = yaml.safe_dump({"value": data}, allow_unicode=True)
    document, problems = read_text(source, "x.yml")
    assert [p for p in problems if p.severity == "error"] == []  # a folded line may warn
    assert document is not None and document.data == {"value": data}
