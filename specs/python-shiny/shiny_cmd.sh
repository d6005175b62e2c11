#!/usr/bin/env bash
# Starts the Shiny app file (the app_file param, app.py by default) on port 8000.
set -euo pipefail

exec shiny run --host 0.0.0.0 --port 8000 "${app_file:-app.py}"
