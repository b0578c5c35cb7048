//===--- LockOrderInversionCheck.h ------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_LOCKORDERINVERSIONCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_LOCKORDERINVERSIONCHECK_H

#include "checks/model/LockModel.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"
#include <vector>

namespace loadcheck::concurrency {

/// Flags two functions that acquire the same two locks in opposite orders, a
/// potential deadlock.
///
/// Every acquisition made while another lock is held is an ordered edge
/// (held -> acquired) from the lock model; at the end of the translation
/// unit, an edge whose reverse was seen earlier is reported on its second
/// acquisition, with notes on the other function's two acquisitions. Locks
/// taken together (std::scoped_lock(a, b), std::lock(a, b)) and try-locks
/// make no edge.
class LockOrderInversionCheck final : public clang::tidy::ClangTidyCheck {
public:
  LockOrderInversionCheck(llvm::StringRef Name,
                          clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // C services lock with pthreads too
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;
  void onEndOfTranslationUnit() override;

private:
  /// `To` acquired while `From` was held, in `Function`.
  struct Edge {
    model::HeldLock From;
    model::HeldLock To;
    const clang::FunctionDecl *Function;
  };
  std::vector<Edge> Edges;
  llvm::DenseSet<const clang::FunctionDecl *> Seen;
  llvm::DenseSet<clang::SourceLocation> SeenAcquisitions;
  clang::SourceManager *SM = nullptr;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_LOCKORDERINVERSIONCHECK_H
