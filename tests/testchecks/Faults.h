//===--- Faults.h - the ways a check can fail, for the tests ----*- C++ -*-===//
//
// Test-only. Each function fails the calling process the way a buggy check
// would; the driver must turn every one of them into an error for that file
// alone. Kept free of LLVM headers so that Faults.cpp can enable assert()
// whatever the build type (NDEBUG changes the layout of nothing here).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TESTS_TESTCHECKS_FAULTS_H
#define LOADCHECK_TESTS_TESTCHECKS_FAULTS_H

namespace loadcheck::testonly {

[[noreturn]] void writeThroughNull();
[[noreturn]] void failAssertion();
[[noreturn]] void abortProcess();
[[noreturn]] void overflowStack();
[[noreturn]] void throwUncaught();
/// Spins on the CPU forever, as a check stuck in a loop does.
[[noreturn]] void spinForever();
/// SIGKILL, as the out-of-memory killer sends it.
[[noreturn]] void killSelf();

} // namespace loadcheck::testonly

#endif // LOADCHECK_TESTS_TESTCHECKS_FAULTS_H
