"""Photos riders send (for city-sentinel reports): size-limited, checked to be an image, stored by content hash.

The content-hash name makes a photo sent twice one file, and carries no personal information in the path.
"""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from nuanxin import settings

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def directory() -> Path:
    return Path(os.environ.get("NUANXIN_PHOTO_DIR", settings.VAR_DIR / "photos"))


def max_bytes() -> int:
    return int(os.environ.get("NUANXIN_MAX_PHOTO_MB", "10")) * 1024 * 1024


class PhotoRejected(Exception):
    def __init__(self, reason: str) -> None:  # "too_large" | "invalid"
        super().__init__(reason)
        self.reason = reason


def store(data: bytes, directory: Path, max_bytes: int) -> Path:
    """Validate and write the photo; returns its path. Raises PhotoRejected."""
    if len(data) > max_bytes:
        raise PhotoRejected("too_large")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRejected("invalid") from exc
    if kind not in FORMATS:
        raise PhotoRejected("invalid")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{hashlib.sha256(data).hexdigest()}.{FORMATS[kind]}"
    if not path.exists():
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path
