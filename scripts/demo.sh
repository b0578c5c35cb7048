#!/usr/bin/env bash
# Builds loadcheck and the example service's compilation database, then runs
# loadcheck over the service. Exits with loadcheck's exit code (1: findings).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOADCHECK_BUILD_DIR:-build}
bash scripts/build.sh
cmake -S examples/service -B "$build_dir/example-service" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 >/dev/null
set +e
"$build_dir/tool/loadcheck" -p "$build_dir/example-service" examples/service
status=$?
set -e
echo "loadcheck exited with $status (0 clean, 1 findings, 2 usage error, 3 a file could not be analysed)"
exit "$status"
