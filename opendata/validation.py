"""A package checked against the OC4IDS 0.9.5 schema and codelists shipped in opendata/schema/, with no
network: the package schema names the project schema by its published URL, which is served here from
the local copy. The official validator (lib-cove-oc4ids) downloads the schema and cannot run offline."""

import csv
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema" / "0.9.5"
PACKAGE_SCHEMA = SCHEMA_DIR / "project-package-schema.json"
PROJECT_SCHEMA = SCHEMA_DIR / "project-schema.json"
CODELISTS = SCHEMA_DIR / "codelists"
LOCAL_SCHEME_PREFIX = "kp-"  # our own classification schemes (opendata.mapping.LOCAL_SCHEMES)


@cache
def _schemas():
    package = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    project = json.loads(PROJECT_SCHEMA.read_text(encoding="utf-8"))
    return package, project


@cache
def validator():
    package, project = _schemas()
    registry = Registry().with_resource(project["id"], Resource(contents=project, specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


@cache
def codelist(name):
    """The codes of codelist ``name`` (e.g. "projectSector.csv")."""
    with (CODELISTS / name).open(encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def schema_errors(package):
    """Where ``package`` breaks the schema, as "path: message" lines (empty when valid)."""
    errors = sorted(validator().iter_errors(package), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(package)'}: {error.message}" for error in errors]


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


def codelist_errors(package):
    """Codelist values of ``package`` that are not in their codelist, closed or open, but for our
    own classification schemes ("kp-…", which the open classificationScheme codelist allows)."""
    package_schema, _ = _schemas()
    errors = []
    for path, name, value in _codes_used(package, package_schema, ""):
        if name == "classificationScheme.csv" and str(value).startswith(LOCAL_SCHEME_PREFIX):
            continue
        if value not in codelist(name):
            errors.append(f"{path.lstrip('/')}: 「{value}」不在代码表 {name} 中")
    return errors


def package_errors(package):
    return schema_errors(package) + codelist_errors(package)
