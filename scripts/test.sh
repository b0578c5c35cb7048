#!/usr/bin/env bash
# Builds loadcheck and runs the whole test suite (unit, fixture, plugin and
# CLI tests) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir "${LOADCHECK_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
