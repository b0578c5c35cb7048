#!/usr/bin/env bash
# Builds loadcheck and runs the whole test suite (docs/llvm-versions.md,
# "In CI"), in two builds:
#   1. LLVM 19, optimised: every test (unit, model, fixture, plugin, driver,
#      CLI, reliability, install and the README's CI snippets);
#   2. LLVM 22, the driver and the plugin instrumented with ASan+UBSan: the
#      tests that depend on the LLVM version (every fixture through
#      clang-tidy-22, the CLI tests, the example service) and the driver and
#      program-model tests, run by the test binary of the first build; any
#      sanitizer report fails (docs/reliability.md, "Sanitizer builds").
# LOADCHECK_SKIP_LLVM22=1 skips the second build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir "${LOADCHECK_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
if [ "${LOADCHECK_SKIP_LLVM22:-0}" != 1 ]; then
  LOADCHECK_TEST_BUILD_DIR=${LOADCHECK_BUILD_DIR:-build} \
    bash scripts/test-llvm.sh 22 address,undefined
fi
