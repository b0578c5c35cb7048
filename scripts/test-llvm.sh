#!/usr/bin/env bash
# Builds loadcheck against another supported LLVM major version into its own
# build directory and runs the tests that depend on the version:
#   bash scripts/test-llvm.sh 22
# the fixtures through that version's `clang-tidy -load=libloadcheck.so`
# (and its refusal by the other version), the driver's CLI tests and the
# example service. The rest of the suite tests LLVM-independent code, which
# the full run on the default version covers. This build is not instrumented,
# so it also runs what scripts/sanitize.sh cannot: the crash-injection tests,
# the robustness sweep, CMake's clang-tidy integration, the install and .deb
# and the README's CI snippets. LOADCHECK_LLVM_TESTS (ctest -R) chooses
# other tests.
set -euo pipefail
cd "$(dirname "$0")/.."
major=${1:?usage: scripts/test-llvm.sh <LLVM major version>}
build_dir=${LOADCHECK_LLVM_BUILD_DIR:-build-llvm$major}
tests=${LOADCHECK_LLVM_TESTS:-'PluginSectionTest|^Plugin\.|^Cases/CliTest\.|^ExampleService\.FindingsAreExactlyTheBadMarkers$|CrashIsolation\.|^robustness\.|^BuildIntegration\.|^install\.|^readme\.'}

start=$(date +%s)
LOADCHECK_BUILD_DIR=$build_dir bash scripts/build.sh -DLOADCHECK_LLVM_MAJOR="$major"
built=$(date +%s)
status=0
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" \
  -R "$tests" || status=$?
echo "test-llvm.sh: LLVM $major: build $((built - start)) s," \
  "tests $(($(date +%s) - built)) s, status $status"
exit "$status"
