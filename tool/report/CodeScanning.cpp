#include "tool/report/CodeScanning.h"
#include "tool/Git.h"
#include "tool/front/Explain.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include <fmt/core.h>

namespace json = llvm::json;

namespace loadcheck {

namespace {

struct ScanningInfo {
  llvm::StringRef Name;
  unsigned TruePositives, FalsePositives;
  llvm::StringRef SecuritySeverity, Cwe;
};

const ScanningInfo Scanning[] = {
#define LOADCHECK_SCANNING(Name, TruePositives, FalsePositives,                \
                           SecuritySeverity, Cwe)                              \
  {Name, TruePositives, FalsePositives, SecuritySeverity, Cwe},
#include "tool/report/CodeScanning.def"
};

const ScanningInfo *scanningInfo(llvm::StringRef Check) {
  for (const ScanningInfo &Info : Scanning)
    if (Info.Name == Check)
      return &Info;
  return nullptr;
}

} // namespace

std::string fileUri(llvm::StringRef Path, bool Directory) {
  std::string Out = "file://";
  for (char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-._~").contains(C))
      Out += C;
    else
      Out += fmt::format("%{:02X}", (unsigned char)C);
  }
  if (Directory && !llvm::StringRef(Out).ends_with("/"))
    Out += "/";
  return Out;
}

llvm::StringRef precisionLevel(unsigned TruePositives,
                               unsigned FalsePositives) {
  unsigned Labelled = TruePositives + FalsePositives;
  double Precision = Labelled ? double(TruePositives) / Labelled : 1.0;
  if (Labelled && Precision < 0.4)
    return "low";
  if (Labelled < 10)
    return "medium";
  if (Precision >= 0.9)
    return "very-high";
  if (Precision >= 0.7)
    return "high";
  return "medium";
}

json::Object ruleProperties(llvm::StringRef Check, llvm::StringRef Section) {
  json::Array Tags{Section.str()}; // json::Value borrows a StringRef
  json::Object Properties;
  if (const ScanningInfo *Info = scanningInfo(Check)) {
    Properties["precision"] =
        precisionLevel(Info->TruePositives, Info->FalsePositives);
    if (!Info->SecuritySeverity.empty()) {
      Tags.push_back("security");
      if (!Info->Cwe.empty())
        Tags.push_back(fmt::format("external/cwe/cwe-{}", Info->Cwe.str()));
      Properties["security-severity"] = Info->SecuritySeverity;
    }
  }
  Properties["tags"] = std::move(Tags);
  return Properties;
}

std::string absoluteLinks(llvm::StringRef Page, llvm::StringRef BaseUrl) {
  static const llvm::Regex Relative(
      "^\\]\\(([A-Za-z0-9_.-]+\\.md(#[A-Za-z0-9_-]*)?)\\)");
  std::string Out;
  for (size_t I = 0; I < Page.size(); ++I) {
    llvm::SmallVector<llvm::StringRef, 3> Match;
    if (Page[I] == ']' && Relative.match(Page.drop_front(I), &Match)) {
      Out += fmt::format("]({}/{})", BaseUrl.str(), Match[1].str());
      I += Match[0].size() - 1;
      continue;
    }
    Out += Page[I];
  }
  return Out;
}

std::optional<std::string> ruleHelpMarkdown(llvm::StringRef Check) {
  if (!scanningInfo(Check))
    return std::nullopt;
  std::optional<std::string> Page = checkPage(
      Check.str(), llvm::sys::fs::getMainExecutable(nullptr, nullptr));
  if (!Page)
    return std::nullopt;
  return absoluteLinks(*Page, LOADCHECK_DOCS_URL);
}

std::string repositoryUri(llvm::StringRef Url) {
  size_t Scheme = Url.find("://");
  if (Scheme == llvm::StringRef::npos) {
    if (Url.starts_with("/"))
      return fileUri(Url, /*Directory=*/false); // a remote on this machine
    // scp-like syntax: [user@]host:path
    auto [Host, Path] = Url.split(':');
    if (Path.empty())
      return Url.str();
    if (size_t At = Host.rfind('@'); At != llvm::StringRef::npos)
      Host = Host.drop_front(At + 1);
    return fmt::format("ssh://{}/{}", Host.str(), Path.ltrim('/').str());
  }
  llvm::StringRef Rest = Url.drop_front(Scheme + 3);
  size_t Slash = Rest.find('/');
  llvm::StringRef Authority = Rest.take_front(Slash);
  size_t At = Authority.rfind('@');
  if (At == llvm::StringRef::npos)
    return Url.str();
  return (Url.take_front(Scheme + 3) + Rest.drop_front(At + 1)).str();
}

std::optional<json::Array> versionControlProvenance(llvm::StringRef Root) {
  std::optional<std::string> Top =
      gitLine(Root, {"rev-parse", "--show-toplevel"});
  std::optional<std::string> Revision =
      gitLine(Root, {"rev-parse", "--verify", "-q", "HEAD"});
  if (!Top || !Revision)
    return std::nullopt; // not a work tree, or no commit yet
  std::optional<std::string> Remote =
      gitLine(Root, {"remote", "get-url", "origin"});
  std::string Uri =
      Remote ? repositoryUri(*Remote) : fileUri(*Top, /*Directory=*/true);
  json::Object Details{{"repositoryUri", Uri}, {"revisionId", *Revision}};
  if (std::optional<std::string> Branch =
          gitLine(Root, {"symbolic-ref", "-q", "--short", "HEAD"}))
    Details["branch"] = *Branch;
  if (llvm::sys::fs::equivalent(*Top, Root))
    Details["mappedTo"] = json::Object{{"uriBaseId", "%SRCROOT%"}};
  return json::Array{std::move(Details)};
}

} // namespace loadcheck
