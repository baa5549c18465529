"""Whether a question is about what knowledge/policies covers at all.

Lexical coverage (policy_search) cannot tell 养猪有补贴吗 from 参加培训有补贴吗: both share 补贴 with a unit, and
nothing in the units says that 养猪 is another department's matter. A small classifier that has seen the units'
own questions next to questions of other kinds (knowledge/policy_out_of_scope.yml) can; its probability scales the
confidence of the best match, so the ranking itself is unchanged.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

from nuanxin import knowledge

# Chosen on tests/data/policy_dev.yml with evals/tune_policy.py (C=4 and 8 about the same there).
C = 4.0


@lru_cache(maxsize=1)
def out_of_scope_questions() -> tuple[str, ...]:
    return tuple(knowledge.read_yaml("policy_out_of_scope.yml")["questions"])


class ScopeModel:
    """Logistic regression over character 1–3-grams and the retrieval's own words (synonyms folded)."""

    def __init__(self, in_scope: Sequence[str], out_of_scope: Sequence[str],
                 words: Callable[[str], list[str]]) -> None:
        self._pipeline: Pipeline | None = None
        if not in_scope or not out_of_scope:
            return  # an empty knowledge base covers nothing
        features = make_union(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
                              TfidfVectorizer(analyzer=words, sublinear_tf=True))
        self._pipeline = Pipeline([("features", features), ("classifier", LogisticRegression(
            C=C, max_iter=3000, class_weight="balanced"))])
        self._pipeline.fit([*in_scope, *out_of_scope], [1] * len(in_scope) + [0] * len(out_of_scope))

    def probability(self, question: str) -> float:
        if self._pipeline is None:
            return 0.0
        return float(self._pipeline.predict_proba([question])[0][1])
