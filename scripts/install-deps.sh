#!/usr/bin/env bash
# Installs everything loadcheck needs to build and test on Debian bookworm.
# Runs as root (CI) or through sudo.
set -euo pipefail

packages=(
  cmake ninja-build
  clang-19 clang-tidy-19 llvm-19-dev libclang-19-dev libclang-cpp19-dev
  libfmt-dev libcli11-dev libgtest-dev
  # a clang-tidy of another LLVM version: the plugin must refuse it
  clang-tidy-14
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
