"""Files for the import tests, built the way Excel and Partner Center write them."""

from __future__ import annotations

import io
import zipfile

import openpyxl

PEOPLE_CSV = (
    "name,email,certification,expires\nAda,ada@contoso.com,AZ-305,2027-03-01\nAda,ada@contoso.com,AZ-104,\n"
)


def xlsx(*sheets: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for i, rows in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet(f"Sheet{i + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(ref: str, value: object, formula: str | None = None) -> str:
    f = f"<f>{formula}</f>" if formula else ""
    if isinstance(value, str):
        return (
            f'<c r="{ref}" t="str">{f}<v>{value}</v></c>'
            if formula
            else (f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        )
    return f'<c r="{ref}">{f}<v>{value}</v></c>'


def xlsx_with_formulas(rows: list[list[tuple[object, str | None]]]) -> bytes:
    """A workbook as Excel saves it: each formula cell keeps the value Excel computed (openpyxl
    itself writes formulas without values, so this is written by hand)."""
    cells = []
    for r, row in enumerate(rows, start=1):
        refs = "".join(_cell(f"{chr(65 + c)}{r}", value, formula) for c, (value, formula) in enumerate(row))
        cells.append(f'<row r="{r}">{refs}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A small .xlsx whose one sheet inflates a thousandfold (real bombs nest this further)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    return out.getvalue()
