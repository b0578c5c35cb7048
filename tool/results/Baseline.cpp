#include "tool/Paths.h"
#include "tool/results/Baseline.h"
#include "tool/results/Fingerprint.h"
#include "tool/report/Reporters.h"

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
  json::Object Root_{
      {"version", 1}, {"tool", "loadcheck"}, {"findings", std::move(Entries)}};
  OS << llvm::formatv("{0:2}", json::Value(std::move(Root_))) << "\n";
  return "";
}

std::string applyBaseline(const std::string &Path,
                          std::vector<Finding> &Findings, size_t &Suppressed) {
  Suppressed = 0;
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
  if (!Entries || Root->getInteger("version") != 1)
    return fmt::format("baseline '{}' is not a loadcheck baseline (version 1)",
                       Path);
  std::map<std::string, size_t> Budget;
  for (const json::Value &E : *Entries) {
    const json::Object *O = E.getAsObject();
    auto Fingerprint = O ? O->getString("fingerprint") : std::nullopt;
    if (!Fingerprint)
      return fmt::format("baseline '{}': an entry has no fingerprint", Path);
    ++Budget[Fingerprint->str()];
  }
  std::vector<Finding> Kept;
  for (Finding &F : Findings) {
    auto It = Budget.find(F.Fingerprint);
    if (It != Budget.end() && It->second > 0 && !F.isCompilerError()) {
      --It->second;
      ++Suppressed;
      continue;
    }
    Kept.push_back(std::move(F));
  }
  Findings = std::move(Kept);
  return "";
}

} // namespace loadcheck
