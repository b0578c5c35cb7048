//===--- Sanitizer.h - tests that cannot run in a sanitized build -*- C++
//-*-===//
#ifndef LOADCHECK_TESTS_SANITIZER_H
#define LOADCHECK_TESTS_SANITIZER_H

#include <gtest/gtest.h>

namespace loadcheck::testing {

/// In a LOADCHECK_SANITIZE build libloadcheck.so needs the sanitizer runtime,
/// which the installed (uninstrumented) clang-tidy-19 does not load first:
/// the plugin cannot be loaded there. Its checks run in-process instead.
#ifdef LOADCHECK_SANITIZED
inline constexpr bool PluginLoadable = false;
#else
inline constexpr bool PluginLoadable = true;
#endif

} // namespace loadcheck::testing

#define LOADCHECK_SKIP_UNLESS_PLUGIN_LOADABLE()                                \
  do {                                                                         \
    if (!::loadcheck::testing::PluginLoadable)                                 \
      GTEST_SKIP() << "sanitized build: an uninstrumented clang-tidy-19 "      \
                      "cannot load the sanitized plugin";                      \
  } while (false)

/// The tests that crash a worker on purpose: a sanitizer runtime catches the
/// injected segfault / stack overflow itself and reports it as a sanitizer
/// error (which fails the sanitized run), so the crash they prove differs.
#define LOADCHECK_SKIP_IF_SANITIZED(Why)                                       \
  do {                                                                         \
    if (!::loadcheck::testing::PluginLoadable)                                 \
      GTEST_SKIP() << "sanitized build: " << (Why);                            \
  } while (false)

#endif
