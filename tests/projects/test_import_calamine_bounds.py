"""Files that get past the byte checks of each format and would make python-calamine (Rust) abort
the process or allocate gigabytes (found by review): calamine runs in a child process of its own
with a memory and a time limit (importers.calamine_rows.sheets_in_child), so each is refused and
the server's own process stays small. read_rows runs here in a process capped at 3 GB of address
space, as a server might be."""

import math
import struct
import subprocess
import sys
import zipfile

import olefile
import pytest
from openpyxl import Workbook

from tests.conftest import SAMPLE_LIST

CHILD = r"""
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from projects.importers.limits import WorkbookRefused
from projects.importers.workbook import read_rows
try:
    read_rows(SimpleUploadedFile(sys.argv[2], open(sys.argv[1], "rb").read()))
    print("READ")
except WorkbookRefused as error:
    print("REFUSED", error)
# The peak of this process's own memory (VmHWM; ru_maxrss would carry the forking parent's over exec).
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("MAXRSS_MB", int(hwm.split()[1]) // 1024)
"""


def run_child(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    result = subprocess.run(
        ["prlimit", "--as=3000000000", sys.executable, "-c", CHILD, str(path), name],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result


def fat_position(content, sector):
    (fat_sector,) = struct.unpack_from("<I", content, 76 + 4 * (sector // 128))
    return 512 + fat_sector * 512 + 4 * (sector % 128)


def directory_chain(content):
    (start,) = struct.unpack_from("<I", content, 48)
    chain = [start]
    while True:
        (following,) = struct.unpack_from("<I", content, fat_position(content, chain[-1]))
        if following >= 0xFFFFFFF0:
            return chain
        chain.append(following)


def difat_loop(xls):
    """A DIFAT sector pointing to itself while the header counts no DIFAT sector (olefile ignores it)."""
    content = bytearray(xls)
    index = len(content) // 512 - 1
    content += struct.pack("<127I", *[0xFFFFFFFF] * 127) + struct.pack("<I", index)
    struct.pack_into("<I", content, 68, index)
    return bytes(content)


def directory_cycle(xls):
    """The directory's last sector chained back to its first (olefile reads the directory anyway)."""
    content = bytearray(xls)
    chain = directory_chain(content)
    struct.pack_into("<I", content, fat_position(content, chain[-1]), chain[0])
    return bytes(content)


def mulrk_wrapping(xls, tmp_path):
    """WINDOW2 (18 bytes) made a MULRK at row 65,536 whose last column (A) is 'before' its first
    (65,536): the walker notes column 1; calamine (u16 arithmetic wraps) puts cells in columns
    65,536 and 65,537 and builds a 65,536 × 65,537 grid."""
    path = tmp_path / "patched.xls"
    path.write_bytes(xls)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        position = 0
        while position + 4 <= len(data):
            kind, size = struct.unpack_from("<HH", data, position)
            if kind == 0x023E and size == 18:
                rk = struct.pack("<HI", 15, (7 << 2) | 2)
                body = struct.pack("<HH", 65535, 65535) + rk + rk + struct.pack("<H", 0)
                data[position : position + 22] = struct.pack("<HH", 0x00BD, 18) + body
                break
            position += 4 + size
        ole.write_stream("Workbook", bytes(data))
    return path.read_bytes()


@pytest.mark.parametrize("attack", ["difat_loop", "directory_cycle", "mulrk_wrapping"])
def test_hostile_xls_does_not_kill_the_process(convert, tmp_path, attack):
    xls = convert(SAMPLE_LIST.read_bytes(), "xls")
    content = {
        "difat_loop": lambda: difat_loop(xls),
        "directory_cycle": lambda: directory_cycle(xls),
        "mulrk_wrapping": lambda: mulrk_wrapping(xls, tmp_path),
    }[attack]()
    result = run_child(tmp_path, content, "x.xls")
    assert result.returncode == 0, f"child died rc={result.returncode}: {result.stderr[:200]}"
    assert "REFUSED" in result.stdout, result.stdout


HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:foo="urn:x" office:version="1.2">'
    b"<office:body><office:spreadsheet>"
)
TAIL = b"</office:spreadsheet></office:body></office:document-content>"
MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
    b' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/"'
    b' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods(tmp_path, tables):
    path = tmp_path / "x.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        package.writestr("content.xml", HEAD + tables + TAIL)
        package.writestr("META-INF/manifest.xml", MANIFEST)
    return path.read_bytes()


def cell(extra=b""):
    return (
        b'<table:table-cell office:value-type="float" office:value="1"%s><text:p>1</text:p></table:table-cell>' % extra
    )


ODS_ATTACKS = {
    # calamine takes the first table:number-*-repeated, the scan the last one of that local name
    "duplicate_repeat_attributes": b'<table:table table:name="S"><table:table-row table:number-rows-repeated="1000"'
    b' foo:number-rows-repeated="1">'
    + cell(b' table:number-columns-repeated="16384" foo:number-columns-repeated="1"')
    + b"</table:table-row></table:table>",
    # the scan starts a new sheet at a table inside a cell and never ends it: the outer rows after it
    # are counted on a sheet of their own, one column wide
    "nested_table": b'<table:table table:name="S"><table:table-row>'
    + cell(b' table:number-columns-repeated="16384"')
    + b'</table:table-row><table:table-row><table:table-cell><table:table table:name="in"/></table:table-cell>'
    b'</table:table-row><table:table-row table:number-rows-repeated="1000">'
    + cell()
    + b"</table:table-row></table:table>",
}


@pytest.mark.parametrize("attack", ODS_ATTACKS)
def test_hostile_ods_is_refused_before_calamine_builds_it(tmp_path, attack):
    result = run_child(tmp_path, ods(tmp_path, ODS_ATTACKS[attack]), "x.ods")
    assert result.returncode == 0, f"child died rc={result.returncode}: {result.stderr[:200]}"
    rss = int(result.stdout.split("MAXRSS_MB")[1])
    assert "REFUSED" in result.stdout and rss < 500, result.stdout


def test_ods_string_cell_repeated_is_refused(tmp_path):
    """One 100,000-character string cell repeated over 60 columns × 100 rows (1.3 KB file): the scan
    counts 6,000 cells; calamine copies the string into each (1.8 GB) and Python again."""
    tables = (
        b'<table:table table:name="S"><table:table-row table:number-rows-repeated="100">'
        b'<table:table-cell office:value-type="string" table:number-columns-repeated="60"><text:p>'
        + ("项目" * 50000).encode()
        + b"</text:p></table:table-cell></table:table-row></table:table>"
    )
    result = run_child(tmp_path, ods(tmp_path, tables), "x.ods")
    assert result.returncode == 0, f"child died rc={result.returncode}: {result.stderr[:200]}"
    assert "REFUSED" in result.stdout and int(result.stdout.split("MAXRSS_MB")[1]) < 500, result.stdout


def test_xls_shared_string_referenced_by_many_cells_is_refused(tmp_path):
    """A 387 KB .xls: one 65,535-character shared string (SST + CONTINUE) and 300 × 60 LABELSST cells
    pointing to it; calamine clones it per cell (~3.5 GB) — 9 GB peak RSS uncapped."""
    result = run_child(tmp_path, xls(65535, 300, 60), "x.xls")
    assert result.returncode == 0, f"child died rc={result.returncode}: {result.stderr[:200]}"
    assert "REFUSED" in result.stdout and int(result.stdout.split("MAXRSS_MB")[1]) < 500, result.stdout


def test_xlsx_shared_string_referenced_by_many_cells_is_refused(tmp_path):
    """A 41 KB .xlsx: one 32,766-character shared string in 18,000 cells (2.9 GB read uncapped)."""
    workbook = Workbook()
    sheet = workbook.active
    text = "项" * 32766
    for _row in range(1, 301):
        sheet.append([text] * 60)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    result = run_child(tmp_path, path.read_bytes(), "x.xlsx")
    assert result.returncode == 0, f"child died rc={result.returncode}: {result.stderr[:200]}"
    assert "REFUSED" in result.stdout and int(result.stdout.split("MAXRSS_MB")[1]) < 500, result.stdout


# --- A minimal BIFF8 .xls (OLE2 v3): one shared string of cch characters in rows × cols LABELSST cells.


def rec(kind, body):
    return struct.pack("<HH", kind, len(body)) + body


def ole2(stream):
    nstream = math.ceil(len(stream) / 512)
    stream += b"\0" * (nstream * 512 - len(stream))
    nfat = 1
    while nfat * 128 < nfat + 1 + nstream:
        nfat += 1
    dir_sector, first = nfat, nfat + 1
    fat = [0xFFFFFFFD] * nfat + [0xFFFFFFFE] + [first + i + 1 for i in range(nstream - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (nfat * 128 - len(fat))

    def entry(name, kind, child, start, size):
        n = name.encode("utf-16-le") + b"\0\0"
        return (
            n.ljust(64, b"\0")
            + struct.pack("<HBB", len(n), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<III", start, size, 0)
        )

    d = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(
        "Workbook", 2, 0xFFFFFFFF, first, len(stream) if False else LEN[0]
    )
    d += b"\0" * (512 - len(d))
    difat = list(range(nfat)) + [0xFFFFFFFF] * (109 - nfat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, nfat, dir_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", *difat)
    )
    return header + struct.pack(f"<{len(fat)}I", *fat) + d + stream


LEN = [0]


def xls(cch, rows, cols, char="项"):
    chars = (char * cch).encode("utf-16-le")
    sst = struct.pack("<IIHB", rows * cols, 1, cch, 1)
    room = 8224 - len(sst)
    room -= room % 2
    records = rec(0xFC, sst + chars[:room])
    rest = chars[room:]
    while rest:
        records += rec(0x3C, b"\x01" + rest[:8222])
        rest = rest[8222:]

    def bof(dt):
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))

    name = b"S"

    def globals_(offset):
        return bof(5) + rec(0x85, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name) + records + rec(0x0A, b"")

    offset = len(globals_(0))
    sheet = (
        bof(0x10)
        + b"".join(rec(0xFD, struct.pack("<HHHI", r, c, 0, 0)) for r in range(rows) for c in range(cols))
        + rec(0x0A, b"")
    )
    stream = globals_(offset) + sheet
    LEN[0] = len(stream)
    return ole2(stream)


@pytest.mark.usefixtures("calamine_must_not_open")
@pytest.mark.parametrize("attack", [*ODS_ATTACKS, "mulrk_wrapping"])
def test_the_byte_checks_refuse_the_files_they_can_tell(convert, tmp_path, attack):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects.importers.limits import WorkbookRefused
    from projects.importers.workbook import read_rows

    if attack == "mulrk_wrapping":
        content, name = mulrk_wrapping(convert(SAMPLE_LIST.read_bytes(), "xls"), tmp_path), "x.xls"
    else:
        content, name = ods(tmp_path, ODS_ATTACKS[attack]), "x.ods"
    with pytest.raises(WorkbookRefused):
        read_rows(SimpleUploadedFile(name, content))
