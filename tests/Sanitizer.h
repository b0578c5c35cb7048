//===--- Sanitizer.h - tests that cannot run in a sanitized build -*- C++
//-*-===//
#ifndef LOADCHECK_TESTS_SANITIZER_H
#define LOADCHECK_TESTS_SANITIZER_H

#include "tests/Artifacts.h"

#include <gtest/gtest.h>

namespace loadcheck::testing {

#ifdef LOADCHECK_SANITIZED
inline constexpr bool SanitizedBuild = true;
#else
inline constexpr bool SanitizedBuild = false;
#endif

} // namespace loadcheck::testing

/// The tests that crash a worker on purpose: a sanitizer runtime catches the
/// injected segfault / stack overflow itself and reports it as a sanitizer
/// error (which fails the sanitized run), so the crash they prove differs.
/// They run in CI against the uninstrumented LLVM 22 build's crash-test
/// driver (scripts/test-llvm.sh), which replaces this build's.
#define LOADCHECK_SKIP_IF_SANITIZED(Why)                                       \
  do {                                                                         \
    if (::loadcheck::testing::SanitizedBuild &&                                \
        !::loadcheck::testing::artifactReplaced("CRASHTEST_BINARY"))           \
      GTEST_SKIP() << "sanitized build: " << (Why);                            \
  } while (false)

#endif
