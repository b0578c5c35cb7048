#!/usr/bin/env bash
# Configures and builds loadcheck into ./build (or $LOADCHECK_BUILD_DIR).
# Arguments go to CMake; -DLOADCHECK_LLVM_MAJOR=22 (or $LOADCHECK_LLVM_MAJOR)
# builds against LLVM 22 instead of 19, compiled by the clang of that version.
# $LOADCHECK_BUILD_TARGETS (space-separated) builds only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LOADCHECK_BUILD_DIR:-build}
major=${LOADCHECK_LLVM_MAJOR:-19}
for arg in "$@"; do
  case $arg in -DLOADCHECK_LLVM_MAJOR=*) major=${arg#*=} ;; esac
done
cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}" \
  -DCMAKE_CXX_COMPILER="clang++-$major" -DLOADCHECK_LLVM_MAJOR="$major" "$@"
# shellcheck disable=SC2086 # a list of target names
cmake --build "$build_dir" ${LOADCHECK_BUILD_TARGETS:+--target $LOADCHECK_BUILD_TARGETS}
