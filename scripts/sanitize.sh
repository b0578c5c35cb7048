#!/usr/bin/env bash
# Builds loadcheck with sanitizers into its own build directory and runs the
# tests under them (docs/reliability.md, "Sanitizer builds"):
#   bash scripts/sanitize.sh [address,undefined | thread]
# LOADCHECK_SANITIZE_TESTS (ctest -R) and LOADCHECK_SANITIZE_EXCLUDE
# (ctest -E) choose the tests. Sanitizer reports of every process, workers
# included, are collected in <build>/sanitizer-reports; any report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizers=${1:-address,undefined}
case $sanitizers in
  thread) default_dir=build-tsan ;;
  *) default_dir=build-asan ;;
esac
build_dir=${LOADCHECK_SANITIZE_BUILD_DIR:-$default_dir}
tests=${LOADCHECK_SANITIZE_TESTS:-.}
# Not under sanitizers, to keep CI under its time limit: the fix-it compile
# tests (the same check code runs in the fixture tests; their cost is clang++
# compiling), the fixtures run again as test code (the same check code as the
# fixture tests, under another configuration), the run over all of
# loadcheck's own sources (the robustness sweep's job), the example-service
# runs (the same driver paths as the CLI tests, over 17 heavy translation
# units, 19 times) and the install tests (packaging, no code of ours runs
# that the CLI tests do not run), and the CI snippets of the README and
# docs/ci.md (the same driver on the example service). The plugin tests and
# the crash-injection tests skip themselves; the robustness label is left
# out.
exclude=${LOADCHECK_SANITIZE_EXCLUDE:-FixItTest|FixtureAsTestCode|Precision.SilentOnOwnSources|ExampleService|^install\.|^readme\.|^docs-ci\.}

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
  -R "$tests" -E "$exclude" -LE robustness || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitize.sh: sanitizer reports in $reports:" >&2
  cat "$reports"/* >&2
  status=1
fi
echo "sanitize.sh: $sanitizers: build $((built - start)) s," \
  "tests $(($(date +%s) - built)) s, status $status"
exit "$status"
