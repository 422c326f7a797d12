"""opendata.validation: the offline check every package passes before it is written. A valid package
passes; a fault in any project (not only the first, which the package schema sees) is named with
its path; repeated project ids are refused; codes outside their codelist are named."""

import copy

import pytest

from opendata.validation import codelist_errors, package_errors, schema_errors

PROJECT = {
    "id": "oc4ids-kp2015-1",
    "title": "上徐机械加工工业园",
    "status": "implementation",
    "sector": ["economy"],
    "updated": "2015-10-20T08:00:00+08:00",
    "budget": {"amount": {"amount": 123456700, "currency": "CNY"}},
    "additionalClassifications": [{"scheme": "kp-level", "id": "city", "description": "市重点"}],
}


@pytest.fixture
def package():
    projects = []
    for number in range(1, 6):
        project = copy.deepcopy(PROJECT)
        project["id"] = f"oc4ids-kp2015-{number}"
        projects.append(project)
    return {
        "uri": "urn:oc4ids-kp2015:package:oc4ids-2015",
        "publishedDate": "2015-10-20T08:00:00+08:00",
        "publisher": {"name": "河南省平顶山市卫东区项目办"},
        "version": "0.9",
        "projects": projects,
    }


def test_a_valid_package_passes(package):
    assert package_errors(package) == []


def test_a_fault_in_a_later_project_is_named_with_its_path(package):
    package["projects"][3]["status"] = "在建"
    package["projects"][4]["updated"] = "2015-10-20"
    errors = schema_errors(package)
    assert len(errors) == 2
    assert errors[0].startswith("projects/3/status: '在建' is not one of")
    assert errors[1].startswith("projects/4/updated: '2015-10-20' is not a 'date-time'")


def test_package_fields_are_checked(package):
    del package["publisher"]
    package["version"] = "0.9.5"
    errors = schema_errors(package)
    assert any(error.startswith("(package): 'publisher' is a required property") for error in errors)
    assert any(error.startswith("version: '0.9.5' does not match") for error in errors)


def test_repeated_project_ids_are_refused(package):
    package["projects"][2]["id"] = package["projects"][1]["id"]
    package["projects"][2]["title"] = "另一个项目"
    assert schema_errors(package) == [
        "projects: 项目 id 重复（oc4ids-kp2015-2），OC4IDS 要求同一项目包中的项目 id 各不相同"
    ]


def test_codes_outside_their_codelist_are_named_even_in_open_codelists(package):
    package["projects"][1]["sector"] = ["industry"]  # our word, not OC4IDS's (projectSector is open)
    package["projects"][2]["additionalClassifications"][0]["scheme"] = "kp-unknown"
    assert schema_errors(package) == []  # the schema allows any string there
    assert codelist_errors(package) == [
        "projects/1/sector: 「industry」不在代码表 projectSector.csv 中",
        "projects/2/additionalClassifications/0/scheme: 「kp-unknown」不在代码表 classificationScheme.csv 中",
    ]
