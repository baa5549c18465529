"""`make console`: the console on 127.0.0.1:8000 (NUANXIN_CONSOLE_HOST / NUANXIN_CONSOLE_PORT to change), served by
waitress, a production WSGI server (threads; no debugger, no reloader)."""
from __future__ import annotations

import os

from waitress import serve

from console.app import create_app

if __name__ == "__main__":
    serve(create_app(), host=os.environ.get("NUANXIN_CONSOLE_HOST", "127.0.0.1"),
          port=int(os.environ.get("NUANXIN_CONSOLE_PORT", "8000")), threads=8, ident="nuanxin-console")
