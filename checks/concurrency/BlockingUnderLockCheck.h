//===--- BlockingUnderLockCheck.h -------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_BLOCKINGUNDERLOCKCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_BLOCKINGUNDERLOCKCHECK_H

#include "checks/model/LockModel.h"
#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"
#include <string>
#include <vector>

namespace loadcheck::concurrency {

/// Flags a blocking call (sleep, I/O, a network or database client call, a
/// future or thread wait) made while a lock is held.
///
/// The held locks come from the lock model (checks/model/LockModel.h), so
/// guards that went out of scope or were unlock()ed no longer count.
/// condition_variable waits are not blocking calls here: they release the
/// lock they wait on.
///
/// A call of a function of the program that may block (it makes a blocking
/// call, or calls a function that may, in any file) is reported too, with
/// the way down to the blocking call as notes: the driver decides it at its
/// link stage, the plugin within its translation unit.
class BlockingUnderLockCheck final : public model::TestCodeAwareCheck {
public:
  BlockingUnderLockCheck(llvm::StringRef Name,
                         clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // C services lock with pthreads too
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// A call, under \p Held, of a function of the program (or through a
  /// function pointer field of its own record) that may block further down:
  /// a candidate of the program model.
  void checkHelperCall(const clang::CallExpr &Call,
                       const clang::NamedDecl &Helper,
                       const clang::FunctionDecl &Owner,
                       llvm::ArrayRef<model::HeldLock> Held,
                       clang::ASTContext &Ctx);
  /// Where each lock of \p Held was taken, innermost first.
  void addLockNotes(llvm::ArrayRef<model::HeldLock> Held);

  /// Option BlockingFunctions: more qualified names, `;`-separated.
  const std::string BlockingFunctions;
  /// Calls already reported (templates: once per spelling location).
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_BLOCKINGUNDERLOCKCHECK_H
