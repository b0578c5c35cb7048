//===--- ThreadExceptionEscapeCheck.h ---------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_THREADEXCEPTIONESCAPECHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_THREADEXCEPTIONESCAPECHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/utils/ExceptionAnalyzer.h"
#include "llvm/ADT/DenseSet.h"
#include <memory>

namespace loadcheck::concurrency {

/// Flags an exception that can escape a thread entry, where it calls
/// std::terminate and kills the whole server.
///
/// Entries come from the thread-entry model (std::async is left out: its
/// future carries the exception to get()). Each `throw` and each call of
/// the entry's own body is asked to clang-tidy's utils::ExceptionAnalyzer
/// (the engine of bugprone-exception-escape, which follows callees whose
/// bodies are visible and honours noexcept), then filtered by the handlers
/// of the `try` blocks around it inside the entry. The first site whose
/// exception gets out is reported. Calls to functions defined elsewhere are
/// unknown and not reported. Exception types named in IgnoredExceptions are
/// ignored, as is std::bad_alloc.
class ThreadExceptionEscapeCheck final : public clang::tidy::ClangTidyCheck {
public:
  ThreadExceptionEscapeCheck(llvm::StringRef Name,
                             clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11 && LangOpts.CXXExceptions;
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override;

private:
  const std::string RawIgnoredExceptions;
  llvm::StringSet<> IgnoredExceptions;
  /// Caches per function: recreated for each translation unit.
  std::unique_ptr<clang::tidy::utils::ExceptionAnalyzer> Analyzer;
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_THREADEXCEPTIONESCAPECHECK_H
