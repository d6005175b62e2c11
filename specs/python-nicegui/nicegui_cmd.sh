#!/usr/bin/env bash
# Starts the NiceGUI app file (the app_file param, main.py by default).
set -euo pipefail

exec python "${app_file:-main.py}"
