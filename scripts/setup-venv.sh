#!/usr/bin/env bash
# .venv from requirements.lock, then the package itself (editable, no
# dependencies of its own beyond the lock). With uv, which creates the
# environment in seconds, when it is on PATH or can be fetched with pip
# into .build/uv; otherwise with venv and pip, which take about a minute.
#
#   scripts/setup-venv.sh PYTHON VENV
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="$1"
VENV="$2"
UV_VERSION=0.13.9

uv=$(command -v uv || true)
if [ -z "$uv" ] && [ ! -x .build/uv/bin/uv ]; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --target .build/uv \
        "uv==$UV_VERSION" >/dev/null 2>&1 || echo "setup: uv could not be fetched; using pip" >&2
fi
if [ -z "$uv" ] && [ -x .build/uv/bin/uv ]; then uv=.build/uv/bin/uv; fi

if [ -n "$uv" ]; then
    "$uv" venv --quiet --seed --python "$PYTHON" "$VENV"
    "$uv" pip install --quiet --python "$VENV/bin/python" -r requirements.lock
    "$uv" pip install --quiet --python "$VENV/bin/python" --no-deps --no-build-isolation -e .
else
    "$PYTHON" -m venv "$VENV"
    pip=("$VENV/bin/python" -m pip --disable-pip-version-check --quiet)
    "${pip[@]}" install --require-virtualenv -r requirements.lock
    "${pip[@]}" install --require-virtualenv --no-deps --no-build-isolation -e .
fi
