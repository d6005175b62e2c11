# Shared by the dev/ scripts that drive container engines. Source it; it sets
#   root   the repository root
#   cache  the cache folder (.cache/ in the repo, or $OPENRUN_CACHE)
# and exports CONTAINERS_CONF (dev/containers.conf unless already set) so the
# host's Podman 4.3 works on this kind of machine.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
cache="${OPENRUN_CACHE:-$root/.cache}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/dev/containers.conf}"

# The busybox test image every engine test uses.
# shellcheck disable=SC2034
TEST_IMAGE="localhost/openrun-test-busybox:latest"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Seconds since the epoch with milliseconds, for timings in logs.
now_ms() { date +%s%3N; }
