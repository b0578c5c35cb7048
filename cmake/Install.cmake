# Installation layout and the Debian package (`cpack -G DEB` in the build
# directory). Paths are relative to the prefix, so a staged install
# (`cmake --install build --prefix DIR`), `DESTDIR` and the package all work:
#   bin/loadcheck                         the driver
#   lib/loadcheck/libloadcheck.so         the clang-tidy plugin
#   share/loadcheck/docs/checks/*.md      pages of --explain (found relative
#                                         to the executable, tool/Explain.cpp)
#   share/loadcheck/profile/              the high-traffic .clang-tidy
#   share/man/man1/loadcheck.1            the man page
#   share/doc/loadcheck/                  README, guides, LICENSE, copyright
# --explain's pages are not under share/doc: container images often drop
# /usr/share/doc (dpkg path-exclude), and the driver needs them.
include(GNUInstallDirs)

set(LOADCHECK_INSTALL_PLUGINDIR "lib/loadcheck")
set(LOADCHECK_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/loadcheck")
set(LOADCHECK_INSTALL_DOCDIR "${CMAKE_INSTALL_DATADIR}/doc/loadcheck")

install(TARGETS loadcheck RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS loadcheck_plugin
        LIBRARY DESTINATION "${LOADCHECK_INSTALL_PLUGINDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/checks/"
        DESTINATION "${LOADCHECK_INSTALL_DATADIR}/docs/checks"
        FILES_MATCHING PATTERN "loadcheck-*.md")
install(FILES "${PROJECT_SOURCE_DIR}/docs/profile/high-traffic.clang-tidy"
        DESTINATION "${LOADCHECK_INSTALL_DATADIR}/profile")
install(FILES "${PROJECT_SOURCE_DIR}/docs/loadcheck.1"
        DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

configure_file("${PROJECT_SOURCE_DIR}/cmake/copyright.in"
               "${PROJECT_BINARY_DIR}/copyright" @ONLY)
install(FILES "${PROJECT_SOURCE_DIR}/README.md"
              "${PROJECT_SOURCE_DIR}/LICENSE"
              "${PROJECT_SOURCE_DIR}/docs/ci.md"
              "${PROJECT_SOURCE_DIR}/docs/formats.md"
              "${PROJECT_SOURCE_DIR}/docs/reliability.md"
              "${PROJECT_BINARY_DIR}/copyright"
        DESTINATION "${LOADCHECK_INSTALL_DOCDIR}")

# ---- the Debian package ----
# Runtime dependencies only: dpkg-shlibdeps derives the shared libraries
# (libc6, libstdc++6, libllvm19, libclang-cpp19, libfmt...) from the
# binaries; clang's builtin headers (stddef.h...) come from
# libclang-common-19-dev, whose resource directory the driver passes to every
# compilation (LOADCHECK_CLANG_RESOURCE_DIR). The plugin needs the matching
# clang-tidy, which the driver does not: a suggestion.
set(LOADCHECK_PACKAGE_MAINTAINER
    "The loadcheck authors <${LOADCHECK_HOME_URL}/issues>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "loadcheck")
set(CPACK_PACKAGE_VENDOR "The loadcheck authors")
set(CPACK_PACKAGE_CONTACT "${LOADCHECK_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "static analysis of C and C++ services for high traffic")
set(CPACK_PACKAGE_DESCRIPTION
    "loadcheck finds code that breaks under load in C and C++ services: \
threads and locks, timeouts, clients created per request, TLS settings, SQL \
built from strings, and more. It is a driver over clang-tidy checks (with \
SARIF, GitHub, GitLab and JSON reports, baselines and a cache) and the same \
checks as a clang-tidy-${LLVM_VERSION_MAJOR} plugin.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${LOADCHECK_HOME_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libclang-common-${LLVM_VERSION_MAJOR}-dev")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "clang-tidy-${LLVM_VERSION_MAJOR}")
include(CPack)
