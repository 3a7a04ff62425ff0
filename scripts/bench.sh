#!/usr/bin/env bash
# Swirl vs redis-server side by side (see docs/PERFORMANCE.md). Usage: scripts/bench.sh [--quick] [...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/swirl-server ] || swift build -c release
exec python3 scripts/bench.py "$@"
