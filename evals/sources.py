"""Where the documents outside the repository are: the district's source document and the public data sets.

They live beside a checkout on the project's machines (`../shared/`) and never inside it, so a clone on its own
runs `make test` without them; `make check` and `make eval` need them and say so plainly when they are missing.
Set NUANXIN_SHARED_DIR to read them from elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path

from nuanxin import settings

SHARED_DIR = Path(os.environ.get("NUANXIN_SHARED_DIR", settings.ROOT.parent / "shared"))
SEED_DIR = SHARED_DIR / "seed"
HOLDOUT_DIR = SHARED_DIR / "holdout"


class MissingSource(RuntimeError):
    """A document outside the repository is not where NUANXIN_SHARED_DIR says."""


def require(path: Path) -> Path:
    if not path.exists():
        raise MissingSource(
            f"{path} is missing. This check reads documents kept outside the repository (the district's source "
            f"document and public data sets, default ../shared/ beside the checkout); set NUANXIN_SHARED_DIR to "
            f"the folder that holds seed/ and holdout/. `make test` does not need them.")
    return path


def seed_text() -> str:
    """The district's source document, every file of it."""
    files = sorted(require(SEED_DIR).glob("*.txt"))
    if not files:
        raise MissingSource(f"{SEED_DIR} holds no .txt file: the source document is missing.")
    return "".join(p.read_text(encoding="utf-8") for p in files)


def holdout(*parts: str) -> Path:
    """A file of a public data set (evaluation only: never copied into nlu_data/ or knowledge/)."""
    return require(HOLDOUT_DIR.joinpath(*parts))
