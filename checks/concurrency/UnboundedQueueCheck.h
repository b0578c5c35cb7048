//===--- UnboundedQueueCheck.h ----------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_UNBOUNDEDQUEUECHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_UNBOUNDEDQUEUECHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::concurrency {

/// Flags a push onto the std::queue, std::deque or std::list member of a
/// hand-made work queue (a class that also has a mutex and a condition
/// variable member) when the pushing method neither compares the
/// container's size() with anything nor waits on a condition variable
/// before pushing.
///
/// A size comparison counts wherever it is in the method (a ring buffer that
/// pops after pushing is bounded too) and also inside a method of the same
/// class called from it (`if (full()) return false;`); a relational
/// comparison on a member named like a bound (capacity, limit, max, ...)
/// counts too. A condition-variable or semaphore wait counts only before the
/// push.
class UnboundedQueueCheck final : public model::TestCodeAwareCheck {
public:
  UnboundedQueueCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : TestCodeAwareCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// Spelled locations already reported: each instantiation of a queue
  /// template matches the same push.
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_UNBOUNDEDQUEUECHECK_H
