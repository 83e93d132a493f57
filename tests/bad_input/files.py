"""Files that are not what their names say, and workbooks built to exhaust a reader.

Everything is made in memory by the test run itself; nothing is downloaded or kept.
"""

import functools
import io
import struct
import zipfile

from openpyxl import Workbook

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A whole 1 x 1 PNG: signature, header, one compressed row, end.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
# The start of a Windows program: the DOS header and its stub's message.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"\x0e\x1f\xba\x0e\x00\xb4\t\xcd!This program cannot be run in DOS mode.\r\r\n$"
)
# An Excel 97-2003 workbook starts with the OLE2 compound file signature.
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

SHEET = "xl/worksheets/sheet1.xml"
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_SHEET_TAIL = b"</sheetData></worksheet>"
MEGABYTE = 1024 * 1024


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@functools.cache
def zip_bomb_xlsx(megabytes: int = 300) -> bytes:
    """A real workbook whose first sheet is ``megabytes`` MB of one repeated byte:
    about a thousandth of that once deflated."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["financial_year"]]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info.filename))
                continue
            with target.open(SHEET, "w") as sheet:
                sheet.write(_SHEET_HEAD)
                block = b" " * MEGABYTE
                for _ in range(megabytes):
                    sheet.write(block)
                sheet.write(_SHEET_TAIL)
    return out.getvalue()


def lying_zip_bomb_xlsx() -> bytes:
    """The zip bomb with its sheet's uncompressed size rewritten as 4 KB, in the
    central directory and the local header, so that a size check alone passes it."""
    data = bytearray(zip_bomb_xlsx())
    name = SHEET.encode()
    # (signature, offset of the uncompressed size, offset of the name length, of the name)
    for signature, size_at, length_at, name_at in (
        (b"PK\x01\x02", 24, 28, 46),
        (b"PK\x03\x04", 22, 26, 30),
    ):
        position = data.find(signature)
        while position != -1:
            (length,) = struct.unpack_from("<H", data, position + length_at)
            if data[position + name_at : position + name_at + length] == name:
                struct.pack_into("<I", data, position + size_at, 4096)
            position = data.find(signature, position + 4)
    return bytes(data)


def sparse_sheet_xlsx(header: list[str]) -> bytes:
    """A workbook of a few kilobytes whose sheet spans A1:XFD1048576: a header, and the
    first and last cells of the last row, so a reader that fills the gaps between them
    makes 17 billion cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    sheet.cell(row=1_048_576, column=1, value="2016/17")
    sheet.cell(row=1_048_576, column=16_384, value="the far corner")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
