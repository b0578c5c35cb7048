#!/usr/bin/env bash
# Builds loadcheck against another supported LLVM major version into its own
# build directory and runs the tests that depend on the version:
#   bash scripts/test-llvm.sh 22
# Only the programs are built for that version (the driver, the plugin, the
# crash-test driver); the test binary of the default version's build
# ($LOADCHECK_TEST_BUILD_DIR: build-asan, else build) runs against them
# through LOADCHECK_TEST_* (tests/Artifacts.h): the fixtures through that
# version's `clang-tidy -load=libloadcheck.so` (and its refusal by the other
# version), the driver's CLI tests and the example service. The rest of the
# suite tests LLVM-independent code, which the full run on the default version
# covers. This build is not instrumented, so it also runs what
# scripts/sanitize.sh cannot: the crash-injection tests, the robustness sweep,
# CMake's clang-tidy integration, the install and .deb and the README's CI
# snippets. LOADCHECK_LLVM_TESTS (ctest -R on the test binary) and
# LOADCHECK_LLVM_SCRIPT_TESTS (ctest -R on this build's script tests) choose
# other tests.
set -euo pipefail
cd "$(dirname "$0")/.."
major=${1:?usage: scripts/test-llvm.sh <LLVM major version>}
build_dir=${LOADCHECK_LLVM_BUILD_DIR:-build-llvm$major}
tests=${LOADCHECK_LLVM_TESTS:-'PluginSectionTest|^Plugin\.|^Cases/CliTest\.|^ExampleService\.FindingsAreExactlyTheBadMarkers$|CrashIsolation\.|^BuildIntegration\.'}
script_tests=${LOADCHECK_LLVM_SCRIPT_TESTS:-'^robustness\.|^install\.|^readme\.'}
test_build=${LOADCHECK_TEST_BUILD_DIR:-}
if [ -z "$test_build" ]; then
  for dir in build-asan build; do
    if [ -x "$dir/tests/loadcheck_tests" ]; then test_build=$dir; break; fi
  done
fi
if [ -z "$test_build" ] || [ ! -x "$test_build/tests/loadcheck_tests" ]; then
  echo "test-llvm.sh: no test binary in build-asan or build (or" \
    "\$LOADCHECK_TEST_BUILD_DIR): run scripts/build.sh first" >&2
  exit 2
fi

start=$(date +%s)
LOADCHECK_BUILD_DIR=$build_dir \
LOADCHECK_BUILD_TARGETS='loadcheck loadcheck_plugin loadcheck_crashtest' \
  bash scripts/build.sh -DLOADCHECK_LLVM_MAJOR="$major"
built=$(date +%s)

cached() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
version=$("$build_dir/tool/loadcheck" --version |
  sed -n 's/.*built with LLVM \([0-9][0-9.]*\).*/\1/p')
status=0
LOADCHECK_TEST_BINARY=$PWD/$build_dir/tool/loadcheck \
LOADCHECK_TEST_PLUGIN_PATH=$PWD/$build_dir/checks/libloadcheck.so \
LOADCHECK_TEST_CRASHTEST_BINARY=$PWD/$build_dir/tests/loadcheck_crashtest \
LOADCHECK_TEST_CLANG_TIDY=$(cached LOADCHECK_CLANG_TIDY) \
LOADCHECK_TEST_OTHER_CLANG_TIDY=$(cached LOADCHECK_OTHER_CLANG_TIDY) \
LOADCHECK_TEST_LLVM_VERSION=$version \
  ctest --test-dir "$test_build" --output-on-failure -j "$(nproc)" \
  -R "$tests" || status=$?
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" \
  -R "$script_tests" || status=$?
echo "test-llvm.sh: LLVM $major ($version): build $((built - start)) s," \
  "tests $(($(date +%s) - built)) s, status $status"
exit "$status"
