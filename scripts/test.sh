#!/usr/bin/env bash
# The README's test command: install dependencies, build, run every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build
cd build && ctest --output-on-failure -j2 "$@"
