#!/usr/bin/env bash
# Install the test dependencies (Python packages; Debian's chromium and a CJK font for the browser
# test) and run the whole test suite (what .ci/run and the README call).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null \
            || echo "warning: could not install chromium; the browser test will be skipped" >&2
    else
        echo "warning: chromium missing and not root; the browser test will be skipped" >&2
    fi
fi
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-build-isolation -e .
python -m pytest -q "$@"
