#!/usr/bin/env bash
# Builds loadcheck with sanitizers into its own build directory and runs the
# tests under them (docs/reliability.md, "Sanitizer builds"):
#   bash scripts/sanitize.sh [address,undefined | thread]
# LOADCHECK_SANITIZE_TESTS (ctest -R) and LOADCHECK_SANITIZE_EXCLUDE
# (ctest -E) choose the tests. Sanitizer reports of every process, workers
# included, are collected in <build>/sanitizer-reports; any report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sanitizer-reports.sh
sanitizers=${1:-address,undefined}
case $sanitizers in
  thread) default_dir=build-tsan ;;
  *) default_dir=build-asan ;;
esac
build_dir=${LOADCHECK_SANITIZE_BUILD_DIR:-$default_dir}
tests=${LOADCHECK_SANITIZE_TESTS:-.}
# Left out: the install and .deb tests and the CI snippets of the README and
# docs/ci.md (they package and run the driver the CLI tests run). The
# crash-injection tests skip themselves here and the robustness tests are not defined in a
# sanitized build; CI runs them in its optimised build (scripts/test.sh).
exclude=${LOADCHECK_SANITIZE_EXCLUDE:-'^install\.|^readme\.|^docs-ci\.'}

start=$(date +%s)
LOADCHECK_BUILD_DIR=$build_dir bash scripts/build.sh \
  -DLOADCHECK_SANITIZE="$sanitizers"
built=$(date +%s)

reports=$build_dir/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
status=0
ASAN_OPTIONS=log_path=$PWD/$reports/asan \
UBSAN_OPTIONS=log_path=$PWD/$reports/ubsan \
TSAN_OPTIONS=log_path=$PWD/$reports/tsan \
  ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" \
  -R "$tests" -E "$exclude" || status=$?
sanitizer_reports_found sanitize.sh "$reports" || status=1
echo "sanitize.sh: $sanitizers: build $((built - start)) s," \
  "tests $(($(date +%s) - built)) s, status $status"
exit "$status"
