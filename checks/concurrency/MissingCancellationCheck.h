//===--- MissingCancellationCheck.h -----------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_MISSINGCANCELLATIONCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_MISSINGCANCELLATIONCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::concurrency {

/// Flags a thread entry that loops forever with no way out, or a
/// std::jthread callable that ignores its std::stop_token: the thread cannot
/// be stopped for a graceful shutdown.
///
/// Entries come from the thread-entry model. An infinite loop (`while
/// (true)`, `while (1)`, `for (;;)`, `do ... while (true)`) written directly
/// in the entry has an exit when it contains a `break` that leaves it, a
/// `return`, `throw`, `co_return`, `goto` or a call to a noreturn function.
/// With an unused, named std::stop_token parameter and a `while (true)` or
/// `for (;;)` loop in a void entry, the fix-it makes the loop condition
/// `!st.stop_requested()`.
///
/// The same loop in a function that is no thread entry of this TU is a
/// candidate of the program model: it is reported when the function runs as
/// a thread's body somewhere in the program (started in another file, an
/// override of a virtual `Run()` a thread entry calls, or called only by
/// such bodies). In the plugin the TU alone must show it.
class MissingCancellationCheck final : public clang::tidy::ClangTidyCheck {
public:
  MissingCancellationCheck(llvm::StringRef Name,
                           clang::tidy::ClangTidyContext *Ctx)
      : ClangTidyCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11 || !LangOpts.CPlusPlus; // C too: pthread, thrd
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override {
    Reported.clear();
    LoopFunctions.clear();
  }

private:
  /// Judges the endless loops of \p Function, no thread entry of the TU.
  void checkLoopFunction(const clang::FunctionDecl &Function,
                         clang::ASTContext &Ctx);
  /// Functions whose endless loops were judged already.
  llvm::DenseSet<const clang::FunctionDecl *> LoopFunctions;
  /// Spelling locations already reported: an entry started from several
  /// places, or a template instantiated more than once, is reported once.
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_MISSINGCANCELLATIONCHECK_H
