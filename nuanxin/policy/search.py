"""Ranking reviewed policy units for a Chinese question, and knowing when none of them answers it.

Two BM25 indexes are combined: one over jieba words with synonyms folded to one form (工伤 / 职业伤害,
社保 / 五险, 骑手 / 外卖员 / 小哥...), one over character bigrams, which survives typos and words jieba splits
differently. Both are sparse matrices (scikit-learn + SciPy), so a query costs one sparse product per index
whatever the number of units.

The confidence of a match is how much of the question the best unit covers, relative to what the question could
score at most (so it is comparable across short and long questions), scaled by how likely the question is to be
about our policy knowledge at all (nuanxin/policy/scope.py); below `MIN_CONFIDENCE` we say we do not know instead
of guessing.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import jieba
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import db, knowledge, settings
from nuanxin.models import PolicyUnit
from nuanxin.policy.scope import ScopeModel, out_of_scope_questions

jieba.setLogLevel(logging.WARNING)

# Chosen on the tuning questions tests/data/policy_dev.yml (evals/tune_policy.py); `make eval` reports the
# separate test questions.
K1 = 2.1
B = 0.6
WORD_WEIGHT = 0.4  # share of the word index in the ranking score; the rest is character bigrams
# Confidence: coverage of the question by the best unit, in both indexes, with words/bigrams that no unit
# contains counted against it at these shares of the highest weight, times the scope probability to this power.
UNKNOWN_WORD_PENALTY = 0.75
UNKNOWN_BIGRAM_PENALTY = 1.0
CONFIDENCE_WORD_SHARE = 0.6
SCOPE_WEIGHT = 1.0
MIN_CONFIDENCE = 0.092  # below: we say we do not know (>= 90 % of the unanswerable tuning questions are refused)
SUGGEST_CONFIDENCE = 0.06  # between the two: no answer, but the closest questions are offered
# At or above: the answer is given plainly (99 % right on the tuning questions); between MIN_CONFIDENCE and this it
# is given as the closest match, with a hand-over to staff next to it (70 % right there).
SURE_CONFIDENCE = 0.20
STOPWORDS = frozenset("的 了 吗 呢 啊 吧 呀 么 嘛 是 我 你 他 她 它 我们 你们 在 有 和 与 及 或 就 都 也 还 要 会 能 可以 "
                      "啥 干嘛 干啥 咋 咋办 咋样 到底 不 没 没有 行 行不行 得 让 对 把 被 跟 从 过 去 来 说 讲 弄 "
                      "怎么弄 算 算不算 合法 合理 正常 吧 呗 哦 嗯 哈 个 些 点 一 能不能 要不要 会不会 应该 "
                      "怎么 怎么办 怎样 如何 什么 哪些 哪里 哪 多少 几 请问 一下 一个 这个 那个 这 那 给 吧 请 想 问 问下 "
                      "知道 告诉 下 个 啥 咋 么样 是不是 有没有 能不能 可不可以 呢 ？ ? ， , 。 ！ ! 、 ： : ； ; “ ” ( ) （ ）".split())
PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """word -> canonical form, from knowledge/policy_synonyms.yml."""
    data = knowledge.read_yaml("policy_synonyms.yml")
    table: dict[str, str] = {}
    for canonical, words in data["synonyms"].items():
        for word in [canonical, *words]:
            table[word.lower()] = canonical
    return table


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    """jieba with the synonyms and the units' tags as whole words (年假 must not become 年 + 假)."""
    tokenizer = jieba.Tokenizer()
    tags = {t for row in knowledge.policy_rows(settings.KNOWLEDGE_DIR) for t in row["tags"].split("|") if t}
    for word in set(synonyms()) | tags:
        if " " not in word:
            tokenizer.add_word(word, 5000)
    return tokenizer


def words(text: str) -> list[str]:
    table = synonyms()
    out = []
    for token in _tokenizer().lcut(text.lower()):
        token = token.strip()
        if not token or token in STOPWORDS or PUNCT.fullmatch(token):
            continue
        out.append(table.get(token, token))
    return out


def bigrams(text: str) -> list[str]:
    chars = PUNCT.sub("", text.lower())
    return [chars[i:i + 2] for i in range(len(chars) - 1)] or ([chars] if chars else [])


class _BM25:
    """BM25 as a sparse document-term weight matrix: score(q, d) = sum over q's distinct terms of W[d, t]."""

    def __init__(self, analyzer, documents: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
        self.vectorizer = CountVectorizer(analyzer=analyzer, lowercase=False)
        tf = self.vectorizer.fit_transform(documents).tocsr().astype(np.float64)
        n_docs = tf.shape[0]
        df = np.bincount(tf.indices, minlength=tf.shape[1])
        self.idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        self.idf_max = float(np.log(1 + (n_docs + 0.5) / 0.5))
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        norm = K1 * (1 - B + B * lengths / max(lengths.mean(), 1e-9))
        rows = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
        tf.data = tf.data * (K1 + 1) / (tf.data + norm[rows]) * self.idf[tf.indices]
        self.weights = tf.T.tocsr()  # term x doc, so a query selects a few rows

    def scores(self, text: str) -> tuple[np.ndarray, float, float]:
        """Scores of every document, and the most a document could score on the question's known terms and on
        all of its terms.

        Terms no document contains count at the highest weight in the second maximum: a question about 养猪
        that shares only 补贴 with our units must not look like a good match.
        """
        vocabulary = self.vectorizer.vocabulary_
        tokens = set(self.vectorizer.build_analyzer()(text))
        known = sorted(vocabulary[t] for t in tokens if t in vocabulary)
        known_max = float(self.idf[known].sum()) * (K1 + 1)
        full_max = known_max + (len(tokens) - len(known)) * self.idf_max * (K1 + 1)
        if not known:
            return np.zeros(self.weights.shape[1]), known_max, full_max
        return np.asarray(self.weights[known].sum(axis=0)).ravel(), known_max, full_max


@dataclass(frozen=True)
class Unit:
    id: str
    title: str
    answer: str
    source: str
    scope: str
    effective_date: str
    tags: tuple[str, ...]
    questions: tuple[str, ...]

    @property
    def document(self) -> str:
        # Titles and sample questions say what a unit answers; they count twice against the answer text.
        asked = " ".join((self.title, *self.questions))
        return f"{asked} {asked} {' '.join(self.tags)} {self.answer}"


@dataclass(frozen=True)
class Hit:
    unit: Unit
    confidence: float  # coverage of the question (0..1) times its scope probability


class PolicyIndex:
    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = list(units)
        documents = [u.document for u in self.units]
        self._words = _BM25(words, documents)
        self._chars = _BM25(bigrams, documents)
        self._scope = ScopeModel([q for u in self.units for q in (u.title, *u.questions)], out_of_scope_questions(),
                                 words)
        self.by_id = {u.id: u for u in self.units}

    def search(self, question: str, limit: int = 4) -> list[Hit]:
        """Units ranked by both indexes, each with how well it covers the question (see the constants)."""
        word_scores, word_known, word_full = self._words.scores(question)
        char_scores, char_known, char_full = self._chars.scores(question)
        ranking = WORD_WEIGHT * word_scores / max(word_known, 1e-9) + (1 - WORD_WEIGHT) * char_scores / max(
            char_known, 1e-9)
        if not ranking.any():
            return []
        word_ceiling = word_known + UNKNOWN_WORD_PENALTY * (word_full - word_known)
        char_ceiling = char_known + UNKNOWN_BIGRAM_PENALTY * (char_full - char_known)
        top = np.argpartition(-ranking, min(limit, len(ranking) - 1))[:limit]
        top = top[np.argsort(-ranking[top])]
        scope = self._scope.probability(question) ** SCOPE_WEIGHT
        return [Hit(self.units[i], scope * float(
            CONFIDENCE_WORD_SHARE * word_scores[i] / max(word_ceiling, 1e-9)
            + (1 - CONFIDENCE_WORD_SHARE) * char_scores[i] / max(char_ceiling, 1e-9)))
                for i in top if ranking[i] > 0]

    def answer(self, question: str, limit: int = 4) -> tuple[Hit | None, list[Hit]]:
        """The confident best hit (or None) and the runners-up to offer as related questions."""
        hits = self.search(question, limit)
        if not hits or hits[0].confidence < MIN_CONFIDENCE:
            return None, hits
        return hits[0], hits[1:]


def _unit(row: dict) -> Unit:
    effective = row.get("effective_date")
    return Unit(id=row["id"], title=row["title"], answer=row["answer"], source=row["source"], scope=row["scope"],
                effective_date=effective.isoformat() if effective else "",
                tags=tuple(t for t in row["tags"].split("|") if t),
                questions=tuple(q for q in (row.get("questions") or "").split("\n") if q))


def units_from_db(session: Session) -> list[Unit]:
    rows = session.execute(select(PolicyUnit).where(PolicyUnit.active.is_(True)).order_by(PolicyUnit.id)).scalars()
    return [_unit({c.name: getattr(r, c.name) for c in PolicyUnit.__table__.columns}) for r in rows]


def units_from_files(directory: Path | None = None) -> list[Unit]:
    """The same units straight from knowledge/policies, for evaluation and benchmarks without a database."""
    return [_unit(row) for row in knowledge.policy_rows(directory or settings.KNOWLEDGE_DIR)]


_index: PolicyIndex | None = None


def shared_index() -> PolicyIndex:
    """The index over the database's active units, built on first use; knowledge/ is reloaded only at start."""
    global _index
    if _index is None:
        with db.session_scope() as session:
            _index = PolicyIndex(units_from_db(session))
    return _index
