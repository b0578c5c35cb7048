//===--- LockOrderInversionCheck.h ------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_LOCKORDERINVERSIONCHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_LOCKORDERINVERSIONCHECK_H

#include "checks/model/ProgramFacts.h"
#include "checks/model/ProgramLink.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <optional>
#include <set>

namespace loadcheck::model {
class ProgramFactsIndex;
} // namespace loadcheck::model

namespace loadcheck::concurrency {

/// Flags a cycle of lock acquisitions, a potential deadlock: two locks taken
/// in opposite orders, or three and more in a circle (A then B, B then C,
/// C then A), by functions of any file.
///
/// Every acquisition made while another lock is held orders the two locks,
/// and so does a call made while a lock is held of a function that acquires
/// a lock itself or in its callees. Those places are the candidates of the
/// program model (ProgramGraph.h); the link finds the cycles among the
/// orders of the whole program and keeps one place per cycle (the last in
/// file order), with every other order of the cycle as a note. Locks taken
/// together (std::scoped_lock(a, b), std::lock(a, b)) and try-locks make no
/// order; a lock is one per variable or per member of a class (two objects
/// of one class are one lock).
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
  void onEndOfTranslationUnit() override;

private:
  void reportOrders(const model::FunctionFacts &Function,
                    model::ProgramFactsIndex &Index);
  /// Emits the finding at \p At unless the plugin's own TU shows no cycle
  /// through it; returns the notes' verdict to add (or nothing).
  std::optional<model::LinkVerdict> decide(model::ProgramFactsIndex &Index,
                                           const model::FactPos &At,
                                           const std::string &Function);
  void addNotes(model::ProgramFactsIndex &Index,
                const model::LinkVerdict &Verdict);
  clang::ASTContext *Context = nullptr;
  /// Places already reported: (file, offset) of the facts (template
  /// instantiations repeat their pattern's places).
  std::set<std::pair<unsigned, unsigned>> Reported;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_LOCKORDERINVERSIONCHECK_H
