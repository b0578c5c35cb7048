//===--- UnjoinedThreadCheck.h ----------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_UNJOINEDTHREADCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_UNJOINEDTHREADCHECK_H

#include "checks/model/ObligationFlow.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::concurrency {

/// Flags a local std::thread that can reach the end of its scope while
/// joinable, which calls std::terminate.
///
/// Every path from the construction is followed through the function's CFG:
/// an early `return`, a `throw` not caught inside the thread's scope, a
/// `break` out of the loop body that owns it, or the plain end of the block.
/// A `join()`, `detach()`, move, swap or hand-over by reference settles the
/// thread; `if (t.joinable()) t.join();` is understood. In C++20 the fix-it
/// changes the declared type to std::jthread when that is provably safe.
///
/// A std::thread data member (or a container of them) that no function of
/// the program joins or detaches, and that some function starts, is flagged
/// on its declaration: the owner's destructor calls std::terminate while the
/// thread runs. That verdict needs every method of the class, in any file:
/// the driver's link stage takes it (ProgramGraph.h); the plugin reports
/// only when every method of the class is defined in its TU.
class UnjoinedThreadCheck final : public clang::tidy::ClangTidyCheck {
public:
  UnjoinedThreadCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  void checkMember(const clang::FieldDecl &Member, clang::ASTContext &Ctx);
  using Exits = llvm::DenseMap<const clang::VarDecl *, model::OpenExit>;
  /// The open exits of every thread of a function, computed on the first
  /// thread matched in it: one CFG per function.
  const Exits &exitsOf(const clang::Decl &Function, clang::ASTContext &Ctx);

  llvm::DenseMap<const clang::Decl *, Exits> ExitsByFunction;
  /// Declarations already reported, in case a spelling is matched twice.
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_UNJOINEDTHREADCHECK_H
