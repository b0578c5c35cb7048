//===--- AbruptTerminationCheck.h -------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_RESILIENCE_ABRUPTTERMINATIONCHECK_H
#define LOADCHECK_CHECKS_RESILIENCE_ABRUPTTERMINATIONCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/Support/Regex.h"

namespace loadcheck::resilience {

/// Flags exit, _Exit, _exit, quick_exit, abort and std::terminate called
/// outside main: library and handler code must report errors, not kill the
/// process and its in-flight requests.
///
/// Each exit is a candidate of the program model (ProgramGraph.h): it is not
/// reported in startup-only code (reached only from main before threads
/// start), in the project's fatal-log sink (a function that only writes a
/// message and then ends the process), or right after a call that never
/// returns (`default: fatal("..."); abort();`). Exits reachable from thread
/// entries, handlers and callbacks, and in functions without a caller
/// (library code), are reported, with notes on the path. The driver decides
/// over the whole program at link time; the plugin over the TU.
///
/// Not flagged: calls in `main` itself (a lambda defined in main is its own
/// function), in functions declared `[[noreturn]]` (fatal-error helpers), in
/// functions whose name matches `AllowedFunctions`, and `_exit`/`_Exit` in a
/// function that calls `fork`/`vfork` (the child's exit after a failed exec).
class AbruptTerminationCheck final : public clang::tidy::ClangTidyCheck {
public:
  AbruptTerminationCheck(llvm::StringRef Name,
                         clang::tidy::ClangTidyContext *Ctx);
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  const std::string AllowedFunctions;
  llvm::Regex AllowedRegex;
};

} // namespace loadcheck::resilience

#endif // LOADCHECK_CHECKS_RESILIENCE_ABRUPTTERMINATIONCHECK_H
