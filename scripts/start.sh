#!/usr/bin/env bash
# Install planqa, index corpus/ and answer an example question (the app will be started here once it exists).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements.txt
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-build-isolation -e .
python embed.py
if python -c "import planqa.answer" 2>/dev/null; then
    python -m planqa ask "开平市到2025年高新技术企业目标是多少？"
else
    python -m planqa search -k 3 "开平市到2025年高新技术企业目标是多少？"
fi
