//===--- ProgramLink.h - facts of a TU, linked across the program -*- C++
//-*-===//
//
// The seam between the checks and the driver's link stage.
//
// Inside a translation unit the program model records facts about every user
// function (calls with the locks held at each call site, net lock effect,
// role: main / thread entry / handler / callback, shared-state accesses,
// exits, blocking calls, client creations, thread starts) and the
// *candidates*: findings whose verdict depends on who calls a function, which
// locks the callers hold, or which thread runs it.
//
// Two ways to reach a verdict, one code:
//  - the driver sets programVerdictsDeferred(true) in each worker. Checks then
//    emit every candidate as an ordinary diagnostic (so NOLINT, header
//    filters and fix-its behave as always) and record it in the facts; the
//    worker ships collectTUFacts() beside its findings; the driver's link
//    stage feeds every TU's facts to a ProgramLink and asks it for a verdict
//    on each finding: drop it, or keep it with notes explaining the path.
//  - the plugin (one TU inside clang-tidy, callers outside it unknown) leaves
//    the flag off: checks link the facts of their own TU and decide there,
//    choosing precision (silence without evidence in the TU).
//
// Facts are plain, versioned JSON. Every location in them refers to an entry
// of the top-level "files" table (paths as clang names them); the driver
// rewrites that table with its own path normaliser before linking, so the
// candidates' keys match its findings' paths.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_PROGRAMLINK_H
#define LOADCHECK_CHECKS_MODEL_PROGRAMLINK_H

#include "llvm/Support/JSON.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
} // namespace clang

namespace loadcheck::model {

/// The version of the facts' JSON shape; a payload of another version is
/// rejected by ProgramLink::addTranslationUnit (a stale cache entry).
constexpr int ProgramFactsVersion = 8;

/// True in the driver's workers: program-dependent verdicts are left to the
/// link stage. False (the default) in the plugin.
bool programVerdictsDeferred();
void setProgramVerdictsDeferred(bool Deferred);

/// The facts of the translation unit of \p Ctx, candidates included, as
/// JSON. Call after every check has run (after the matchers and the checks'
/// onEndOfTranslationUnit).
llvm::json::Value collectTUFacts(clang::ASTContext &Ctx);

/// Which finding a verdict is about: the check, the file (as in the facts'
/// "files" table after the driver normalised it) and the byte offset of the
/// diagnostic's location in that file.
struct CandidateKey {
  std::string Check;
  std::string File;
  unsigned Offset = 0;
};

/// A note the link stage adds to a kept finding, e.g.
/// `'do_insert' runs on the thread started here`.
struct LinkNote {
  std::string File;
  unsigned Offset = 0;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string Message;
};

struct LinkVerdict {
  bool Report = true;
  std::vector<LinkNote> Notes;
};

/// Size and cost of a link, for the summary and the benchmarks.
struct LinkStatistics {
  size_t TranslationUnits = 0;
  size_t Functions = 0;
  size_t Calls = 0;
  size_t Candidates = 0;
};

/// The whole program: every TU's facts, linked.
class ProgramLink {
public:
  ProgramLink();
  ~ProgramLink();
  ProgramLink(const ProgramLink &) = delete;
  ProgramLink &operator=(const ProgramLink &) = delete;

  /// Adds one TU's facts (collectTUFacts' result, possibly through the cache
  /// or a shard's report). Returns false and sets \p Error for a payload that
  /// is malformed or of another version; the program is then linked without
  /// it.
  bool addTranslationUnit(const llvm::json::Value &Facts, std::string &Error);

  /// Computes the program-wide facts. Call once, after the last add.
  void link();

  /// The verdict on a finding; std::nullopt when the finding is no
  /// candidate (report it as it is).
  std::optional<LinkVerdict> verdict(const CandidateKey &Key) const;

  LinkStatistics statistics() const;

private:
  struct Impl;
  std::unique_ptr<Impl> State;
};

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_PROGRAMLINK_H
