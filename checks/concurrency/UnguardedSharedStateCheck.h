//===--- UnguardedSharedStateCheck.h ----------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONCURRENCY_UNGUARDEDSHAREDSTATECHECK_H
#define LOADCHECK_CHECKS_CONCURRENCY_UNGUARDEDSHAREDSTATECHECK_H

#include "checks/model/LockModel.h"
#include "checks/model/ProgramLink.h"
#include "checks/model/ThreadEntry.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Regex.h"
#include <optional>
#include <string>

namespace loadcheck::concurrency {

/// Flags a write to shared mutable state made without holding a lock when the
/// same state is accessed under a lock elsewhere in the translation unit.
///
/// Each such write is a candidate of the program model (ProgramGraph.h): it
/// is reported only if it can run concurrently with the other accesses (not
/// startup-only code reached from main before threads start), no lock
/// guarding the state is held there after the callers' locks and lock
/// wrappers, and the guarding lock is backed by evidence (more than one
/// locked access, or a mutex declared beside the state). The driver decides
/// over the whole program at link time; the plugin over the TU.
///
/// RacerD-style inconsistent locking: accesses are collected over the whole
/// translation unit (held locks from the lock model) and judged at its end.
/// Also flags such a write inside a thread entry (thread-entry model) when
/// another function accesses the same state; a write in a function that is
/// no entry of the TU but may be one of the program (a virtual override, a
/// function of external linkage) is such a candidate too, kept only where the
/// program model shows it is a thread entry (CandidateFact::EntryOnly).
/// Shared state: globals and statics, static data members, and data members
/// of a class that owns a mutex. Atomics, const, thread_local and members
/// annotated guarded_by are left to the type system and -Wthread-safety.
class UnguardedSharedStateCheck final : public clang::tidy::ClangTidyCheck {
public:
  UnguardedSharedStateCheck(llvm::StringRef Name,
                            clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // C services lock with pthreads too
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override;
  void onEndOfTranslationUnit() override;

  /// One access to a piece of shared state.
  struct Access {
    clang::SourceLocation Loc;
    const clang::FunctionDecl *Function = nullptr;
    bool Write = false;
    /// The lock held at the access, if any (the innermost).
    std::optional<model::HeldLock> Lock;
    /// For a write in a thread entry: the entry.
    const model::ThreadEntry *Entry = nullptr;
    /// Function, or its template pattern.
    const clang::FunctionDecl *Accessor = nullptr;
    /// For a write in no thread entry of the TU: the function may be one of
    /// the program (a virtual override, a function of external linkage
    /// started in another file); the program model decides.
    bool MaybeEntry = false;
  };

private:
  void collect(const clang::FunctionDecl &Function, clang::ASTContext &Ctx);
  /// \p InThreadEntry: the finding says the write is in a thread entry.
  std::optional<model::LinkVerdict> decide(const Access &Write,
                                           const clang::ValueDecl *State,
                                           bool InThreadEntry = false);
  void addNotes(const model::LinkVerdict &Verdict);
  bool isSharedState(const clang::ValueDecl *D);

  /// Option LockedSuffixPattern: functions whose name says "caller holds the
  /// lock" (default `(Locked|_locked)$`); their writes are not reported.
  const std::string LockedSuffixPattern;
  llvm::Regex LockedSuffix;

  /// Per state (canonical declaration): unlocked writes and locked accesses,
  /// in the order they were met.
  llvm::MapVector<const clang::ValueDecl *, llvm::SmallVector<Access, 4>>
      Accesses;
  llvm::DenseMap<const clang::ValueDecl *, bool> SharedCache;
  /// Per state, the functions (template patterns for instantiations) that
  /// access it, locked or not, except private member functions (a thread's
  /// own helpers).
  llvm::DenseMap<const clang::ValueDecl *,
                 llvm::SmallPtrSet<const clang::FunctionDecl *, 4>>
      Accessors;
  llvm::DenseSet<const clang::FunctionDecl *> Collected;
  /// Lambdas passed to call_once: run once, synchronised by the library.
  llvm::DenseSet<const clang::FunctionDecl *> CalledOnceLambdas;
  llvm::DenseSet<std::pair<const clang::ValueDecl *, uint64_t>> SeenAccess;
  clang::SourceManager *SM = nullptr;
  clang::ASTContext *Context = nullptr;
};

} // namespace loadcheck::concurrency

#endif // LOADCHECK_CHECKS_CONCURRENCY_UNGUARDEDSHAREDSTATECHECK_H
