"""A package checked against the OC4IDS 0.9.5 schema and codelists shipped in opendata/schema/, with no
network: the package schema names the project schema by its published URL, which is served here from
the local copy. The official validator (lib-cove-oc4ids) downloads the schema and cannot run offline."""

import csv
import json
from collections import Counter
from functools import cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from opendata.mapping import LOCAL_SCHEMES

SCHEMA_DIR = Path(__file__).resolve().parent / "schema" / "0.9.5"
PACKAGE_SCHEMA = SCHEMA_DIR / "project-package-schema.json"
PROJECT_SCHEMA = SCHEMA_DIR / "project-schema.json"
CODELISTS = SCHEMA_DIR / "codelists"


@cache
def _schemas():
    package = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    project = json.loads(PROJECT_SCHEMA.read_text(encoding="utf-8"))
    return package, project


@cache
def _registry():
    _, project = _schemas()
    return Registry().with_resource(project["id"], Resource(contents=project, specification=DRAFT4))


@cache
def validator():
    """The package schema's validator (Draft 4, formats checked)."""
    package, _ = _schemas()
    return Draft4Validator(package, registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER)


@cache
def codelist(name):
    """The codes of codelist ``name`` (e.g. "projectSector.csv")."""
    with (CODELISTS / name).open(encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


@cache
def _fast_project_check():
    """The project schema compiled to Python code (fastjsonschema): it passes a valid project about
    five times faster than jsonschema walks it. It only says yes or no; jsonschema says what is wrong."""
    _, project = _schemas()

    def offline(uri):  # the project schema names itself by its published URL: never fetch it
        if uri.split("#")[0] != project["id"]:
            raise ValueError(f"No schema is available offline for {uri}")
        return project

    return fastjsonschema.compile(project, handlers={"https": offline, "http": offline})


def _lines(errors, index=None):
    """Errors as "path: message" lines; ``index`` the project's place when a package holding only it
    was checked (its path says projects/0)."""
    errors = sorted(errors, key=lambda error: list(error.absolute_path))
    paths = []
    for error in errors:
        path = list(error.absolute_path)
        if index is not None and path[:2] == ["projects", 0]:
            path[1] = index
        paths.append("/".join(map(str, path)) or "(package)")
    return [f"{path}: {error.message}" for path, error in zip(paths, errors, strict=True)]


def _resolve(node):
    package, project = _schemas()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        document, _, pointer = ref.partition("#")
        target = project if (document == project["id"] or not document) else package
        node = target
        for part in filter(None, pointer.split("/")):
            node = node[part]
    return node


def _codes_used(instance, schema, path):
    """(path, codelist, value) for every value of ``instance`` that the schema ties to a codelist."""
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return
    if "codelist" in schema and instance is not None:
        values = instance if isinstance(instance, list) else [instance]
        for value in values:
            yield path, schema["codelist"], value
    if isinstance(instance, dict):
        for key, value in instance.items():
            if key in schema.get("properties", {}):
                yield from _codes_used(value, schema["properties"][key], f"{path}/{key}")
    elif isinstance(instance, list) and "items" in schema and "codelist" not in schema:
        for index, value in enumerate(instance):
            yield from _codes_used(value, schema["items"], f"{path}/{index}")


def _code_errors(instance, schema, path):
    errors = []
    for where, name, value in _codes_used(instance, schema, path):
        if name == "classificationScheme.csv" and value in LOCAL_SCHEMES:
            continue  # our own schemes: the open codelist allows them
        if value not in codelist(name):
            errors.append(f"{where.lstrip('/')}: 「{value}」不在代码表 {name} 中")
    return errors


class PackageCheck:
    """The check of a package given as its frame (every field but ``projects``) and then its projects
    one at a time, so that a province's package is checked while it is written, never held whole.

    The verdict is the schema's: the frame is checked with the first project by jsonschema, each
    further project by the compiled check (and only when that fails by jsonschema, for the
    messages), and the projects' uniqueness — which the package schema asks for and both libraries
    check by comparing every project with every other (2,000 projects: 15 s) — by their ids, which
    OC4IDS requires to be unique anyway (distinct ids make distinct items). Codelist values are
    checked as well, open codelists included, but for mapping.LOCAL_SCHEMES."""

    def __init__(self, frame):
        self.frame = {key: value for key, value in frame.items() if key != "projects"}
        self.schema, self.codes, self.ids, self.count = [], [], Counter(), 0

    def add(self, project):
        index, self.count = self.count, self.count + 1
        if index == 0:
            self.schema += _lines(validator().iter_errors({**self.frame, "projects": [project]}))
        else:
            try:
                _fast_project_check()(project)
            except fastjsonschema.JsonSchemaException:
                self.schema += _lines(validator().iter_errors({**self.frame, "projects": [project]}), index)
        package_schema, _ = _schemas()
        self.codes += _code_errors(project, package_schema["properties"]["projects"]["items"], f"/projects/{index}")
        self.ids[project.get("id") if isinstance(project, dict) else None] += 1

    def finish(self):
        """The faults found, schema's then codelists' (empty when the package is valid)."""
        if self.count == 0:
            self.schema += _lines(validator().iter_errors({**self.frame, "projects": []}))
        if repeated := [str(key) for key, count in self.ids.items() if count > 1]:
            self.schema.append(
                f"projects: 项目 id 重复（{'、'.join(repeated[:5])}），OC4IDS 要求同一项目包中的项目 id 各不相同"
            )
        package_schema, _ = _schemas()
        self.codes = _code_errors(self.frame, package_schema, "") + self.codes
        return self.schema + self.codes

    @classmethod
    def of(cls, package):
        check = cls(package)
        projects = package.get("projects")
        if not isinstance(projects, list):
            check.schema += _lines(validator().iter_errors(package))
            return check
        for project in projects:
            check.add(project)
        check.finish()
        return check


def schema_errors(package):
    """Where a whole ``package`` breaks the schema, as "path: message" lines (empty when valid)."""
    return PackageCheck.of(package).schema


def codelist_errors(package):
    """Codelist values of a whole ``package`` that are not in their codelist."""
    return PackageCheck.of(package).codes


def package_errors(package):
    check = PackageCheck.of(package)
    return check.schema + check.codes
