#include "tool/front/Config.h"
#include "tool/front/Profile.h"

#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/GlobList.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include <fmt/core.h>
#include <set>

using namespace clang::tidy;
namespace path = llvm::sys::path;

namespace loadcheck {

std::unique_ptr<ClangTidyOptionsProvider>
createOptionsProvider(const DriverOptions &Opts, bool ReportAllHeaders) {
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  // The high-traffic profile; .clang-tidy files and --checks override it
  // as they override clang-tidy's own defaults.
  Defaults.Checks = HighTrafficChecks;
  for (const auto &[Key, Value] : highTrafficCheckOptions())
    Defaults.CheckOptions[Key] = {Value.str(), /*Priority=*/0};
  Defaults.User = llvm::sys::Process::GetEnv("USER");
  // Every non-system header, as clang-tidy from LLVM 22 does.
  Defaults.HeaderFilterRegex = ".*";
  ClangTidyOptions Overrides;
  if (Opts.Checks)
    Overrides.Checks = *Opts.Checks;
  if (Opts.WarningsAsErrors)
    Overrides.WarningsAsErrors = *Opts.WarningsAsErrors;
  if (Opts.HeaderFilter)
    Overrides.HeaderFilterRegex = *Opts.HeaderFilter;
  if (Opts.ExcludeHeaderFilter)
    Overrides.ExcludeHeaderFilterRegex = *Opts.ExcludeHeaderFilter;
  if (ReportAllHeaders) {
    Overrides.HeaderFilterRegex = ".*";
    Overrides.ExcludeHeaderFilterRegex = "";
  }
  // System headers are never reported, whatever .clang-tidy says.
  Overrides.SystemHeaders = false;
  return std::make_unique<FileOptionsProvider>(
      ClangTidyGlobalOptions(), std::move(Defaults), std::move(Overrides));
}

std::vector<std::string>
takeConfigurationErrors(std::vector<Finding> &Findings) {
  std::vector<std::string> Errors;
  std::set<std::string> Seen;
  std::vector<Finding> Kept;
  for (Finding &F : Findings) {
    if (F.Check != "clang-tidy-config") {
      Kept.push_back(std::move(F));
      continue;
    }
    if (Seen.insert(F.Message).second)
      Errors.push_back(F.Message);
  }
  Findings = std::move(Kept);
  return Errors;
}

std::vector<std::string> knownCheckNames() {
  compat::KnownChecks All = compat::allChecksAndOptions();
  std::vector<std::string> Names;
  for (const auto &Entry : All.Checks)
    Names.push_back(Entry.getKey().str());
  llvm::sort(Names);
  return Names;
}

/// The positive globs of a clang-tidy check list that match no known check.
static std::vector<std::string>
globsMatchingNothing(llvm::StringRef Globs,
                     const std::vector<std::string> &Known) {
  std::vector<std::string> Unmatched;
  llvm::SmallVector<llvm::StringRef> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    if (Part.empty() || Part.starts_with("-"))
      continue;
    // clang-diagnostic-* names compiler warnings, which are not registered.
    if (Part.starts_with("clang-diagnostic-"))
      continue;
    GlobList Glob(Part);
    if (llvm::none_of(Known,
                      [&](const std::string &N) { return Glob.contains(N); }))
      Unmatched.push_back(Part.str());
  }
  return Unmatched;
}

static void checkRegex(const std::optional<std::string> &Value,
                       llvm::StringRef Key, llvm::StringRef Where,
                       std::vector<std::string> &Errors) {
  // Empty is clang-tidy's "no headers" (llvm::Regex rejects the empty
  // pattern, clang-tidy never compiles it).
  if (!Value || Value->empty())
    return;
  std::string Reason;
  if (!llvm::Regex(*Value).isValid(Reason))
    Errors.push_back(fmt::format("{}: invalid {} '{}': {}", Where.str(),
                                 Key.str(), *Value, Reason));
}

/// Parses one .clang-tidy strictly. Returns the parsed options or records
/// the errors (YAML syntax, unknown keys, bad regexes).
static std::optional<ClangTidyOptions>
parseConfigFile(const std::string &File, std::vector<std::string> &Errors) {
  auto Buffer = llvm::MemoryBuffer::getFile(File);
  if (!Buffer) {
    Errors.push_back(
        fmt::format("cannot read '{}': {}", File, Buffer.getError().message()));
    return std::nullopt;
  }
  std::vector<std::string> Diags;
  auto Parsed = parseConfigurationWithDiags(
      (*Buffer)->getMemBufferRef(), [&](const llvm::SMDiagnostic &D) {
        Diags.push_back(fmt::format("{}:{}:{}: {}", File, D.getLineNo(),
                                    D.getColumnNo() + 1, D.getMessage().str()));
      });
  if (!Parsed || !Diags.empty()) {
    if (Diags.empty())
      Diags.push_back(fmt::format("{}: invalid configuration: {}", File,
                                  Parsed.getError().message()));
    Errors.insert(Errors.end(), Diags.begin(), Diags.end());
    return std::nullopt;
  }
  checkRegex(Parsed->HeaderFilterRegex, "HeaderFilterRegex", File, Errors);
  checkRegex(Parsed->ExcludeHeaderFilterRegex, "ExcludeHeaderFilterRegex", File,
             Errors);
  return *Parsed;
}

/// The .clang-tidy files clang-tidy would read for \p File: the nearest one
/// up the tree, then its parents while InheritParentConfig is set.
static void collectConfigFiles(llvm::StringRef File,
                               std::set<std::string> &Seen,
                               std::vector<std::string> &Errors,
                               std::vector<std::string> &ConfigsWithChecks,
                               std::vector<std::string> &ChecksValues) {
  llvm::SmallString<256> Dir(path::parent_path(File));
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::is_regular_file(Candidate)) {
      std::string Config(Candidate);
      if (!Seen.insert(Config).second)
        return; // this file and its parents are already validated
      auto Options = parseConfigFile(Config, Errors);
      if (!Options)
        return;
      if (Options->Checks) {
        ConfigsWithChecks.push_back(Config);
        ChecksValues.push_back(*Options->Checks);
      }
      if (!Options->InheritParentConfig.value_or(false))
        return;
    }
    llvm::StringRef Parent = path::parent_path(Dir);
    if (Parent == Dir)
      return;
    Dir = Parent;
  }
}

std::vector<std::string>
validateConfiguration(const DriverOptions &Opts,
                      const std::vector<std::string> &Files,
                      std::vector<std::string> &Warnings) {
  std::vector<std::string> Errors;
  std::vector<std::string> Known = knownCheckNames();

  if (Opts.Checks)
    for (const std::string &Glob : globsMatchingNothing(*Opts.Checks, Known))
      Errors.push_back(
          fmt::format("check pattern '{}' in --checks matches no check "
                      "(see --list-checks)",
                      Glob));
  checkRegex(Opts.HeaderFilter, "--header-filter", "command line", Errors);
  checkRegex(Opts.ExcludeHeaderFilter, "--exclude-header-filter",
             "command line", Errors);

  std::set<std::string> Seen;
  std::vector<std::string> Configs, ChecksValues;
  for (const std::string &File : Files)
    collectConfigFiles(File, Seen, Errors, Configs, ChecksValues);
  // Other tools' checks in a shared .clang-tidy are legitimate: warn only.
  for (size_t I = 0; I < Configs.size(); ++I)
    for (const std::string &Glob : globsMatchingNothing(ChecksValues[I], Known))
      Warnings.push_back(fmt::format(
          "{}: check pattern '{}' matches no check loadcheck knows; ignored",
          Configs[I], Glob));
  return Errors;
}

} // namespace loadcheck
