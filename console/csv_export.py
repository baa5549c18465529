"""Lists as CSV for spreadsheets: UTF-8 with a byte-order mark, so Excel on a Chinese Windows reads it."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from flask import Response


def response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
