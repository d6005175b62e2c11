#!/usr/bin/env bash
# Starts the Streamlit app named by the app_file param (streamlit_app.py by
# default; "hello" runs Streamlit's demo) under the app's path.
set -euo pipefail

if [ "${app_file:-}" = "hello" ]; then
  set -- hello
else
  set -- run "${app_file:-streamlit_app.py}"
fi

exec streamlit "$@" \
  --server.address=0.0.0.0 \
  --server.baseUrlPath="${CL_APP_PATH:-/}"
