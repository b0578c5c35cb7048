#include "tool/Paths.h"
#include "tool/front/Profile.h"
#include "tool/report/Reporters.h"
#include "tool/results/Fingerprint.h"

#include <fmt/core.h>
#include <map>

namespace loadcheck {

namespace {

/// The files of \p Findings with the most findings, worst first, at most
/// \p Limit, as `path (N)`.
std::string worstFiles(const std::vector<const Finding *> &Findings,
                       llvm::StringRef Root, size_t Limit) {
  std::map<std::string, size_t> PerFile;
  for (const Finding *F : Findings)
    ++PerFile[relativeToRoot(F->Where.File, Root)];
  std::vector<std::pair<std::string, size_t>> Sorted(PerFile.begin(),
                                                     PerFile.end());
  std::stable_sort(
      Sorted.begin(), Sorted.end(),
      [](const auto &A, const auto &B) { return A.second > B.second; });
  std::string Out;
  for (size_t I = 0; I < Sorted.size() && I < Limit; ++I)
    Out += fmt::format("{}{} ({})", I ? ", " : "", Sorted[I].first,
                       Sorted[I].second);
  return Out;
}

} // namespace

void printChecklist(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                    const ReportContext &Context) {
  std::map<std::string, std::vector<const Finding *>> PerCheck;
  for (const Finding &F : Findings)
    PerCheck[F.Check].push_back(&F);

  // Sections in checklist order; checks outside the six (compiler errors,
  // other upstream checks a user enabled) come last.
  std::vector<std::string> Sections;
  for (llvm::StringRef S : checklistSections())
    Sections.push_back(S.str());
  std::map<std::string, std::vector<std::string>> ChecksOf;
  auto AddCheck = [&](const std::string &Check) {
    std::string Section = sectionOf(Check);
    if (!llvm::is_contained(Sections, Section))
      Sections.push_back(Section);
    if (!llvm::is_contained(ChecksOf[Section], Check))
      ChecksOf[Section].push_back(Check);
  };
  for (const std::string &Check : Context.EnabledChecks)
    AddCheck(Check);
  for (const auto &[Check, List] : PerCheck)
    AddCheck(Check);

  size_t Analysed = Context.FilesAnalysed - Context.Failures.size();
  OS << fmt::format("Review checklist ({}): {} file{} analysed",
                    Context.CheckSet, Analysed, Analysed == 1 ? "" : "s");
  if (!Context.Failures.empty())
    OS << fmt::format(", {} not analysed", Context.Failures.size());
  OS << "\n";
  for (const std::string &Section : Sections) {
    std::vector<std::string> &Checks = ChecksOf[Section];
    llvm::sort(Checks);
    std::vector<const Finding *> InSection;
    for (const std::string &Check : Checks)
      InSection.insert(InSection.end(), PerCheck[Check].begin(),
                       PerCheck[Check].end());
    OS << "\n" << Section << ": ";
    if (Checks.empty())
      OS << "no check enabled\n";
    else if (InSection.empty())
      OS << "pass\n";
    else
      OS << fmt::format("{} finding{}; worst files: {}\n", InSection.size(),
                        InSection.size() == 1 ? "" : "s",
                        worstFiles(InSection, Context.Root, 3));
    for (const std::string &Check : Checks) {
      const std::vector<const Finding *> &List = PerCheck[Check];
      std::string Mark =
          List.empty() ? "[x]" : fmt::format("[ ] {:>3}", List.size());
      OS << fmt::format("  {:<7} {}", List.empty() ? "[x] ok" : Mark, Check);
      std::string Summary = summaryOf(Check);
      if (!Summary.empty())
        OS << " - " << Summary;
      OS << "\n";
      if (!List.empty())
        OS << "          in " << worstFiles(List, Context.Root, 3) << "\n";
    }
  }
}

} // namespace loadcheck
