#!/bin/sh
# Generates dist/openrun-server.mjs, a Node server for a Hono app that has no
# npm start script: it imports the app's default export from src/index.*
# and serves it with @hono/node-server. Used by the image build and dev mode.
set -eu

if node -e "process.exit(require('./package.json').scripts?.start ? 0 : 1)"; then
  exit 0
fi

npm install --save @hono/node-server
npm install --save-dev esbuild

entry=""
for candidate in src/index.tsx src/index.ts src/index.jsx src/index.js; do
  if [ -f "$candidate" ]; then
    entry="$candidate"
    break
  fi
done
if [ -z "$entry" ]; then
  echo "openrun: no npm start script and none of src/index.{tsx,ts,jsx,js}" >&2
  exit 1
fi

mkdir -p .openrun-hono dist
cat > .openrun-hono/server-entry.ts <<ENTRY
import { serve } from '@hono/node-server'
import app from '../${entry}'

const port = Number(process.env.PORT || 3000)
const hostname = process.env.HOST || process.env.HOSTNAME || '0.0.0.0'
serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log('Hono server listening on http://' + info.address + ':' + info.port)
})
ENTRY
npx esbuild .openrun-hono/server-entry.ts --bundle --platform=node --format=esm \
  --packages=external --outfile=dist/openrun-server.mjs
