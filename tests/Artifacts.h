//===--- Artifacts.h - the built programs the tests run ---------*- C++ -*-===//
//
// The driver, the plugin, the crash-test driver and the clang-tidy that loads
// the plugin are this build's, unless LOADCHECK_TEST_<NAME> in the
// environment names another build's: scripts/test-llvm.sh runs the
// version-dependent tests of this test binary against the programs built for
// another LLVM version, so that version needs no test binary of its own.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TESTS_ARTIFACTS_H
#define LOADCHECK_TESTS_ARTIFACTS_H

#include <string>

namespace loadcheck::testing {

/// $LOADCHECK_TEST_<Name> if it is set, else \p Built.
const char *artifact(const char *Name, const char *Built);

/// The LLVM version the driver and the plugin under test were built with:
/// $LOADCHECK_TEST_LLVM_VERSION (e.g. "22.1.0") if set, else this build's.
std::string artifactLlvmVersion();
/// Its major version.
int artifactLlvmMajor();

} // namespace loadcheck::testing

#define LOADCHECK_BINARY                                                       \
  ::loadcheck::testing::artifact("BINARY", LOADCHECK_BUILT_BINARY)
#define LOADCHECK_PLUGIN_PATH                                                  \
  ::loadcheck::testing::artifact("PLUGIN_PATH", LOADCHECK_BUILT_PLUGIN_PATH)
#define LOADCHECK_CRASHTEST_BINARY                                             \
  ::loadcheck::testing::artifact("CRASHTEST_BINARY",                           \
                                 LOADCHECK_BUILT_CRASHTEST_BINARY)
#define LOADCHECK_CLANG_TIDY                                                   \
  ::loadcheck::testing::artifact("CLANG_TIDY", LOADCHECK_BUILT_CLANG_TIDY)
#define LOADCHECK_OTHER_CLANG_TIDY                                             \
  ::loadcheck::testing::artifact("OTHER_CLANG_TIDY",                           \
                                 LOADCHECK_BUILT_OTHER_CLANG_TIDY)

#endif
