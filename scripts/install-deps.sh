#!/usr/bin/env bash
# Installs everything loadcheck needs to build and test on Debian bookworm.
# Runs as root (CI) or through sudo.
set -euo pipefail

packages=(
  cmake ninja-build pkg-config
  clang-19 clang-tidy-19 llvm-19-dev libclang-19-dev libclang-cpp19-dev
  libfmt-dev libcli11-dev libgtest-dev
  # a clang-tidy of another LLVM version: the plugin must refuse it
  clang-tidy-14
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
  # the sanitizer runtimes of clang 19 (scripts/sanitize.sh, LOADCHECK_SANITIZE)
  libclang-rt-19-dev
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
