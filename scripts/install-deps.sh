#!/usr/bin/env bash
# Installs everything loadcheck needs to build and test on Debian bookworm.
# Runs as root (CI) or through sudo.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config
  # every supported LLVM version (docs/llvm-versions.md): 19, the default
  # and the full test suite, and 22; each one's clang-tidy also proves that
  # a plugin built for the other version is refused
  clang-19 clang-tidy-19 llvm-19-dev libclang-19-dev libclang-cpp19-dev
  clang-22 clang-tidy-22 llvm-22-dev libclang-22-dev
  libfmt-dev libcli11-dev libgtest-dev
  # real headers of the service libraries the checks understand; fixtures and
  # the example service compile against them (never hand-written stand-ins)
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libpqxx-dev libpq-dev libhiredis-dev default-libmysqlclient-dev
  libsqlite3-dev libpoco-dev libboost-dev libspdlog-dev nlohmann-json3-dev
  libevent-dev libmicrohttpd-dev
  # SARIF schema validation in the driver tests; clang-apply-replacements-19
  # applies --export-fixes output in the driver tests
  python3-jsonschema clang-tools-19
  # the install and package tests: cpack's DEB generator and its tools
  dpkg-dev binutils man-db
  # the test that runs the README's CI snippets reads their YAML
  python3-yaml
  # the sanitizer runtimes of clang 19 and 22 (scripts/sanitize.sh,
  # scripts/test-llvm.sh in CI, LOADCHECK_SANITIZE)
  libclang-rt-19-dev libclang-rt-22-dev
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
