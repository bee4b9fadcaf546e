#!/usr/bin/env bash
# Install planqa, index corpus/ (incremental: unchanged documents are not re-embedded), then start
# the app on http://localhost:8501 (extra arguments go to `streamlit run`, e.g. --server.port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r requirements.txt
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-build-isolation -e .
python embed.py
exec python -m streamlit run app.py --server.headless true "$@"
