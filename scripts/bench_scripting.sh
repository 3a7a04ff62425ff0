#!/usr/bin/env bash
# Scripting, Swirl vs redis-server side by side (docs/PERFORMANCE.md). Usage: scripts/bench_scripting.sh [--requests N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .build/release/swirl-server ] || swift build -c release --product swirl-server
exec python3 scripts/bench_scripting.py "$@"
