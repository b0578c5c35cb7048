//===--- Sanitizer.h - tests that cannot run in a sanitized build -*- C++
//-*-===//
#ifndef LOADCHECK_TESTS_SANITIZER_H
#define LOADCHECK_TESTS_SANITIZER_H

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
/// CI runs them in its optimised build (scripts/test.sh).
#define LOADCHECK_SKIP_IF_SANITIZED(Why)                                       \
  do {                                                                         \
    if (::loadcheck::testing::SanitizedBuild)                                  \
      GTEST_SKIP() << "sanitized build: " << (Why);                            \
  } while (false)

#endif
