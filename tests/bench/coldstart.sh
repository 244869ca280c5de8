#!/usr/bin/env bash
# Cold-start benchmark (prints numbers; not a pass/fail test). Usually run as ./tollgate bench-coldstart, which
# picks the JDK, builds the router jar if stale and the Runtime Interface Emulator if missing, and sets
# TOLLGATE_RIE. Options: --runs N (default 5), --skip-profile. See docs/performance-coldstart.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec python3 "$ROOT/tests/bench/coldstart.py" "$@"
