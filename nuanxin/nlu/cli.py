"""`python -m nuanxin.nlu.cli ...`: Rasa's own CLI, started the way our model needs.

- Rasa 3.6 imports skops.io lazily while loading a model, which costs 7–9 s; imported first it costs ~0.1 s.
- jieba loads its main dictionary on the first message (~1 s) unless initialised at start.
- Running as a module puts the checkout on sys.path, so config.yml can name nuanxin.nlu.components.
- nuanxin.nlu.speedups fixes what the profile found inside Rasa's code path (the action response's validation).
- Rasa's HTTP API never starts without a token: --enable-api takes RASA_API_TOKEN when no --auth-token is given.
- nuanxin.nlu.safeguards makes a custom action that cannot run answer with an apology and the hotline.
- SANIC_WORKERS > 1 (Rasa's worker processes, one per core) is refused without NUANXIN_REDIS_URL: workers share
  conversations, so their locks must be shared too (Rasa itself would accept our lock store's class name).
- endpoints.yml reads the action server's address and shared secret from NUANXIN_ACTION_URL and
  NUANXIN_ACTION_SECRET, set here when the environment does not (settings.shared_secret), so that `make run`
  needs no setup.
"""
from __future__ import annotations

import logging
import os
import sys

import jieba
import skops.io  # noqa: F401  (see module docstring)


def main() -> None:
    jieba.setLogLevel(logging.WARNING)
    from nuanxin import settings

    if int(os.environ.get("SANIC_WORKERS", "1")) > 1 and not settings.redis_url():
        sys.exit("SANIC_WORKERS > 1 needs NUANXIN_REDIS_URL: the workers must share their conversation locks")
    jieba.initialize()

    os.environ["NUANXIN_ACTION_SECRET"] = settings.shared_secret("action")
    os.environ.setdefault("NUANXIN_ACTION_URL", "http://127.0.0.1:5055/webhook")
    if "--enable-api" in sys.argv and not any(a.startswith(("--auth-token", "-t")) for a in sys.argv):
        if not os.environ.get("RASA_API_TOKEN"):
            sys.exit("--enable-api needs a token: set RASA_API_TOKEN (the HTTP API reads and rewrites conversations)")
        sys.argv.append(f"--auth-token={os.environ['RASA_API_TOKEN']}")  # one argument: a token may start with "-"
    from rasa.__main__ import main as rasa_main

    from nuanxin.nlu import safeguards, speedups

    speedups.apply()
    safeguards.apply()

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
