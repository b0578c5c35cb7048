#include "tool/results/Baseline.h"
#include "tool/Paths.h"
#include "tool/report/Reporters.h"
#include "tool/results/Fingerprint.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <fmt/core.h>
#include <map>

namespace json = llvm::json;

namespace loadcheck {

std::string writeBaseline(const std::string &Path,
                          const std::vector<Finding> &Findings,
                          const std::string &Root) {
  json::Array Entries;
  for (const Finding &F : Findings) {
    if (F.isCompilerError())
      continue; // not a finding to accept
    Entries.push_back(
        json::Object{{"fingerprint", F.Fingerprint},
                     {"check", F.Check},
                     {"file", jsonText(relativeToRoot(F.Where.File, Root))},
                     {"function", jsonText(F.Function)},
                     {"line", F.Where.Line},
                     {"message", jsonText(F.Message)}});
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return fmt::format("cannot write baseline '{}': {}", Path, EC.message());
  json::Object Root_{{"version", BaselineVersion},
                     {"tool", "loadcheck"},
                     {"findings", std::move(Entries)}};
  OS << llvm::formatv("{0:2}", json::Value(std::move(Root_))) << "\n";
  return "";
}

std::string readBaseline(const std::string &Path, Baseline &Out) {
  Out = Baseline{Path, BaselineVersion, {}};
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return fmt::format("cannot read baseline '{}': {}", Path,
                       Buffer.getError().message());
  auto Value = json::parse((*Buffer)->getBuffer());
  if (!Value)
    return fmt::format("baseline '{}' is not valid JSON: {}", Path,
                       llvm::toString(Value.takeError()));
  const json::Object *Root = Value->getAsObject();
  const json::Array *Entries = Root ? Root->getArray("findings") : nullptr;
  auto Version = Root ? Root->getInteger("version") : std::nullopt;
  if (!Entries || !Version)
    return fmt::format("baseline '{}' is not a loadcheck baseline (an "
                       "object with \"version\" and \"findings\")",
                       Path);
  if (*Version < 1 || *Version > BaselineVersion)
    return fmt::format("baseline '{}' is of version {}, which this loadcheck "
                       "does not read (1 to {}): write it again with "
                       "--write-baseline",
                       Path, *Version, BaselineVersion);
  Out.Version = int(*Version);
  for (const json::Value &E : *Entries) {
    const json::Object *O = E.getAsObject();
    auto Fingerprint = O ? O->getString("fingerprint") : std::nullopt;
    if (!Fingerprint)
      return fmt::format("baseline '{}': an entry has no fingerprint", Path);
    Out.Entries.push_back(
        {Fingerprint->str(), O->getString("file").value_or("").str()});
  }
  return "";
}

std::string upgradeWarning(const Baseline &Known) {
  if (Known.Version == BaselineVersion)
    return "";
  return fmt::format(
      "baseline '{}' is of version {}, whose fingerprints found functions by "
      "counting braces; it is still matched that way: rewrite it with "
      "--write-baseline to get version {}, whose functions come from the AST",
      Known.Path, Known.Version, BaselineVersion);
}

BaselineOutcome
applyBaseline(const Baseline &Known, std::vector<Finding> &Findings,
              llvm::function_ref<bool(llvm::StringRef File)> Covered) {
  // Per fingerprint, the entries not matched yet.
  std::map<std::string, std::vector<const Baseline::Entry *>> Open;
  for (const Baseline::Entry &E : Known.Entries)
    Open[E.Fingerprint].push_back(&E);
  BaselineOutcome Outcome;
  std::vector<Finding> Kept;
  for (Finding &F : Findings) {
    const std::string &Print =
        Known.Version == 1 ? F.VersionOneFingerprint : F.Fingerprint;
    auto It = Open.find(Print);
    if (It != Open.end() && !It->second.empty() && !F.isCompilerError()) {
      It->second.pop_back();
      ++Outcome.Suppressed;
      continue;
    }
    Kept.push_back(std::move(F));
  }
  Findings = std::move(Kept);
  for (const auto &[Print, Entries] : Open)
    Outcome.Gone += llvm::count_if(
        Entries, [&](const Baseline::Entry *E) { return Covered(E->File); });
  return Outcome;
}

} // namespace loadcheck
