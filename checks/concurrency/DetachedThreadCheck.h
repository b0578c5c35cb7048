//===--- DetachedThreadCheck.h ----------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_DETACHEDTHREADCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_DETACHEDTHREADCHECK_H

#include "clang-tidy/ClangTidyCheck.h"

namespace loadcheck::concurrency {

/// Flags threads that are detached: a detached thread cannot be joined at
/// shutdown, outlives the objects it uses, and its failures are invisible.
///
/// Covers `std::thread::detach()`, `std::jthread::detach()`,
/// `boost::thread::detach()`, `pthread_detach()` and
/// `pthread_attr_setdetachstate(..., PTHREAD_CREATE_DETACHED)`.
class DetachedThreadCheck final : public clang::tidy::ClangTidyCheck {
public:
  DetachedThreadCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_DETACHEDTHREADCHECK_H
