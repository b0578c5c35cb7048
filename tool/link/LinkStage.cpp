#include "tool/link/LinkStage.h"

#include "checks/model/ProgramLink.h"
#include <chrono>
#include <fmt/core.h>
#include <sys/resource.h>

namespace json = llvm::json;

namespace loadcheck {

namespace {

/// Adds the time from its construction to its destruction to \p Total.
class Stopwatch {
public:
  explicit Stopwatch(double &Total)
      : Total(Total), Start(std::chrono::steady_clock::now()) {}
  ~Stopwatch() {
    Total += std::chrono::duration<double, std::milli>(
                 std::chrono::steady_clock::now() - Start)
                 .count();
  }

private:
  double &Total;
  std::chrono::steady_clock::time_point Start;
};

} // namespace

json::Value withFilesNormalised(json::Value Facts, PathNormaliser Normalise) {
  json::Object *O = Facts.getAsObject();
  json::Array *Files = O ? O->getArray("files") : nullptr;
  if (!Files)
    return Facts;
  for (json::Value &File : *Files)
    if (std::optional<llvm::StringRef> Path = File.getAsString()) {
      // Facts are JSON: a path that is not UTF-8 (rare) can only be kept
      // with U+FFFD, and then matches no finding.
      std::string Normalised = Normalise(*Path);
      File = json::isUTF8(Normalised) ? std::move(Normalised)
                                      : json::fixUTF8(Normalised);
    }
  return Facts;
}

std::string factsProblem(const json::Value &Facts) {
  model::ProgramLink Probe;
  std::string Error;
  if (Probe.addTranslationUnit(Facts, Error))
    return "";
  return Error.empty() ? "malformed program facts" : Error;
}

LinkStage::LinkStage(const std::vector<UnitFacts> &Units,
                     PathNormaliser Normalise)
    : Program(std::make_unique<model::ProgramLink>()) {
  Stopwatch Timer(Summary.Milliseconds);
  for (size_t I = 0; I < Units.size(); ++I) {
    const UnitFacts &Unit = Units[I];
    std::string Error;
    if (Program->addTranslationUnit(withFilesNormalised(Unit.Facts, Normalise),
                                    Error))
      continue;
    Summary.Refused.push_back(I);
    Summary.Warnings.push_back(fmt::format(
        "the program facts of '{}'{} are unusable ({}); the program is linked "
        "without them",
        Unit.File,
        Unit.Origin.empty() ? "" : fmt::format(" in '{}'", Unit.Origin),
        Error.empty() ? "malformed" : Error));
  }
  Program->link();
  model::LinkStatistics Statistics = Program->statistics();
  Summary.TranslationUnits = Statistics.TranslationUnits;
  Summary.Functions = Statistics.Functions;
  Summary.Calls = Statistics.Calls;
  Summary.Candidates = Statistics.Candidates;
}

LinkStage::~LinkStage() = default;

bool LinkStage::decide(Finding &F) {
  Stopwatch Timer(Summary.Milliseconds);
  std::optional<model::LinkVerdict> Verdict =
      Program->verdict({F.Check, F.Where.File, F.Where.Offset});
  if (!Verdict)
    return true;
  if (!Verdict->Report) {
    ++Summary.Dropped;
    return false;
  }
  if (!Verdict->Notes.empty())
    ++Summary.Annotated;
  for (const model::LinkNote &N : Verdict->Notes)
    F.Notes.push_back({{N.File, N.Offset, N.Line, N.Column}, N.Message});
  return true;
}

bool LinkStage::isCandidate(const Finding &F) const {
  return Program->verdict({F.Check, F.Where.File, F.Where.Offset}).has_value();
}

void LinkStage::decideAll(std::vector<Finding> &Findings) {
  std::vector<Finding> Kept;
  Kept.reserve(Findings.size());
  for (Finding &F : Findings)
    if (decide(F))
      Kept.push_back(std::move(F));
  Findings = std::move(Kept);
}

std::string linkStatisticsLine(const LinkSummary &S) {
  return fmt::format("link: {} translation unit{}, {} functions, {} calls, {} "
                     "candidates ({} dropped, {} with notes) in {:.1f} ms; "
                     "driver peak RSS {} MiB",
                     S.TranslationUnits, S.TranslationUnits == 1 ? "" : "s",
                     S.Functions, S.Calls, S.Candidates, S.Dropped, S.Annotated,
                     S.Milliseconds, peakResidentKiB() / 1024);
}

size_t peakResidentKiB() {
  rusage Usage{};
  if (getrusage(RUSAGE_SELF, &Usage) != 0)
    return 0;
  return static_cast<size_t>(Usage.ru_maxrss); // KiB on Linux
}

} // namespace loadcheck
