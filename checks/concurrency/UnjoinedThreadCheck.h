//===--- UnjoinedThreadCheck.h ----------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_UNJOINEDTHREADCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_UNJOINEDTHREADCHECK_H

#include "clang-tidy/ClangTidyCheck.h"

namespace loadcheck::concurrency {

/// Flags a local std::thread that can reach the end of its scope while
/// joinable, which calls std::terminate. (IN PROGRESS: helper replaces this.)
class UnjoinedThreadCheck final : public clang::tidy::ClangTidyCheck {
public:
  UnjoinedThreadCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override {}
};

} // namespace loadcheck::concurrency

#endif
