"""Which of the accepted formats (.xlsx, .xls, .ods) an upload is, told by its bytes, never by its
name — but for WPS's own .et, which is refused by its name whatever it holds."""

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from projects.importers.limits import ACCEPTED_FORMATS, MAX_FILE_BYTES, WorkbookRefused

XLSX, XLS, ODS = ".xlsx", ".xls", ".ods"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    XLS: "application/vnd.ms-excel",
    ODS: "application/vnd.oasis.opendocument.spreadsheet",
}
NOT_A_LIST_FILE = (
    "这不是 Excel .xlsx 文件，也不是 .xls 或 .ods 表格（可能是 .csv、.txt 或其他文件改了扩展名）。"
    f"只能导入 {ACCEPTED_FORMATS} 格式的清单，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
)
WPS_ET = "这是 WPS 表格（.et）文件，不能直接导入。请在 WPS 中用「另存为」保存为 .xlsx 或 .xls 格式后再导入。"


def file_size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    return size


def upload_format(upload):
    """XLSX, XLS or ODS by the file's first bytes (a zip that is no OpenDocument spreadsheet is left to
    the .xlsx checks, which say what it lacks); refuses a .et and a file over the size limit."""
    if PurePosixPath(str(getattr(upload, "name", "") or "").replace("\\", "/")).suffix.lower() == ".et":
        raise WorkbookRefused(WPS_ET)
    size = file_size(upload)
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(f"文件大小为 {size / 1024 / 1024:.1f} MB，超过 10 MB 的上限。")
    upload.seek(0)
    head = upload.read(len(OLE2_MAGIC))
    upload.seek(0)
    return content_format(head, upload)


def content_format(head, source):
    """The format of a file starting with ``head`` (``source``: the whole file, seekable)."""
    if head == OLE2_MAGIC:
        return XLS
    if head[:4] == b"PK\x03\x04" and zipfile.is_zipfile(source):
        source.seek(0)
        try:
            with zipfile.ZipFile(source) as package:
                info = package.getinfo("mimetype")
                if info.file_size <= 200 and package.read(info).strip() == ODS_MIMETYPE:
                    return ODS
        except (KeyError, zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
            pass
        finally:
            source.seek(0)
    return XLSX


def kept_extension(content):
    """The extension an accepted upload's bytes are kept under."""
    return content_format(content[: len(OLE2_MAGIC)], io.BytesIO(content))
