#!/usr/bin/env bash
# Builds loadcheck against LLVM 19 and runs the whole test suite (unit,
# fixture, plugin and CLI tests) through CTest; then the sanitizer stage and
# the LLVM 22 leg (docs/llvm-versions.md, "In CI").
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

# ---- other LLVM versions (docs/llvm-versions.md) ----
# The plugin through clang-tidy-22, the driver's CLI tests and the example
# service, built against LLVM 22; LOADCHECK_SKIP_LLVM22=1 skips it.
if [ "${LOADCHECK_SKIP_LLVM22:-0}" != 1 ]; then
  bash scripts/test-llvm.sh 22
fi
# ---- end other LLVM versions ----
