"""The OC4IDS package written as JSON (UTF-8, one line) project by project, checked as it is written
(validation.PackageCheck), so that a province's tens of thousands of projects are never held in memory
at once. The caller writes into a temporary file and keeps it only when no fault was found."""

import json

from opendata.validation import PackageCheck


class InvalidPackage(Exception):
    """The package failed the OC4IDS schema or codelists; ``errors`` says where ("path: message")."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(f"公开数据未通过 OC4IDS 校验（{len(errors)} 处），未导出：{errors[0]}")


def write_package(handle, *, frame, entries):
    """Write the package (``frame`` and then each of ``entries``) to the binary ``handle``; return the
    number of projects, or raise InvalidPackage once all is written (the file must then be dropped)."""
    check = PackageCheck(frame)
    head = json.dumps(frame, ensure_ascii=False)
    handle.write(f'{head[:-1]}, "projects": ['.encode())
    for index, entry in enumerate(entries):
        check.add(entry)
        handle.write(((", " if index else "") + json.dumps(entry, ensure_ascii=False)).encode())
    handle.write(b"]}\n")
    if errors := check.finish():
        raise InvalidPackage(errors)
    return check.count
