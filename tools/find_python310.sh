#!/usr/bin/env bash
# Print a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10 only), or explain how to get one.
for candidate in "${PYTHON310:-}" python3.10 "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/"3.10*/bin/python3.10 \
                 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
echo "Python 3.10 is required (Rasa 3.6 runs on 3.8-3.10). Install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10-venv', or set PYTHON310=/path/to/python3.10." >&2
exit 1
