//===--- Faults.cpp - the ways a check can fail, for the tests ------------===//
//
// Test-only; linked into loadcheck_crashtest, never into loadcheck or the
// plugin. Every fault is written so that the optimiser of a Release build
// keeps it: the null pointer and the recursion limit are volatile, and the
// recursion passes its frame's address on, so it can become neither a loop
// nor a trap instruction.
//
//===----------------------------------------------------------------------===//
#undef NDEBUG // the assertion must fire in Release builds too
#include "tests/testchecks/Faults.h"

#include <cassert>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <sys/resource.h>

namespace loadcheck::testonly {

namespace {
int *volatile NullTarget = nullptr;
volatile int RecursionLimit = INT_MAX;
volatile bool Forever = true;
volatile unsigned long Spins = 0;

[[gnu::noinline]] int recurse(volatile char *Caller, int Depth) {
  volatile char Frame[512];
  Frame[0] = static_cast<char>(Depth);
  Frame[1] = Caller ? Caller[0] : 0;
  if (Depth == RecursionLimit)
    return Frame[1];
  return recurse(Frame, Depth + 1) + Frame[0];
}
} // namespace

void writeThroughNull() {
  *NullTarget = 1;
  std::abort(); // NOLINT(loadcheck-abrupt-termination): unreachable
}

void failAssertion() {
  assert(NullTarget != nullptr && "injected assertion failure");
  std::abort(); // NOLINT(loadcheck-abrupt-termination): unreachable
}

void abortProcess() {
  std::abort(); // NOLINT(loadcheck-abrupt-termination): the fault itself
}

void overflowStack() {
  // Bounded whatever `ulimit -s` says: an unlimited stack would otherwise
  // grow until the machine runs out of memory.
  rlimit Limit{};
  if (getrlimit(RLIMIT_STACK, &Limit) == 0 &&
      (Limit.rlim_cur == RLIM_INFINITY || Limit.rlim_cur > (8u << 20))) {
    Limit.rlim_cur = 8u << 20;
    setrlimit(RLIMIT_STACK, &Limit);
  }
  recurse(nullptr, 0);
  std::abort(); // NOLINT(loadcheck-abrupt-termination): unreachable
}

void throwUncaught() {
  throw std::runtime_error("injected uncaught exception");
}

void spinForever() {
  while (Forever)
    Spins = Spins + 1;
  std::abort(); // NOLINT(loadcheck-abrupt-termination): unreachable
}

void killSelf() {
  std::raise(SIGKILL);
  std::abort(); // NOLINT(loadcheck-abrupt-termination): unreachable
}

} // namespace loadcheck::testonly
