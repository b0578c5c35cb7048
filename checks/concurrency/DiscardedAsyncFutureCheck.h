//===--- DiscardedAsyncFutureCheck.h ----------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_DISCARDEDASYNCFUTURECHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_DISCARDEDASYNCFUTURECHECK_H

#include "checks/model/RequestPath.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::concurrency {

/// Flags a std::future returned by std::async that is destroyed before
/// anyone waits on it, so its destructor blocks until the task finishes and
/// the "parallel" work runs one task at a time.
///
/// Two shapes: the future is discarded (`std::async(...);`), or it is held
/// in a local that can reach the end of its scope — the end of a loop
/// iteration, a block, a `return` — without get()/wait()/wait_for()/
/// wait_until(), a move, or being handed over (followed on the CFG by
/// model::ObligationFlow). Futures stored in containers, returned, passed on
/// or waited on as temporaries are fine, and so is std::launch::deferred,
/// which never starts a thread. The loop is named from the request-path
/// model.
class DiscardedAsyncFutureCheck final : public clang::tidy::ClangTidyCheck {
public:
  DiscardedAsyncFutureCheck(llvm::StringRef Name,
                            clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// The loop \p S runs in per iteration, as written (`keys`), or "".
  std::string loopSubject(const clang::Stmt &S, clang::ASTContext &Ctx) const;

  const model::RequestPathOptions RequestPath;
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_DISCARDEDASYNCFUTURECHECK_H
