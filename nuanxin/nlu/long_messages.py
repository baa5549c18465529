"""Routing long, formal messages by topic (a citizen's letter pasted in, a long voice-to-text complaint).

The main classifier learnt from riders' short chat messages; on a 200-character letter to officials its n-gram
counts say more about the style than the topic (most such letters came out as policy questions). Messages of
LONG_CHARS or more are therefore routed by a second small model (character n-grams + logistic regression) trained
on formal examples only (`nlu_long/`: neighbourhood problems to report, labour and social-security questions for
policy, other public services out of scope). Short messages are untouched. Trained at first use, in milliseconds.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from nuanxin import settings

DATA_DIR = settings.ROOT / "nlu_long"
LONG_CHARS = 80
C = 3.0


def examples(directory: Path = DATA_DIR) -> list[tuple[str, str]]:
    found = []
    for path in sorted(directory.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            found += [(line[2:].strip(), block["intent"]) for line in block["examples"].splitlines()
                      if line.startswith("- ")]
    return found


@lru_cache(maxsize=1)
def _model() -> Pipeline:
    data = examples()
    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
                          LogisticRegression(C=C, max_iter=3000))
    model.fit([t for t, _ in data], [i for _, i in data])
    return model


def is_long(text: str) -> bool:
    return len(text.strip()) >= LONG_CHARS and not text.startswith("/")


def route(text: str) -> tuple[str, float]:
    """The topic intent of a long message and the router's confidence."""
    probabilities = _model().predict_proba([text])[0]
    top = int(probabilities.argmax())
    return str(_model().classes_[top]), float(probabilities[top])
