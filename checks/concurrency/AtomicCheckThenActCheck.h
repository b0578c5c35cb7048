//===--- AtomicCheckThenActCheck.h ------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_ATOMICCHECKTHENACTCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_ATOMICCHECKTHENACTCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::concurrency {

/// Flags a std::atomic that is checked and then written in two separate
/// operations, and double-checked locking on a non-atomic pointer or flag.
///
/// `if (a.load() == v) a.store(w)`, `if (!flag) flag = true` and
/// `if (a == x) a = y` (also `++`, compound assignment, and `exchange` or
/// `fetch_*` whose result is ignored) on the same atomic object: another
/// thread can act between the check and the act. Not flagged: the act
/// guarded by an inner re-check of the same atomic (correct double-checked
/// locking on an atomic), a check made while a lock is held, checks and
/// acts in constructors and destructors, `exchange`/`compare_exchange_*`
/// whose result is tested. Double-checked locking: `if (!p) { lock;
/// if (!p) p = ...; }` on a variable or member that is not std::atomic.
class AtomicCheckThenActCheck final : public clang::tidy::ClangTidyCheck {
public:
  AtomicCheckThenActCheck(llvm::StringRef Name,
                          clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11 || !LangOpts.CPlusPlus; // C11 atomics too
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  bool checkThenAct(const clang::IfStmt &If, clang::ASTContext &Ctx);
  bool doubleCheckedLocking(const clang::IfStmt &If, clang::ASTContext &Ctx);
  /// Spelled locations already reported: templates are matched once per
  /// instantiation and once as written.
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_ATOMICCHECKTHENACTCHECK_H
