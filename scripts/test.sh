#!/usr/bin/env bash
# Builds loadcheck and runs the whole test suite (docs/reliability.md,
# "Sanitizer builds"; docs/llvm-versions.md, "In CI"), in two builds:
#   1. LLVM 19 instrumented with ASan+UBSan: every test (unit, model,
#      fixture, plugin, driver and CLI tests), any sanitizer report fails;
#   2. LLVM 22, uninstrumented: the tests that depend on the LLVM version
#      (the plugin through clang-tidy-22, the CLI tests, the example service)
#      and those that need an uninstrumented build (crash injection, the
#      robustness sweep, the install and .deb, the README's CI snippets).
# LOADCHECK_SKIP_LLVM22=1 skips the second build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/sanitize.sh address,undefined
if [ "${LOADCHECK_SKIP_LLVM22:-0}" != 1 ]; then
  bash scripts/test-llvm.sh 22
fi
