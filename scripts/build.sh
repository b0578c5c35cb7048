#!/usr/bin/env bash
# Configures and builds loadcheck into ./build (or $LOADCHECK_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOADCHECK_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
  -DCMAKE_CXX_COMPILER=clang++-19 "$@"
cmake --build "$build_dir"
