//===--- ThreadExceptionEscapeCheck.h ---------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_THREADEXCEPTIONESCAPECHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_THREADEXCEPTIONESCAPECHECK_H

#include "checks/model/ProgramFacts.h"
#include "checks/model/ProgramLink.h"
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
/// exception gets out is reported. Exception types named in
/// IgnoredExceptions are ignored, as is std::bad_alloc.
///
/// The program model sees further (candidates, ProgramGraph.h): a call
/// outside try blocks of a function defined in another file is reported
/// when that function may throw (it throws, or calls one that may, outside
/// a try block); and an exception escaping a function that is no thread
/// entry of this TU is reported when the function is one somewhere in the
/// program (started in another file, or an override of a virtual `Run()` a
/// thread entry calls). In the plugin the TU alone must show it.
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
  /// Judges a function that is no thread entry of the TU but may be one of
  /// the program.
  void judgeFunction(const clang::FunctionDecl &Function,
                     clang::ASTContext &Ctx);
  /// Candidates for the calls of \p Body, outside try blocks, of functions
  /// defined in other files.
  void judgeCallsOut(const clang::FunctionDecl &Function,
                     const clang::Stmt &Body, llvm::StringRef Thread,
                     bool IsLambda, clang::ASTContext &Ctx);
  /// The verdict: always a report in the driver (the link decides), the
  /// TU's graph in the plugin; std::nullopt to stay silent.
  std::optional<model::LinkVerdict> judge(const model::CandidateFact &Candidate,
                                          clang::ASTContext &Ctx);
  void addNotes(const model::LinkVerdict &Verdict, clang::ASTContext &Ctx);
  /// The finding at \p Site, whose exception \p Thrown (null: a rethrow)
  /// escapes the thread \p Thread.
  void report(const clang::Stmt *Site, const clang::Type *Thrown, bool IsLambda,
              llvm::StringRef Thread, clang::ASTContext &Ctx);
  const std::string RawIgnoredExceptions;
  llvm::StringSet<> IgnoredExceptions;
  /// Caches per function: recreated for each translation unit.
  std::unique_ptr<clang::tidy::utils::ExceptionAnalyzer> Analyzer;
  llvm::DenseSet<clang::SourceLocation> Reported;
  /// Functions whose calls out and escapes were judged already.
  llvm::DenseSet<const clang::FunctionDecl *> Judged;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_THREADEXCEPTIONESCAPECHECK_H
