//===--- FactExtractor.h - the program facts of one TU ----------*- C++ -*-===//
//
// DESIGN
// The AST side of the program model: one walk of the user code of a
// translation unit (its traversal scope; system headers skipped) writes the
// facts of ProgramFacts.h for every function and lambda defined there:
//  - calls of user functions (callee id, place, locks held there from the
//    lock model, which already applies lock wrappers of the same TU);
//  - the net lock effect on return (what makes `counters_lock()` a lock);
//  - roots of concurrency: thread entries (ThreadEntry.h, where started),
//    request handlers (RequestPath.h), callbacks (a function named without
//    being called, in a body or in a global's initialiser such as a handler
//    table; a lambda passed to a call that is not a std algorithm);
//    a lambda that is not a root is "called" by its enclosing function;
//  - reads and writes of shared state (isSharedState) with the locks held;
//  - exits (exit, abort, std::terminate, _exit, quick_exit, ...) and whether
//    the function is a fatal-log sink: every statement of its body formats
//    or writes a message, then it ends the process unconditionally;
//  - blocking calls (BlockingApis.h), client creations (ClientApis.h) and
//    thread starts, with the locks held; blocking calls that do not wait (a
//    poll with a zero timeout, one integer written to a wakeup fd, a read
//    of a descriptor a zero-timeout probe found ready: ZeroWait.h) and
//    those made with the caller's lock dropped around them (`unlock(&m);
//    usleep(n); lock(&m);` in a helper) are no blocking facts; a call of a
//    helper that returns at once with its arguments is marked so;
//  - in a function with a literal that reads like SQL: the run-time values
//    it joins into the string it returns or into members (StringProvenance);
//  - condition-variable and semaphore waits and the calls that wake them
//    (SyncFacts.h), for the hand-off to a thread that waits for work
//    (ProgramGraph.h); calls, accesses and sites carry their place in the
//    function (source order, outermost loop);
//  - `throw` expressions outside the function's try blocks, whether each
//    call is inside one, and whether the function is noexcept (may throw).
// The facts are computed once per ASTContext and shared by every check; the
// checks add their candidates to the same index (addCandidate), and
// collectTUFacts() ships both. tuGraph() links the TU on its own for the
// plugin, where the TU is the whole program.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_FACTEXTRACTOR_H
#define LOADCHECK_CHECKS_MODEL_FACTEXTRACTOR_H

#include "checks/model/ProgramFacts.h"
#include "checks/model/ProgramGraph.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include <memory>
#include <string>

namespace clang {
class ASTContext;
class Decl;
class QualType;
class FunctionDecl;
class NamedDecl;
class SourceManager;
class ValueDecl;
} // namespace clang

namespace loadcheck::model {

/// True for state several threads may share: globals and statics (not
/// thread_local, const, constexpr or self-synchronising such as atomics),
/// static data members, and data members of a class that owns a mutex
/// (unless annotated guarded_by). Declarations in system headers are not.
bool isSharedState(const clang::ValueDecl *D, const clang::SourceManager &SM);

/// True for std::thread and the standard containers of them
/// (`std::vector<std::thread>`): a member the owner must join or detach.
bool isThreadMemberType(clang::QualType T);

/// True for exit, _Exit, _exit, quick_exit, abort, std::terminate (and their
/// std:: spellings): calls that end the process at once.
bool isProcessExit(const clang::FunctionDecl &Callee);

class ProgramFactsIndex {
public:
  /// The index of the TU of \p Ctx (created on first use, freed with it).
  static ProgramFactsIndex &of(clang::ASTContext &Ctx);
  explicit ProgramFactsIndex(clang::ASTContext &Ctx);

  /// The facts of the TU, extracted on first call; candidates added so far
  /// are included.
  const TUFacts &facts();

  /// The TU linked on its own (the plugin's program), linked on first call.
  const ProgramGraph &tuGraph();

  /// Records a candidate and returns it (positions as in facts()).
  /// \p Var is the variable an unguarded write writes; \p After the function
  /// called just before an exit; \p Source the function or member a query
  /// arrives whole from.
  CandidateFact addCandidate(llvm::StringRef Check, clang::SourceLocation Loc,
                             const clang::FunctionDecl &Function,
                             const clang::ValueDecl *Var = nullptr,
                             const clang::FunctionDecl *After = nullptr,
                             const clang::NamedDecl *Source = nullptr);

  /// Records a candidate at a place of the facts (a check that reports on
  /// the facts themselves); \p Function and \p Var are ids.
  CandidateFact addCandidate(llvm::StringRef Check, const FactPos &At,
                             llvm::StringRef Function, llvm::StringRef Var = "",
                             llvm::StringRef VarName = "");
  /// A place of the facts, back as a location of this TU.
  clang::SourceLocation locationOf(const FactPos &At);

  /// Records a candidate about the call of \p Callee at \p Loc in
  /// \p Function (CandidateFact::Callee) and returns it.
  CandidateFact addCallCandidate(llvm::StringRef Check,
                                 clang::SourceLocation Loc,
                                 const clang::FunctionDecl &Function,
                                 const clang::FunctionDecl &Callee);

  /// Marks the last candidate added as one that claims its function is a
  /// thread entry (CandidateFact::EntryOnly) and returns it.
  CandidateFact markEntryOnly();

  /// The stable id of a function, global, field or lock (see ProgramFacts.h).
  const std::string &idOf(const clang::Decl *D);
  /// True when \p F is a fatal-log sink (see above).
  bool isFatalSink(const clang::FunctionDecl &F);
  FactPos posOf(clang::SourceLocation Loc);
  /// Where a note of the link points, back as a location of this TU.
  clang::SourceLocation locationOf(const LinkNote &Note);

private:
  void extract();
  friend class FunctionFactsBuilder;
  friend class TUWalker;

  // No lock: like every per-TU model (ContextCache.h), the index is used
  // only by the thread that analyses its translation unit.
  clang::ASTContext &Ctx;
  bool Extracted = false;
  std::unique_ptr<ProgramGraph> Graph;
  TUFacts Facts;
  llvm::StringMap<unsigned> FileIndex;
  std::vector<clang::FileID> FileIds;
  /// The "files" index of each FileID seen (posOf runs for every fact).
  llvm::DenseMap<clang::FileID, unsigned> FileOfId;
  llvm::DenseMap<const clang::Decl *, std::string> Ids;
  llvm::DenseMap<const clang::FunctionDecl *, bool> Sinks;
  std::string MainFile;
};

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_FACTEXTRACTOR_H
