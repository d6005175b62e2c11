#!/usr/bin/env bash
# Starts the Reflex app: database migrations when the app has them, Caddy
# (frontend files and the backend routes on $PORT), redis, then the backend.
set -euo pipefail

if [ -d alembic ]; then
  reflex db migrate
fi
caddy start --config /app/Caddyfile --adapter caddyfile
redis-server --daemonize yes
exec reflex run --env prod --backend-only
