#include "tool/front/Config.h"
#include "tool/ExitCodes.h"
#include "tool/Paths.h"
#include "tool/front/ConfigKeys.h"
#include "tool/front/Profile.h"

#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/GlobList.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <fmt/core.h>
#include <map>
#include <set>

using namespace clang::tidy;
namespace path = llvm::sys::path;

namespace loadcheck {

namespace {

/// The text of --config or --config-file and the name messages give it.
struct CommandLineConfig {
  std::string Text, Source;
};

/// --config-file's content, else a non-empty --config (clang-tidy reads an
/// empty one as "use the .clang-tidy files"). Sets \p Error when the file
/// cannot be read.
std::optional<CommandLineConfig> commandLineConfig(const DriverOptions &Opts,
                                                   std::string &Error) {
  if (Opts.ConfigFile) {
    auto Buffer = llvm::MemoryBuffer::getFile(*Opts.ConfigFile);
    if (!Buffer) {
      Error = fmt::format("cannot read --config-file '{}': {}",
                          *Opts.ConfigFile, Buffer.getError().message());
      return std::nullopt;
    }
    return CommandLineConfig{(*Buffer)->getBuffer().str(), *Opts.ConfigFile};
  }
  if (Opts.Config && !Opts.Config->empty())
    return CommandLineConfig{*Opts.Config, "--config"};
  return std::nullopt;
}

/// clang-tidy's sources in clang-tidy's order: defaults, then the
/// .clang-tidy files up the tree (unless a --config without
/// InheritParentConfig replaces them), the --config, the command line.
/// The files are read across clang-tidy versions (ConfigKeys.h): the
/// driver has already said what was dropped.
class OptionsProvider : public FileOptionsBaseProvider {
public:
  OptionsProvider(ClangTidyOptions Defaults,
                  std::optional<ClangTidyOptions> Config,
                  ClangTidyOptions Overrides)
      : FileOptionsBaseProvider(ClangTidyGlobalOptions(), std::move(Defaults),
                                std::move(Overrides), /*FS=*/nullptr),
        Config(std::move(Config)) {
    ConfigHandlers.clear();
    ConfigHandlers.emplace_back(".clang-tidy", [](llvm::MemoryBufferRef Text) {
      return parseConfigurationAcrossVersions(Text, /*Diags=*/nullptr);
    });
  }

  std::vector<OptionsSource> getRawOptions(llvm::StringRef FileName) override {
    std::vector<OptionsSource> Raw =
        DefaultOptionsProvider::getRawOptions(FileName);
    if (!Config || Config->InheritParentConfig.value_or(false)) {
      llvm::SmallString<256> Absolute(FileName);
      if (!FS->makeAbsolute(Absolute)) {
        path::remove_dots(Absolute, /*remove_dot_dot=*/true);
        addRawFileOptions(Absolute, Raw);
      }
    }
    if (Config)
      Raw.emplace_back(*Config, OptionsSourceTypeConfigCommandLineOption);
    Raw.emplace_back(OverrideOptions, OptionsSourceTypeCheckCommandLineOption);
    return Raw;
  }

private:
  std::optional<ClangTidyOptions> Config;
};

} // namespace

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
  std::optional<ClangTidyOptions> Config;
  std::string Unreadable; // the driver has refused it before
  if (auto Given = commandLineConfig(Opts, Unreadable)) {
    auto Parsed = parseConfigurationAcrossVersions(
        llvm::MemoryBufferRef(Given->Text, Given->Source), nullptr);
    Config = Parsed ? *Parsed : ClangTidyOptions();
  }
  return std::make_unique<OptionsProvider>(
      std::move(Defaults), std::move(Config), std::move(Overrides));
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

namespace {

/// What checking the configuration found.
struct ConfigReport {
  std::vector<std::string> Errors, Warnings;
};

/// The checks this binary has and the options each stores
/// (ClangTidyCheck::storeOptions), as clang-tidy's --verify-config knows
/// them.
struct KnownChecks {
  std::set<std::string> Names;
  std::map<std::string, std::vector<std::string>> OptionsOf;
  std::vector<std::string> QualifiedOptions; ///< "check.Option"

  KnownChecks() {
    compat::KnownChecks All = compat::allChecksAndOptions();
    for (const auto &Entry : All.Checks)
      Names.insert(Entry.getKey().str());
    for (const auto &Entry : All.Options) {
      llvm::StringRef Key = Entry.getKey();
      QualifiedOptions.push_back(Key.str());
      auto [Check, Option] = Key.split('.');
      OptionsOf[Check.str()].push_back(Option.str());
    }
    llvm::sort(QualifiedOptions);
    for (auto &[Check, Options] : OptionsOf)
      llvm::sort(Options);
  }
};

/// Warns about each CheckOptions key of \p Options that names an option
/// its check does not have, with the nearest real one. Only the checks in
/// \p Enabled are looked at (all known checks when null): a shared
/// .clang-tidy may configure checks of other clang-tidy versions.
void checkCheckOptions(const ClangTidyOptions &Options, llvm::StringRef Source,
                       const KnownChecks &Known,
                       const std::set<std::string> *Enabled,
                       std::vector<std::string> &Warnings) {
  for (const auto &Entry : Options.CheckOptions) {
    llvm::StringRef Key = Entry.getKey();
    if (llvm::binary_search(Known.QualifiedOptions, Key.str()))
      continue;
    auto [Check, Option] = Key.split('.');
    if (Option.empty())
      continue; // a global option, read by any check that wants it
    if (Known.Names.count(Check.str())) {
      if (Enabled && !Enabled->count(Check.str()))
        continue;
      auto It = Known.OptionsOf.find(Check.str());
      std::vector<std::string> Real;
      if (It != Known.OptionsOf.end())
        Real = It->second;
      std::string Near = closestName(Option, Real);
      Warnings.push_back(fmt::format(
          "{}: check '{}' has no option '{}'{}; {}; ignored", Source.str(),
          Check.str(), Option.str(),
          Near.empty() ? "" : fmt::format(" (did you mean '{}'?)", Near),
          Real.empty() ? "it has no options"
                       : "its options: " + llvm::join(Real, ", ")));
      continue;
    }
    // Another tool's check is none of loadcheck's business; a misspelt
    // loadcheck check is.
    if (!Check.starts_with("loadcheck-"))
      continue;
    std::string Near = closestName(Key, Known.QualifiedOptions);
    Warnings.push_back(fmt::format(
        "{}: check option '{}' names no loadcheck check{}; ignored",
        Source.str(), Key.str(),
        Near.empty() ? "" : fmt::format(" (did you mean '{}'?)", Near)));
  }
}

/// Parses one configuration across clang-tidy versions and checks its
/// regexes. Returns the options, or nullopt after recording the errors.
std::optional<ClangTidyOptions> parseChecked(llvm::MemoryBufferRef Text,
                                             ConfigReport &Report) {
  ConfigDiagnostics Diags;
  auto Parsed = parseConfigurationAcrossVersions(Text, &Diags);
  Report.Warnings.insert(Report.Warnings.end(), Diags.Warnings.begin(),
                         Diags.Warnings.end());
  Report.Errors.insert(Report.Errors.end(), Diags.Errors.begin(),
                       Diags.Errors.end());
  if (!Parsed || !Diags.Errors.empty())
    return std::nullopt;
  llvm::StringRef Source = Text.getBufferIdentifier();
  checkRegex(Parsed->HeaderFilterRegex, "HeaderFilterRegex", Source,
             Report.Errors);
  checkRegex(Parsed->ExcludeHeaderFilterRegex, "ExcludeHeaderFilterRegex",
             Source, Report.Errors);
  return *Parsed;
}

/// A configuration read, and what it enables where it applies.
struct ReadConfig {
  std::string Source;
  ClangTidyOptions Options;
  std::string AppliesTo; ///< a file whose configuration includes it
};

/// The .clang-tidy files clang-tidy would read for \p File: the nearest one
/// up the tree, then its parents while InheritParentConfig is set.
void collectConfigFiles(llvm::StringRef File, std::set<std::string> &Seen,
                        ConfigReport &Report, std::vector<ReadConfig> &Read) {
  llvm::SmallString<256> Dir(path::parent_path(File));
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::is_regular_file(Candidate)) {
      std::string Config(Candidate);
      if (!Seen.insert(Config).second)
        return; // this file and its parents are already validated
      auto Buffer = llvm::MemoryBuffer::getFile(Config);
      if (!Buffer) {
        Report.Errors.push_back(fmt::format("cannot read '{}': {}", Config,
                                            Buffer.getError().message()));
        return;
      }
      auto Options = parseChecked((*Buffer)->getMemBufferRef(), Report);
      if (!Options)
        return;
      Read.push_back({Config, *Options, File.str()});
      if (!Options->InheritParentConfig.value_or(false))
        return;
    }
    llvm::StringRef Parent = path::parent_path(Dir);
    if (Parent == Dir)
      return;
    Dir = Parent;
  }
}

std::set<std::string> enabledChecksFor(const DriverOptions &Opts,
                                       const std::string &File) {
  std::vector<std::string> Names =
      compat::enabledCheckNames(createOptionsProvider(Opts)->getOptions(File));
  return {Names.begin(), Names.end()};
}

/// Every problem of the configuration that applies to \p Files. With
/// \p EveryKnownCheck, the options of every known check are checked, not
/// only those of the checks enabled.
ConfigReport checkConfiguration(const DriverOptions &Opts,
                                const std::vector<std::string> &Files,
                                bool EveryKnownCheck) {
  ConfigReport Report;
  std::vector<std::string> Known = knownCheckNames();

  if (Opts.Checks)
    for (const std::string &Glob : globsMatchingNothing(*Opts.Checks, Known))
      Report.Errors.push_back(
          fmt::format("check pattern '{}' in --checks matches no check "
                      "(see --list-checks)",
                      Glob));
  checkRegex(Opts.HeaderFilter, "--header-filter", "command line",
             Report.Errors);
  checkRegex(Opts.ExcludeHeaderFilter, "--exclude-header-filter",
             "command line", Report.Errors);

  std::vector<ReadConfig> Read;
  bool ReadFiles = true;
  std::string Unreadable;
  std::optional<CommandLineConfig> Given = commandLineConfig(Opts, Unreadable);
  if (!Unreadable.empty())
    Report.Errors.push_back(Unreadable);
  if (Given) {
    auto Options =
        parseChecked(llvm::MemoryBufferRef(Given->Text, Given->Source), Report);
    if (Options) {
      ReadFiles = Options->InheritParentConfig.value_or(false);
      Read.push_back({Given->Source, *Options,
                      Files.empty() ? currentDirectoryProbe() : Files.front()});
    }
  }
  std::set<std::string> Seen;
  if (ReadFiles)
    for (const std::string &File : Files)
      collectConfigFiles(File, Seen, Report, Read);
  if (!Report.Errors.empty())
    return Report; // the enabled checks below need a valid configuration

  KnownChecks Checks;
  for (const ReadConfig &Config : Read) {
    // Other tools' checks in a shared .clang-tidy are legitimate: warn only.
    if (Config.Options.Checks)
      for (const std::string &Glob :
           globsMatchingNothing(*Config.Options.Checks, Known))
        Report.Warnings.push_back(fmt::format(
            "{}: check pattern '{}' matches no check loadcheck knows; ignored",
            Config.Source, Glob));
    std::optional<std::set<std::string>> Enabled;
    if (!EveryKnownCheck)
      Enabled = enabledChecksFor(Opts, Config.AppliesTo);
    checkCheckOptions(Config.Options, Config.Source, Checks,
                      Enabled ? &*Enabled : nullptr, Report.Warnings);
  }
  return Report;
}

/// The file whose configuration --dump-config and --verify-config show:
/// \p Input itself, a file in it when it is a directory.
std::string probeFor(llvm::StringRef Input) {
  std::string Path = absolutePath(Input);
  if (!llvm::sys::fs::is_directory(Path))
    return Path;
  llvm::SmallString<256> Probe(Path);
  path::append(Probe, "loadcheck-probe.cpp");
  return std::string(Probe);
}

/// A glob list from its last "-*" on: the globs before it enable nothing
/// (the profile's list comes first in every merged list), so that a dumped
/// list read back as --config is the same list.
std::string withoutDisabledPrefix(llvm::StringRef Globs) {
  llvm::SmallVector<llvm::StringRef> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  size_t From = 0;
  for (size_t I = 0; I < Parts.size(); ++I) {
    Parts[I] = Parts[I].trim();
    if (Parts[I] == "-*")
      From = I;
  }
  llvm::SmallVector<llvm::StringRef> Kept;
  for (size_t I = From; I < Parts.size(); ++I)
    if (!Parts[I].empty())
      Kept.push_back(Parts[I]);
  return llvm::join(Kept, ",");
}

void printReport(const ConfigReport &Report) {
  for (const std::string &W : Report.Warnings)
    fmt::print(stderr, "loadcheck: warning: {}\n", W);
  for (const std::string &E : Report.Errors)
    fmt::print(stderr, "loadcheck: error: {}\n", E);
}

} // namespace

std::vector<std::string>
validateConfiguration(const DriverOptions &Opts,
                      const std::vector<std::string> &Files,
                      std::vector<std::string> &Warnings) {
  ConfigReport Report =
      checkConfiguration(Opts, Files, /*EveryKnownCheck=*/false);
  Warnings.insert(Warnings.end(), Report.Warnings.begin(),
                  Report.Warnings.end());
  return Report.Errors;
}

int dumpConfiguration(const DriverOptions &Opts) {
  std::string Probe = Opts.Inputs.empty() ? currentDirectoryProbe()
                                          : probeFor(Opts.Inputs.front());
  ConfigReport Report =
      checkConfiguration(Opts, {Probe}, /*EveryKnownCheck=*/false);
  printReport(Report);
  if (!Report.Errors.empty())
    return UsageError;
  ClangTidyOptions Effective = createOptionsProvider(Opts)->getOptions(Probe);
  // As clang-tidy's --dump-config: every option of the enabled checks.
  Effective.CheckOptions = compat::enabledCheckOptions(Effective);
  Effective.Checks = withoutDisabledPrefix(Effective.Checks.value_or(""));
  // The dump is already the result of the inheritance.
  Effective.InheritParentConfig.reset();
  llvm::outs() << configurationAsText(Effective) << "\n";
  return Clean;
}

int verifyConfiguration(const DriverOptions &Opts) {
  std::vector<std::string> Files;
  for (const std::string &Input : Opts.Inputs)
    Files.push_back(probeFor(Input));
  if (Files.empty())
    Files.push_back(currentDirectoryProbe());
  ConfigReport Report =
      checkConfiguration(Opts, Files, /*EveryKnownCheck=*/true);
  printReport(Report);
  if (!Report.Errors.empty() || !Report.Warnings.empty())
    return Findings;
  llvm::outs() << "No config errors detected.\n";
  return Clean;
}

} // namespace loadcheck
