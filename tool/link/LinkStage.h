//===--- LinkStage.h - the program linked across translation units -*- C++
//-*-===//
//
// After every translation unit was analysed, each one's program facts
// (checks/model/ProgramLink.h) are linked into one program and every
// finding is put to it: a finding whose verdict depends on who calls its
// function, under which locks or on which thread is dropped, or kept with
// notes explaining the path. The same stage serves a run and `loadcheck
// merge` of JSON shards, so merged shards report what one run reports.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_LINK_LINKSTAGE_H
#define LOADCHECK_TOOL_LINK_LINKSTAGE_H

#include "tool/results/Finding.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/JSON.h"
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace loadcheck {

namespace model {
class ProgramLink;
} // namespace model

/// One translation unit's facts, as a worker produced them.
struct UnitFacts {
  std::string File; ///< the translation unit's main file
  llvm::json::Value Facts = nullptr;
  std::string Origin; ///< where they were read, for warnings ("" in a run)

  UnitFacts() = default;
  UnitFacts(std::string File, llvm::json::Value Facts, std::string Origin = "")
      : File(std::move(File)), Facts(std::move(Facts)),
        Origin(std::move(Origin)) {}
  // json::Value's move does not allocate but is not declared noexcept; said
  // here, a growing vector of facts moves them instead of copying each one.
  UnitFacts(UnitFacts &&Other) noexcept
      : File(std::move(Other.File)), Facts(std::move(Other.Facts)),
        Origin(std::move(Other.Origin)) {}
  UnitFacts &operator=(UnitFacts &&Other) noexcept {
    File = std::move(Other.File);
    Facts = std::move(Other.Facts);
    Origin = std::move(Other.Origin);
    return *this;
  }
  UnitFacts(const UnitFacts &) = default;
  UnitFacts &operator=(const UnitFacts &) = default;
};

/// How a path of the facts' "files" table becomes the spelling the
/// findings use (absolutePath in a run, underRoot in a merge).
using PathNormaliser = llvm::function_ref<std::string(llvm::StringRef)>;

/// \p Facts with every path of its "files" table passed through
/// \p Normalise (other entries untouched). Taken by value: facts just
/// collected are moved in, not copied.
llvm::json::Value withFilesNormalised(llvm::json::Value Facts,
                                      PathNormaliser Normalise);

/// Why the link would refuse \p Facts (malformed, another version), or "".
std::string factsProblem(const llvm::json::Value &Facts);

/// What a link did, for --verbose and the benchmark.
struct LinkSummary {
  size_t TranslationUnits = 0;
  size_t Functions = 0;
  size_t Calls = 0;
  size_t Candidates = 0;
  size_t Dropped = 0;      ///< findings the link decided not to report
  size_t Annotated = 0;    ///< findings kept with the link's notes
  double Milliseconds = 0; ///< linking and deciding
  /// One line per translation unit whose facts were refused (the program
  /// is linked without them), and their indices among the units.
  std::vector<std::string> Warnings;
  std::vector<size_t> Refused;
};

/// The linked program and its verdicts on findings.
class LinkStage {
public:
  /// Links \p Units, their "files" tables through \p Normalise.
  LinkStage(const std::vector<UnitFacts> &Units, PathNormaliser Normalise);
  ~LinkStage();
  LinkStage(const LinkStage &) = delete;
  LinkStage &operator=(const LinkStage &) = delete;

  /// False when the program says \p F is not to be reported; otherwise
  /// \p F has the verdict's notes appended, if any.
  bool decide(Finding &F);

  /// True when the verdict on \p F depends on the program (a candidate).
  bool isCandidate(const Finding &F) const;

  /// Removes the findings not to be reported, annotates the others.
  void decideAll(std::vector<Finding> &Findings);

  const LinkSummary &summary() const { return Summary; }

private:
  std::unique_ptr<model::ProgramLink> Program;
  LinkSummary Summary;
};

/// "link: N translation units, F functions, C calls, K candidates (D
/// dropped, A with notes) in T ms; driver peak RSS M MiB": the --verbose
/// line the benchmark reads.
std::string linkStatisticsLine(const LinkSummary &Summary);

/// The peak resident set of this process so far, in KiB.
size_t peakResidentKiB();

} // namespace loadcheck

#endif // LOADCHECK_TOOL_LINK_LINKSTAGE_H
