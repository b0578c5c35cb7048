#include "tool/front/ConfigKeys.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include <fmt/core.h>

namespace loadcheck {

// From the keys clang-tidy's YAML mapping reads in each release (checked
// against clang-tidy-14, -19 and -22) and the release notes in between.
static const ConfigKey Keys[] = {
    {"Checks", 14, 0},
    {"WarningsAsErrors", 14, 0},
    {"HeaderFilterRegex", 14, 0},
    // Deprecated in 16 (ignored since long before), removed in 18.
    {"AnalyzeTemporaryDtors", 14, 17},
    {"FormatStyle", 14, 0},
    {"User", 14, 0},
    {"CheckOptions", 14, 0},
    {"ExtraArgs", 14, 0},
    {"ExtraArgsBefore", 14, 0},
    {"InheritParentConfig", 14, 0},
    {"UseColor", 14, 0},
    {"HeaderFileExtensions", 17, 0},
    {"ImplementationFileExtensions", 17, 0},
    {"SystemHeaders", 17, 0},
    {"ExcludeHeaderFilterRegex", 19, 0},
    {"RemovedArgs", 22, 0},
    {"CustomChecks", 22, 0}, // query-based custom checks
};

llvm::ArrayRef<ConfigKey> clangTidyConfigKeys() { return Keys; }

const ConfigKey *findConfigKey(llvm::StringRef Name) {
  for (const ConfigKey &Key : Keys)
    if (Key.Name == Name)
      return &Key;
  return nullptr;
}

std::string ConfigKey::versionsText() const {
  if (LastMajor == 0)
    return FirstMajor <= 14
               ? "every clang-tidy"
               : fmt::format("clang-tidy {} and later", FirstMajor);
  if (FirstMajor <= 14)
    return fmt::format("clang-tidy {} and earlier", LastMajor);
  return fmt::format("clang-tidy {} to {}", FirstMajor, LastMajor);
}

std::string closestName(llvm::StringRef Value,
                        llvm::ArrayRef<std::string> Candidates) {
  // A third of the name may be wrong, at least two letters (a swap).
  unsigned Limit = std::max<unsigned>(2, Value.size() / 3);
  unsigned BestDistance = Limit + 1;
  std::string Best;
  for (const std::string &Candidate : Candidates) {
    unsigned Distance = Value.edit_distance_insensitive(
        Candidate, /*AllowReplacements=*/true, BestDistance);
    if (Distance < BestDistance && Distance != 0) {
      BestDistance = Distance;
      Best = Candidate;
    }
  }
  return Best;
}

namespace {

/// A top-level key with where its entry starts in the text.
struct KeyEntry {
  std::string Name;
  size_t Offset;
  unsigned Line, Column; ///< 1-based
};

/// The top-level keys of \p Config in order, and whether the mapping is in
/// flow style ({...}). Empty when the text is no mapping or not valid YAML:
/// clang-tidy's parser then says what is wrong.
std::vector<KeyEntry> topLevelKeys(llvm::MemoryBufferRef Config,
                                   bool &FlowStyle) {
  llvm::SourceMgr Sources;
  Sources.setDiagHandler([](const llvm::SMDiagnostic &, void *) {});
  llvm::yaml::Stream Yaml(Config, Sources, /*ShowColors=*/false);
  std::vector<KeyEntry> Entries;
  auto Document = Yaml.begin();
  if (Document == Yaml.end())
    return {};
  auto *Map =
      llvm::dyn_cast_or_null<llvm::yaml::MappingNode>(Document->getRoot());
  if (!Map)
    return {};
  const char *Begin = Config.getBufferStart();
  for (llvm::yaml::KeyValueNode &Entry : *Map) {
    auto *Key = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(Entry.getKey());
    if (!Key)
      return {};
    const char *At = Key->getSourceRange().Start.getPointer();
    if (At < Begin || At > Config.getBufferEnd())
      return {};
    llvm::SmallString<32> Storage;
    auto [Line, Column] = Sources.getLineAndColumn(Key->getSourceRange().Start);
    Entries.push_back({Key->getValue(Storage).str(),
                       static_cast<size_t>(At - Begin), Line, Column});
  }
  if (Yaml.failed())
    return {};
  // The parser keeps the mapping's style to itself: a flow mapping is the
  // one whose first key follows a brace.
  llvm::StringRef Before =
      Config.getBuffer().take_front(Entries.empty() ? 0 : Entries[0].Offset);
  FlowStyle = Before.rtrim().ends_with("{");
  return Entries;
}

/// Where the entry of the last key ends: the flow mapping's closing brace,
/// else the end of the first document.
size_t lastEntryEnd(llvm::StringRef Text, size_t From, bool FlowStyle) {
  if (FlowStyle) {
    size_t Brace = Text.rfind('}');
    return Brace == llvm::StringRef::npos || Brace < From ? Text.size() : Brace;
  }
  for (llvm::StringRef Marker : {"\n---", "\n..."})
    if (size_t At = Text.find(Marker, From); At != llvm::StringRef::npos)
      return At;
  return Text.size();
}

/// Blanks [From, To) with spaces, keeping line breaks, so that clang-tidy's
/// messages about the rest still point at the right line and column.
void blank(std::string &Text, size_t From, size_t To) {
  for (size_t I = From; I < To && I < Text.size(); ++I)
    if (Text[I] != '\n' && Text[I] != '\r')
      Text[I] = ' ';
}

std::vector<std::string> allKeyNames() {
  std::vector<std::string> Names;
  for (const ConfigKey &Key : Keys)
    Names.push_back(Key.Name.str());
  return Names;
}

} // namespace

llvm::ErrorOr<clang::tidy::ClangTidyOptions>
parseConfigurationAcrossVersions(llvm::MemoryBufferRef Config,
                                 ConfigDiagnostics *Diags) {
  bool FlowStyle = false;
  std::vector<KeyEntry> Entries = topLevelKeys(Config, FlowStyle);
  std::string Text = Config.getBuffer().str();
  std::string Source = Config.getBufferIdentifier().str();
  bool Dropped = false;
  for (size_t I = 0; I < Entries.size(); ++I) {
    const KeyEntry &Entry = Entries[I];
    const ConfigKey *Key = findConfigKey(Entry.Name);
    if (Key && Key->knownBy(LLVM_VERSION_MAJOR))
      continue;
    std::string Where =
        fmt::format("{}:{}:{}", Source, Entry.Line, Entry.Column);
    if (Diags && Key)
      Diags->Warnings.push_back(fmt::format(
          "{}: key '{}' is known to {} only, not to the clang-tidy {} "
          "loadcheck is built on; ignored",
          Where, Entry.Name, Key->versionsText(), LLVM_VERSION_MAJOR));
    if (Diags && !Key) {
      std::string Near = closestName(Entry.Name, allKeyNames());
      Diags->Errors.push_back(fmt::format(
          "{}: unknown key '{}'{}", Where, Entry.Name,
          Near.empty() ? "" : fmt::format("; did you mean '{}'?", Near)));
    }
    size_t End = I + 1 < Entries.size()
                     ? Entries[I + 1].Offset
                     : lastEntryEnd(Text, Entry.Offset, FlowStyle);
    blank(Text, Entry.Offset, End);
    Dropped = true;
  }
  if (Dropped && llvm::StringRef(Text).trim().empty())
    return clang::tidy::ClangTidyOptions();
  std::vector<std::string> ParseErrors;
  auto Parsed = clang::tidy::parseConfigurationWithDiags(
      llvm::MemoryBufferRef(Text, Source), [&](const llvm::SMDiagnostic &D) {
        ParseErrors.push_back(fmt::format("{}:{}:{}: {}", Source, D.getLineNo(),
                                          D.getColumnNo() + 1,
                                          D.getMessage().str()));
      });
  if (Diags) {
    Diags->Errors.insert(Diags->Errors.end(), ParseErrors.begin(),
                         ParseErrors.end());
    if (!Parsed && ParseErrors.empty())
      Diags->Errors.push_back(fmt::format("{}: invalid configuration: {}",
                                          Source, Parsed.getError().message()));
  }
  if (Parsed && !ParseErrors.empty())
    return std::make_error_code(std::errc::invalid_argument);
  return Parsed;
}

} // namespace loadcheck
