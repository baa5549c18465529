"""Lists as CSV for spreadsheets: UTF-8 with a byte-order mark, so Excel on a Chinese Windows reads it. A cell a
rider wrote that begins like a formula (= + - @) is prefixed with an apostrophe, so Excel shows it as text and
never runs it (OWASP's advice on CSV injection)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from flask import Response


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
