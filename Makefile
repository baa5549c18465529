# Newcomers: `make run` to chat, `make test` to run every test. Both prepare everything from a fresh clone.
# `make check` and `make eval` also read documents kept outside the repository (../shared/, see evals/sources.py).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: run serve serve-prod console purge telegram test browser check eval tune bench prepare model install lock clean

run: model
	tools/services.sh chat

serve: model
	tools/services.sh serve

# Production layout on this machine: action server, two Rasa replicas behind a balancer, the bot when
# TELEGRAM_TOKEN is set; PostgreSQL and Redis (README "Production").
serve-prod: model
	tools/serve_prod.sh

# The hotline staff console on 127.0.0.1:8000 (accounts: python -m nuanxin.console create-user; see README).
console: prepare
	$(PY) -m console

# Personal data past its retention period removed (README "Personal data"); a scheduler runs it daily.
purge: prepare
	$(PY) -m nuanxin.privacy purge

# The Telegram front end; needs TELEGRAM_TOKEN and a running `make serve` (see README).
telegram: prepare
	$(PY) -m bot

test: model browser
	$(PY) -m pytest

# Knowledge against the source document, NLU figures on the public holdout sets (NUANXIN_SHARED_DIR, default ../shared).
check: model
	$(PY) -m pytest checks

eval: model
	$(PY) -m evals.nlu_report models/current.tar.gz
	$(PY) -m evals.policy_report models/current.tar.gz
	$(PY) -m evals.safety_report models/current.tar.gz
	$(PY) -m evals.report_report models/current.tar.gz
	$(PY) -m evals.conversation_report
	$(PY) -m evals.forms_report
	$(PY) -m evals.forms_report --second

# How nuanxin/policy/search.py's constants were chosen (tuning questions only; see README).
tune: install
	$(PY) -m evals.tune_policy

bench: model
	$(PY) -m bench.station_search
	$(PY) -m bench.policy_retrieval
	$(PY) -m bench.telegram_latency
	$(PY) -m bench.nlu_pipelines
	$(PY) -m bench.report_latency
	$(PY) -m bench.dialogue_policies
	$(PY) -m bench.serving
	$(PY) -m bench.console_pages

install: $(VENV)/.installed

# The console's browser tests drive Debian's chromium through Playwright's Python client (nothing downloaded from
# elsewhere), with a Chinese font for the screenshots; installed from Debian's packages when the machine lacks them.
browser:
	command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei; }

# The venv is rebuilt only when the lock file changes.
$(VENV)/.installed: requirements.lock
	test -x $(PY) || "$$(tools/find_python310.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "pip<25"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip check
	touch $@

prepare: install
	$(PY) -m nuanxin.prepare

model: prepare
	$(PY) tools/train.py

# Re-pin after editing requirements.in: a clean venv, then freeze.
lock:
	rm -rf .venv-lock && "$$(tools/find_python310.sh)" -m venv .venv-lock
	.venv-lock/bin/pip install --quiet "pip<25" && .venv-lock/bin/pip install --quiet -r requirements.in
	.venv-lock/bin/pip check && .venv-lock/bin/pip freeze > requirements.lock && rm -rf .venv-lock

clean:
	rm -rf var models .rasa
