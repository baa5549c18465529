"""`make console`: the console on 127.0.0.1:8000 (NUANXIN_CONSOLE_HOST / NUANXIN_CONSOLE_PORT to change), served by
Werkzeug's server for one office; put it behind a WSGI server for more."""
from __future__ import annotations

import os

from console.app import create_app

if __name__ == "__main__":
    create_app().run(host=os.environ.get("NUANXIN_CONSOLE_HOST", "127.0.0.1"),
                     port=int(os.environ.get("NUANXIN_CONSOLE_PORT", "8000")), debug=False)
