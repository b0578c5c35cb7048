#!/usr/bin/env bash
# Builds loadcheck and runs the whole test suite (unit, fixture, plugin and
# CLI tests) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir "${LOADCHECK_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"

# ---- sanitizer build (docs/reliability.md, "Sanitizer builds") ----
# A second build with ASan+UBSan runs the unit, model, driver and fixture
# tests; LOADCHECK_SKIP_SANITIZERS=1 skips it.
if [ "${LOADCHECK_SKIP_SANITIZERS:-0}" != 1 ]; then
  bash scripts/sanitize.sh address,undefined
fi
# ---- end sanitizer build ----
