"""The model's declarations: the kind registry, reference fields, ids from files, wordings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from generator import diff, starters
from generator.cli import main, new_command
from generator.labels import LANGUAGES
from generator.load import KIND_OF_FOLDER, Sources, _Error, load
from generator.model import (
    ENTITY_TYPES,
    FILE_KINDS,
    KIND,
    KIND_ORDER,
    KINDS,
    PLURALS,
    Department,
    Organization,
    Playbook,
    Role,
    Wording,
    reference_fields,
    wordings,
)
from generator.rules import REFERENCE_FIELDS
from generator.schema import schema_files

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "generator" / "labels"


def role(eid: str = "care-manager", **data: object) -> Role:
    fields = {"title": "Care Manager", "summary": "s", "department": "care", "responsibilities": ["x"]}
    return Role.from_data({**fields, **data}, id=eid, path=f"org/roles/{eid}.yml")


# -- the registry ----------------------------------------------------------------------------


def test_one_order_everywhere() -> None:
    assert KIND_ORDER == tuple(k.name for k in KINDS)
    assert KIND_ORDER[0] == "organization" and FILE_KINDS == KIND_ORDER[1:]
    assert tuple(ENTITY_TYPES) == tuple(PLURALS) == KIND_ORDER
    assert tuple(KIND_OF_FOLDER.values()) == FILE_KINDS
    assert diff.KINDS == FILE_KINDS
    assert [s for s in diff.SECTIONS if s in KIND] == list(KIND_ORDER)
    assert starters.KINDS == FILE_KINDS
    kind_argument = next(p for p in new_command.params if p.name == "kind")
    assert tuple(kind_argument.type.choices) == FILE_KINDS  # type: ignore[attr-defined]


def test_each_kind_is_declared_once_and_consistently() -> None:
    assert len({k.folder for k in KINDS}) == len({k.plural for k in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert kind.model.KIND == kind.name
        assert kind.folder.startswith(("org", "playbook"))
        assert f"{kind.name}.schema.json" in schema_files()
        assert kind.references == REFERENCE_FIELDS[kind.name]
        assert kind.name in ("organization", *starters._STARTERS)
        assert hasattr(Playbook(), kind.plural)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_and_reference_field_has_its_labels(language: str) -> None:
    labels = yaml.safe_load((LABELS / f"{language}.yml").read_text(encoding="utf-8"))
    for kind in KINDS:
        assert kind.label in labels, kind.label
        if kind.name != "organization":
            assert f"{kind.plural}_title" in labels and f"{kind.plural}_about" in labels, kind.name
    for kind in KINDS:  # "Referenced by" names the field an id is written in
        for path, _kinds in kind.references:
            if path[0] not in ("steps", "kpis", "raci"):
                assert f"field_{path[0]}" in labels, (kind.name, path)


def test_reference_fields_are_read_from_the_field_types() -> None:
    assert reference_fields(Role) == (
        (("department",), ("department",)),
        (("reports_to",), ("role",)),
        (("kpis", "*", "metric"), ("metric",)),
    )
    assert (("steps", "*", "by"), ("role", "department")) in REFERENCE_FIELDS["workflow"]
    assert REFERENCE_FIELDS["metric"] == ()


# -- the playbook ----------------------------------------------------------------------------


def test_playbook_keeps_entities_by_kind() -> None:
    playbook = Playbook()
    playbook.add(Organization.from_data({"name": "Org"}, id="organization"))
    playbook.add(Department.from_data({"title": "Care", "summary": "s"}, id="care"))
    playbook.add(role())
    assert playbook.of_kind("role") == {"care-manager": playbook.roles["care-manager"]}
    assert playbook.of_kind("organization") == {"organization": playbook.organization}
    assert playbook.kind_of("care") == "department" and playbook.entity("nobody") is None
    assert [e.id for e in playbook.all_entities()] == ["organization", "care", "care-manager"]


def test_load_returns_the_files_beside_the_playbook(tmp_path: Path) -> None:
    (tmp_path / "org" / "roles").mkdir(parents=True)
    (tmp_path / "org" / "organization.yml").write_text("name: Org\n")
    (tmp_path / "org" / "roles" / "broken.yml").write_text("title: [\n")
    playbook, sources, _problems = load(tmp_path)
    assert isinstance(sources, Sources) and sources.root == tmp_path
    assert sources.files == ["org/organization.yml", "org/roles/broken.yml"]
    assert sources.unloaded == {"broken": "role"}
    assert playbook.organization is not None and playbook.organization.path == "org/organization.yml"
    assert sources.locate(playbook.organization, ("name",)).line == 1


# -- id and path come from the file ------------------------------------------------------------


def test_id_and_path_are_fields_given_by_the_loader() -> None:
    entity = role()
    assert (entity.id, entity.path) == ("care-manager", "org/roles/care-manager.yml")
    assert "id" not in entity.model_dump() and "path" not in entity.model_dump()
    assert entity != role("other-manager")  # identity is part of the value
    schema = Role.model_json_schema()
    assert "id" not in schema["properties"] and "path" not in schema["properties"]
    assert Role.model_validate(entity.model_dump()).id == ""  # no context, no id


@pytest.mark.parametrize("key", ["id", "path"])
def test_id_or_path_written_in_yaml_is_an_unknown_key(key: str) -> None:
    with pytest.raises(ValidationError) as caught:
        role(**{key: "somewhere"})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("extra_forbidden", (key,))]


def test_an_id_key_in_a_file_is_reported_like_any_unknown_key(tmp_path: Path) -> None:
    (tmp_path / "org" / "departments").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "org" / "organization.yml").write_text("name: Org\n")
    (tmp_path / "org" / "departments" / "care.yml").write_text("title: Care\nsummary: s\nid: care\nshare: -5\n")
    result = CliRunner().invoke(main, ["validate", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.stdout.splitlines() == [
        "org/departments/care.yml:3:1: error: unknown key 'id' [unknown-key]",
        "org/departments/care.yml:4:8: error: share -5 is not a percentage between 0 and 100 [percent]",
    ]


# -- wordings ----------------------------------------------------------------------------------


def test_wordings_are_found_where_the_fields_declare_them() -> None:
    assert [w.rule for w in wordings(Role, ("reports_to",))] == ["id"]
    assert [w.rule for w in wordings(ENTITY_TYPES["channel"], ("operators", "*"))] == ["id"]
    assert [w.rule for w in wordings(ENTITY_TYPES["objective"], ("raci", "accountable"))] == ["id", "raci"]
    assert [w.rule for w in wordings(Department, ("share",))] == ["percent"]
    assert wordings(Role, ("headcount",)) == ()
    error = _Error("int_type", ("share",), "x", {}, "", Department)
    assert error.wording("expected") == Wording(
        "percent",
        invalid="{key} {value} is not a percentage between 0 and 100",
        expected="a percentage between 0 and 100",
    )
