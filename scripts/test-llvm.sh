#!/usr/bin/env bash
# Builds loadcheck's driver and plugin against another supported LLVM major
# version, optionally instrumented, and runs the tests that depend on the
# version against them:
#   bash scripts/test-llvm.sh 22 [address,undefined]
# The test binary is the default version's ($LOADCHECK_TEST_BUILD_DIR, else
# build): it runs against the programs of this build through LOADCHECK_TEST_*
# (tests/Artifacts.h), so this version needs no test binary of its own. The
# tests: every fixture through that version's `clang-tidy -load` (and the
# plugin's refusal by the other version), the driver's CLI tests and the
# example service; with sanitizers (docs/reliability.md, "Sanitizer builds")
# also the driver's and the program model's tests (cache, shards, merge, the
# link stage over multi-file projects, bad input, time limits), and any
# sanitizer report of any process fails. LOADCHECK_LLVM_TESTS (ctest -R)
# chooses other tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sanitizer-reports.sh
major=${1:?usage: scripts/test-llvm.sh <LLVM major version> [sanitizers]}
sanitizers=${2:-}
build_dir=${LOADCHECK_LLVM_BUILD_DIR:-build-llvm$major${sanitizers:+-sanitized}}
test_build=${LOADCHECK_TEST_BUILD_DIR:-build}
versioned='PluginSectionTest|^Plugin\.|^Cases/CliTest\.|^ExampleService\.FindingsAreExactlyTheBadMarkers$'
driver='^ProgramFacts\.|^ProgramModel\.|^Cache|^ShardMerge\.|^Timeout\.'
tests=${LOADCHECK_LLVM_TESTS:-$versioned${sanitizers:+|$driver}}
if [ ! -x "$test_build/tests/loadcheck_tests" ]; then
  echo "test-llvm.sh: no test binary in $test_build (\$LOADCHECK_TEST_BUILD_DIR):" \
    "run scripts/build.sh first" >&2
  exit 2
fi

start=$(date +%s)
LOADCHECK_BUILD_DIR=$build_dir \
LOADCHECK_BUILD_TARGETS='loadcheck loadcheck_plugin' \
  bash scripts/build.sh -DLOADCHECK_LLVM_MAJOR="$major" \
  -DLOADCHECK_SANITIZE="$sanitizers"
built=$(date +%s)

# The clang-tidy executables that load the plugin: in a sanitized build the
# scripts that load the sanitizer runtime first (cmake/Sanitizers.cmake).
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
host() {
  local hosted
  hosted=$build_dir/plugin-hosts/$(basename "$1")-$2
  if [ -x "$hosted" ]; then echo "$PWD/$hosted"; else echo "$1"; fi
}
tidy=$(cached LOADCHECK_CLANG_TIDY)
other_tidy=$(cached LOADCHECK_OTHER_CLANG_TIDY)
other_major=$(echo "$other_tidy" | sed -n 's/.*llvm-\([0-9]*\).*/\1/p')
version=$("$build_dir/tool/loadcheck" --version |
  sed -n 's/.*built with LLVM \([0-9][0-9.]*\).*/\1/p')

reports=$build_dir/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
status=0
# A 64 MB quarantine (256 MB by default) still catches a use after free of
# anything freed since, and takes a fifth off the instrumented runs' time.
ASAN_OPTIONS=log_path=$PWD/$reports/asan:quarantine_size_mb=64 \
UBSAN_OPTIONS=log_path=$PWD/$reports/ubsan \
LOADCHECK_TEST_BINARY=$PWD/$build_dir/tool/loadcheck \
LOADCHECK_TEST_PLUGIN_PATH=$PWD/$build_dir/checks/libloadcheck.so \
LOADCHECK_TEST_CLANG_TIDY=$(host "$tidy" "$major") \
LOADCHECK_TEST_OTHER_CLANG_TIDY=$(host "$other_tidy" "$other_major") \
LOADCHECK_TEST_LLVM_VERSION=$version \
  ctest --test-dir "$test_build" --output-on-failure -j "$(nproc)" \
  -R "$tests" || status=$?
sanitizer_reports_found test-llvm.sh "$reports" || status=1
echo "test-llvm.sh: LLVM $major ($version${sanitizers:+, $sanitizers}):" \
  "build $((built - start)) s, tests $(($(date +%s) - built)) s, status $status"
exit "$status"
