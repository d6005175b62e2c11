#!/usr/bin/env bash
# Starts the Gradio app file (the app_file param, run.py by default) under
# the app's path on all interfaces.
set -euo pipefail

export GRADIO_ROOT_PATH="${CL_APP_PATH:-}"
export GRADIO_SERVER_NAME=0.0.0.0

exec python "${app_file:-run.py}"
