"""Train the Rasa model only when its inputs changed; print the model path either way.

The fingerprint covers config.yml, domain/, nlu_data/, the files generated from knowledge/ (var/jieba,
var/nlu), our pipeline components and the locked dependencies. models/current.tar.gz points at the model of the
checkout as it is now, whatever was trained last.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain", "requirements.lock", "nlu_data", "var/jieba", "var/nlu",
          "nuanxin/nlu/components"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def main() -> None:
    models = ROOT / "models"
    name = f"nuanxin-{fingerprint()}"
    model = models / f"{name}.tar.gz"
    current = models / "current.tar.gz"
    if current.is_symlink() or current.exists():
        current.unlink()  # Rasa inspects the newest file in models/ and fails on a dangling link
    if not model.exists():
        print(f"training {model.name} (inputs changed)", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "nuanxin.nlu.cli", "train", "--data", "nlu_data", "var/nlu",
             "--domain", "domain", "--config", "config.yml", "--out", "models", "--fixed-model-name", name],
            # Rasa's training cache keys on the training data only, not on the jieba dictionary's content, so a
            # changed dictionary would be served from cache; the model is small enough to train from scratch.
            cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_MAX_CACHE_SIZE": "0"},
        )
    else:
        print(f"{model.name} is up to date", file=sys.stderr)
    current.symlink_to(model.name)
    print(current)


if __name__ == "__main__":
    main()
