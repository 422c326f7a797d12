"""Fixtures of the project tests: workbooks in the formats besides .xlsx, made by LibreOffice."""

import hashlib
import os
import shutil
import subprocess

import pytest

REQUIRED = os.environ.get("KP_BROWSER_REQUIRED") == "1"


@pytest.fixture(scope="session")
def convert(tmp_path_factory):
    """convert(xlsx bytes, "xls" | "ods") → the bytes LibreOffice saves it as (once per session)."""
    if shutil.which("soffice") is None:
        reason = "soffice not found (apt-get install libreoffice-calc-nogui)"
        if REQUIRED:
            pytest.fail(f"KP_BROWSER_REQUIRED=1 but {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("converted")
    done = {}

    def make(content, extension):
        key = (hashlib.sha256(content).hexdigest(), extension)
        if key not in done:
            source = folder / f"{key[0]}.xlsx"
            source.write_bytes(content)
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{folder / 'profile'}",  # a profile of its own
                    "--headless",
                    "--convert-to",
                    extension,
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )
            done[key] = (folder / f"{key[0]}.{extension}").read_bytes()
        return done[key]

    return make


@pytest.fixture
def in_format(convert):
    """in_format(upload, "xlsx" | "xls" | "ods") → the same workbook as an upload in that format."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(upload, extension):
        upload.seek(0)
        content = upload.read()
        if extension != "xlsx":
            content = convert(content, extension)
        return SimpleUploadedFile(f"list.{extension}", content)

    return make


@pytest.fixture
def calamine_must_not_open(monkeypatch):
    """calamine's memory is not Python's (tracemalloc cannot see it): a file the byte checks refuse,
    or leave to openpyxl, must never reach calamine's reading at all."""
    from projects.importers import calamine_rows

    def refuse(*args, **kwargs):
        raise AssertionError("calamine was asked to read a file the byte checks refuse or leave to openpyxl")

    monkeypatch.setattr(calamine_rows, "sheets_in_child", refuse)
