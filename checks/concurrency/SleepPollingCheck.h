//===--- SleepPollingCheck.h ------------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_SLEEPPOLLINGCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_SLEEPPOLLINGCHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::concurrency {

/// Flags a loop whose condition reads a flag, an atomic or other state and
/// whose body's only waiting is a sleep call, busy polling that wastes CPU
/// and adds latency.
///
/// The condition is the loop's own, or for `while (true)`/`for (;;)` the
/// condition of an `if (...) break;` or `if (...) return;` directly in the
/// body. The sleep is `std::this_thread::sleep_for`/`sleep_until`, `usleep`,
/// `sleep` or `nanosleep`. Not flagged: a loop whose condition the loop
/// itself changes (a retry counter, `ok = tryConnect()`), a loop that also
/// waits or consumes input each iteration (condition-variable or future
/// waits, queue pops, socket or file reads) or processes items (a range-for
/// inside), a loop whose condition only reads the clock (a timed wait).
class SleepPollingCheck final : public model::TestCodeAwareCheck {
public:
  SleepPollingCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : TestCodeAwareCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // usleep, nanosleep and sleep loops too
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// Spelled locations already reported (template instantiations).
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_SLEEPPOLLINGCHECK_H
