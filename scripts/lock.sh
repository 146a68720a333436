#!/usr/bin/env bash
# Re-resolves the hashed locks in requirements/ from pyproject.toml: `make lock`.
#
# uv resolves against PyPI alone: it reads no pip configuration, and --no-config no uv
# one, so no machine's local package sources (an extra index, a find-links folder) end up
# in a lock. --universal keeps platform-specific dependencies behind their markers, so
# one lock serves Linux, macOS and Windows on Python 3.11 and later.
#
# Each lock also pins the build backend (pyproject.toml's build-system.requires): the
# project itself then installs with --no-build-isolation and nothing is downloaded
# without a hash. dev.txt is resolved first and constrains the others, so a package has
# the same version in every lock; re-running keeps the pins that still fit.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
PYTHON=${PYTHON:-.venv/bin/python}

lock() {  # lock FILE [uv options...]
  local file=$1
  shift
  "$PYTHON" -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' |
    "$UV" pip compile --quiet --no-config --universal --python-version 3.11 --generate-hashes \
      --annotation-style line --custom-compile-command "make lock" "$@" -o "$file" pyproject.toml -
  echo "locked $file"
}

# What `make test` and `make serve` install: every extra and the tools of the tests.
lock requirements/dev.txt --extra dev
# Every runtime extra (cluster, nodes, diagrams, demo, pytest, site), no test tools.
lock requirements/full.txt --extra all -c requirements/dev.txt
# The base install: `refarch design`, `refarch check` against AWS, `refarch policy`.
lock requirements/base.txt -c requirements/dev.txt
# checkov, for the Terraform tests: its own venv (.venv-checkov), since it pins
# packaging<24 and pytest 9 needs packaging>=24.
"$UV" pip compile --quiet --no-config --python-version 3.11 --generate-hashes \
  --annotation-style line --custom-compile-command "make lock" \
  -o requirements/checkov.txt requirements/checkov.in
echo "locked requirements/checkov.txt"
