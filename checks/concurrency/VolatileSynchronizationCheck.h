//===--- VolatileSynchronizationCheck.h -------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_VOLATILESYNCHRONIZATIONCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_VOLATILESYNCHRONIZATIONCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/utils/IncludeInserter.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"

namespace loadcheck::concurrency {

/// Flags a volatile variable or data member that is written in one function
/// and read in another function's loop condition or by a thread entry:
/// volatile is not a synchronization primitive; use std::atomic.
///
/// Not flagged: pointers and references (to volatile or volatile
/// themselves: memory-mapped registers), arrays, `volatile sig_atomic_t`,
/// variables written by a signal handler (registered with `signal` or
/// `sigaction`), variables only touched by one function (a delay loop, a
/// benchmark sink). Fix-it: `volatile bool x` -> `std::atomic<bool> x` (any
/// builtin integer type) plus `#include <atomic>`, when every use is a
/// plain load or a plain store and the declaration is a single declarator
/// written outside macros in the main file, not a parameter, not externally
/// visible (a global another file may declare `extern`), not of a class
/// that is copied or moved, and (before C++17) not copy-initialised.
class VolatileSynchronizationCheck final : public clang::tidy::ClangTidyCheck {
public:
  VolatileSynchronizationCheck(llvm::StringRef Name,
                               clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    // Freestanding code (kernels, firmware) uses volatile for interrupt
    // handlers and registers, which is correct there.
    return (LangOpts.CPlusPlus11 || !LangOpts.CPlusPlus) &&
           !LangOpts.Freestanding;
  }
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;
  void onEndOfTranslationUnit() override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  enum class UseKind { Read, LoopRead, EntryRead, Write, Other };
  struct Use {
    const clang::Expr *E;
    const clang::FunctionDecl *Function; // null at namespace scope
    UseKind Kind;
    bool Plain; // a load or store std::atomic supports unchanged
  };
  void reportIfShared(const clang::ValueDecl &D, llvm::ArrayRef<Use> Uses);
  std::optional<llvm::SmallVector<clang::FixItHint, 2>>
  atomicFix(const clang::ValueDecl &D, llvm::ArrayRef<Use> Uses);

  clang::tidy::utils::IncludeInserter Inserter;
  clang::ASTContext *Context = nullptr;
  llvm::MapVector<const clang::ValueDecl *, llvm::SmallVector<Use, 4>> Uses;
  llvm::DenseSet<const clang::FunctionDecl *> SignalHandlers;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_VOLATILESYNCHRONIZATIONCHECK_H
