"""Evaluation and tuning: how well the assistant understands and answers, measured on held-out data.

Not runtime code: nothing under nuanxin/, actions/ or bot/ imports it. The sets inside the repository
(tests/data/) are read by `make test`; the documents beside it (../shared/: the source document, public data
sets) only by `make check` and `make eval`, through `evals.sources`.
"""
