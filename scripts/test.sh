#!/usr/bin/env bash
# Install the test dependencies and run the whole test suite (what .ci/run and the README call).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-build-isolation -e .
python -m pytest -q "$@"
