"""Photos riders send (for city-sentinel reports): size-limited, checked to be an image, cleaned, stored by
content hash.

Cleaning re-encodes the pixels only: EXIF (camera, time, the GPS position) and other metadata are not kept, the
orientation is applied to the pixels, and the longest side is at most MAX_SIDE. The GPS position, when the photo
had one, is returned to the front end so that it can be offered to the rider as the report's place (the rider
confirms it; it is never stored with the photo). The content-hash name makes a photo sent twice one file, and
carries no personal information in the path.
"""
from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from nuanxin import settings

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 2048
GPS_IFD = 0x8825


def directory() -> Path:
    return Path(os.environ.get("NUANXIN_PHOTO_DIR", settings.VAR_DIR / "photos"))


def max_bytes() -> int:
    return int(os.environ.get("NUANXIN_MAX_PHOTO_MB", "10")) * 1024 * 1024


class PhotoRejected(Exception):
    def __init__(self, reason: str) -> None:  # "too_large" | "invalid"
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Stored:
    path: Path
    gps: tuple[float, float] | None  # WGS-84 (latitude, longitude) from the original's EXIF, not stored

    def metadata(self) -> dict[str, Any]:
        """What a front end sends Rasa with the photo message."""
        return {"photo": self.path.name, **({"photo_gps": list(self.gps)} if self.gps else {})}


def _degrees(values: Any, ref: str) -> float:
    d, m, s = (float(v) for v in values)
    value = d + m / 60 + s / 3600
    return -value if ref in ("S", "W") else value


def gps_of(image: Image.Image) -> tuple[float, float] | None:
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        if not gps or 2 not in gps or 4 not in gps:
            return None
        lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (round(lat, 6), round(lon, 6)) if (lat, lon) != (0.0, 0.0) else None


def clean(data: bytes, max_bytes: int) -> tuple[bytes, str, tuple[float, float] | None]:
    """The re-encoded image without metadata, its file extension and the original's GPS position."""
    if len(data) > max_bytes:
        raise PhotoRejected("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            probe.verify()
        if kind not in FORMATS:
            raise PhotoRejected("invalid")
        with Image.open(io.BytesIO(data)) as image:
            gps = gps_of(image)
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            upright.info.clear()  # comments and other text chunks Pillow would copy over
            out = io.BytesIO()
            upright.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoRejected("invalid") from exc
    return out.getvalue(), FORMATS[kind], gps


def store(data: bytes, directory: Path, max_bytes: int) -> Stored:
    """Validate, clean and write the photo. Raises PhotoRejected."""
    cleaned, extension, gps = clean(data, max_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha256(cleaned).hexdigest()}.{extension}"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(cleaned)
        tmp.replace(path)
    return Stored(path, gps)
