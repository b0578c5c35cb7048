//===--- UnboundedThreadSpawnCheck.h ----------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_UNBOUNDEDTHREADSPAWNCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_UNBOUNDEDTHREADSPAWNCHECK_H

#include "checks/model/RequestPath.h"
#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Regex.h"

namespace loadcheck::concurrency {

/// Flags a thread created per loop iteration over data or per request, so
/// the number of threads grows with the input instead of being bounded.
///
/// Thread starts come from the thread-entry model (std::thread, std::jthread,
/// emplace_back into a container of threads, std::async unless deferred,
/// pthread_create, boost::thread, thrd_create); "per iteration" and "per
/// request" from the request-path model. A loop bounded by a small integer
/// constant, by std::thread::hardware_concurrency() or by a name matching
/// PoolSizePattern is a pool being filled, not a finding.
class UnboundedThreadSpawnCheck final : public model::TestCodeAwareCheck {
public:
  UnboundedThreadSpawnCheck(llvm::StringRef Name,
                            clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11 || !LangOpts.CPlusPlus; // C too: pthread, thrd
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// True when the loop runs a bounded number of times (a pool being filled).
  bool isBoundedLoop(const clang::Stmt &Loop, clang::ASTContext &Ctx) const;
  /// The loop turns a connection away before \p Start while a count has
  /// reached its maximum: `if (size(children) >= config->maxclients)
  /// continue;` caps the threads it starts.
  bool admitsAtMost(const clang::Stmt &Loop, const clang::Expr &Start,
                    clang::ASTContext &Ctx) const;
  bool isBoundExpr(const clang::Expr *E, clang::ASTContext &Ctx,
                   unsigned Depth) const;

  const unsigned MaxConstantTripCount;
  const std::string PoolSizePattern;
  llvm::Regex PoolSizeRegex;
  const model::RequestPathOptions RequestPath;
  /// Spelling locations already reported (templates, macros).
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_UNBOUNDEDTHREADSPAWNCHECK_H
