#include "tool/front/Options.h"
#include "tool/ExitCodes.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fmt/core.h>
#include <map>

namespace loadcheck {

static const char *const Description =
    "loadcheck: static analysis of C and C++ services for high traffic.\n"
    "\n"
    "Usage: loadcheck [options] [<file or directory>...] [-- <compiler "
    "args>]\n"
    "       loadcheck merge [-o FILE] [--format FORMAT[:FILE]]... RESULT...\n"
    "         (combine results, e.g. of --shard runs; see merge --help)\n"
    "\n"
    "Without -p, compile_commands.json is looked up in ./build and in `.`; a\n"
    "directory means every file of the database under it; no input means\n"
    "every file of the database. With `--` and no -p, the compiler args after\n"
    "it are used for every file.\n"
    "\n"
    "Exit codes: 0 no findings, 1 findings, 2 usage or configuration error,\n"
    "3 a file could not be analysed (unreadable, does not compile, crashed,\n"
    "timed out) or --fix refused a file changed since its analysis.";

static std::string versionText() {
  return fmt::format("loadcheck {} (built with LLVM {})", LOADCHECK_VERSION,
                     LLVM_VERSION_STRING);
}

const char *const FormatHelp =
    "Report format: text, json, sarif, github or gitlab, with :FILE to "
    "write that report to FILE (e.g. --format=sarif:loadcheck.sarif); "
    "repeatable, one analysis writing every report; the report without a "
    "file goes to --output or stdout (default: text)";

llvm::StringRef formatName(OutputFormat Format) {
  switch (Format) {
  case OutputFormat::Text:
    return "text";
  case OutputFormat::Json:
    return "json";
  case OutputFormat::Sarif:
    return "sarif";
  case OutputFormat::Github:
    return "github";
  case OutputFormat::Gitlab:
    return "gitlab";
  }
  return "text";
}

namespace {

std::optional<OutputFormat> formatNamed(llvm::StringRef Name) {
  for (OutputFormat F :
       {OutputFormat::Text, OutputFormat::Json, OutputFormat::Sarif,
        OutputFormat::Github, OutputFormat::Gitlab})
    if (formatName(F) == Name)
      return F;
  return std::nullopt;
}

/// Where a report goes, as an error message names it.
std::string destination(const std::string &File) {
  return File.empty() ? "stdout" : "'" + File + "'";
}

} // namespace

std::string parseReportRequests(const std::vector<std::string> &Values,
                                const std::string &Output,
                                std::vector<ReportRequest> &Reports) {
  Reports.clear();
  // The value that sends a report to each destination, to name both
  // values of a collision.
  std::map<std::string, std::string> Taken;
  for (const std::string &Value : Values) {
    auto [Name, File] = llvm::StringRef(Value).split(':');
    std::optional<OutputFormat> Format = formatNamed(Name);
    if (!Format)
      return fmt::format("--format '{}' is not a report format: use text, "
                         "json, sarif, github or gitlab, optionally with "
                         ":FILE, e.g. --format=sarif:loadcheck.sarif",
                         Value);
    if (File.empty() && Value.size() > Name.size())
      return fmt::format("--format '{}' names no file after ':'", Value);
    std::string Target = File.empty() ? Output : File.str();
    auto [At, New] = Taken.emplace(Target, Value);
    if (!New) {
      if (File.empty() && At->first == Output)
        return fmt::format(
            "--format={} and --format={} both write to {}: give all but one "
            "report its own file, e.g. --format={}:loadcheck.{}",
            At->second, Value, destination(Target), Name.str(),
            Name == "text"     ? "txt"
            : Name == "gitlab" ? "json"
                               : Name.str());
      return fmt::format("--format={} and --format={} both write to {}: "
                         "give each report its own file",
                         At->second, Value, destination(Target));
    }
    Reports.push_back({*Format, File.str()});
  }
  if (!Output.empty() && !Reports.empty() && !Taken.count(Output))
    return fmt::format("--output '{}' receives no report: every --format "
                       "names its own file",
                       Output);
  return "";
}

bool parseShard(llvm::StringRef Text, unsigned &Index, unsigned &Count) {
  auto [K, N] = Text.split('/');
  unsigned ParsedK = 0, ParsedN = 0;
  if (K.getAsInteger(10, ParsedK) || N.getAsInteger(10, ParsedN) ||
      ParsedK < 1 || ParsedK > ParsedN)
    return false;
  Index = ParsedK;
  Count = ParsedN;
  return true;
}

std::optional<DriverOptions> parseCommandLine(int Argc, const char **Argv,
                                              int &ExitNow) {
  DriverOptions Opts;
  // Everything after `--` is compiler arguments, not ours.
  std::vector<std::string> OwnArgs;
  for (int I = 1; I < Argc; ++I) {
    if (std::string_view(Argv[I]) == "--") {
      Opts.HasCompilerArgs = true;
      Opts.CompilerArgs.assign(Argv + I + 1, Argv + Argc);
      break;
    }
    // clang-tidy reads an empty --config as "the .clang-tidy files".
    if (std::string_view(Argv[I]) == "--config=")
      continue;
    OwnArgs.emplace_back(Argv[I]);
  }

  CLI::App App(Description, "loadcheck");
  App.set_version_flag("--version", versionText, "Print the version and exit");
  App.add_option("inputs", Opts.Inputs, "Files or directories to analyse");
  App.add_option("-p,--build-path", Opts.BuildPath,
                 "Build directory containing compile_commands.json (or the "
                 "file itself)");
  App.add_option("--checks", Opts.Checks,
                 "Comma-separated globs of checks to enable or (with -) "
                 "disable, added to the .clang-tidy configuration");
  App.add_option("--warnings-as-errors", Opts.WarningsAsErrors,
                 "Globs of checks whose findings are reported as errors");
  App.add_option("--header-filter", Opts.HeaderFilter,
                 "Regex of headers whose findings are reported (default: "
                 "HeaderFilterRegex of .clang-tidy, else every non-system "
                 "header)");
  App.add_option("--exclude-header-filter", Opts.ExcludeHeaderFilter,
                 "Regex of headers whose findings are not reported (default: "
                 "ExcludeHeaderFilterRegex of .clang-tidy, else none)");
  // --- configuration (Config.h), as clang-tidy's options of these names
  App.add_option("--config", Opts.Config,
                 "Configuration in YAML or JSON, used instead of the "
                 ".clang-tidy files (unless it sets InheritParentConfig), "
                 "e.g. \"{Checks: '-*,loadcheck-*', CheckOptions: {x: y}}\"; "
                 "empty: the .clang-tidy files");
  App.add_option("--config-file", Opts.ConfigFile,
                 "Read the --config configuration from this file")
      ->excludes("--config");
  App.add_flag("--dump-config", Opts.DumpConfig,
               "Print the effective configuration (of the first input, "
               "else of the current directory) as YAML and exit");
  App.add_flag("--verify-config", Opts.VerifyConfig,
               "Check the configuration of the inputs (else of the current "
               "directory) and exit: 0 when valid, 1 with the problems");
  // --- end configuration
  // One value per occurrence: without this CLI11 would swallow the input
  // files that follow `--extra-arg=X` into the vector.
  App.add_option("--extra-arg", Opts.ExtraArgs,
                 "Additional compiler argument (repeatable)")
      ->allow_extra_args(false);
  App.add_flag("--list-checks", Opts.ListChecks,
               "List the enabled checks (text, or --format=json) to --output "
               "or stdout, and exit");
  App.add_flag("-q,--quiet", Opts.Quiet,
               "Print findings only: no progress line, no summary");
  App.add_flag("-v,--verbose", Opts.Verbose,
               "Also print what the link stage did: translation units, "
               "functions, calls, candidates, its time and the driver's peak "
               "memory");
  std::string Color = "auto";
  App.add_option("--color", Color,
                 "Colour the output: auto (on a terminal, unless NO_COLOR "
                 "is set), always, never; the flag beats NO_COLOR")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  App.add_option("-j,--jobs", Opts.Jobs,
                 "Translation units analysed in parallel (default: number of "
                 "cores)")
      ->check(CLI::PositiveNumber);
  std::vector<std::string> Formats;
  // One value per occurrence, as --extra-arg.
  App.add_option("--format", Formats, FormatHelp)
      ->type_name("FORMAT[:FILE]")
      ->allow_extra_args(false);
  App.add_option("-o,--output", Opts.Output,
                 "Write the report that has no file of its own to this file "
                 "instead of stdout");
  App.add_option("--export-fixes", Opts.ExportFixes,
                 "Write the fix-its as YAML for clang-apply-replacements");
  App.add_flag("--fix", Opts.Fix,
               "Apply every non-conflicting fix-it in place");
  App.add_option("--baseline", Opts.Baseline,
                 "Report only findings that this baseline file lacks");
  App.add_option("--write-baseline", Opts.WriteBaseline,
                 "Record the current findings in this baseline file");
  App.add_flag("--checklist", Opts.Checklist,
               "Print the review checklist, grouped by section, filled in "
               "with the findings");
  App.add_option("--explain", Opts.Explain,
                 "Print the documentation of a check and exit");
  App.add_option("--root", Opts.Root,
                 "Repository root for relative paths in reports and "
                 "baselines (default: the git work tree, else `.`)");
  App.add_option("--cache-dir", Opts.CacheDir,
                 "Reuse the results of unchanged translation units from this "
                 "directory and store new ones there (see docs/ci.md)");
  std::string Shard;
  App.add_option("--shard", Shard,
                 "Analyse only shard K of N (1 <= K <= N): a deterministic "
                 "share of the files balanced by size; combine the shards' "
                 "results with `loadcheck merge`");
  auto *DiffBase = App.add_option(
      "--diff-base", Opts.DiffBase,
      "Analyse the translation units that the changes since REV (its merge "
      "base with HEAD, uncommitted changes included) affect and report "
      "only findings on added or modified lines (see docs/ci.md)");
  DiffBase->type_name("REV");
  App.add_option("--diff", Opts.DiffFile,
                 "As --diff-base, with the changes of this unified diff "
                 "(`-`: standard input; paths relative to --root, git's a/ "
                 "b/ prefixes removed), e.g. `git diff -U0 main | loadcheck "
                 "--diff -`")
      ->type_name("FILE")
      ->excludes(DiffBase);
  // --- reliability
  App.add_option("--timeout-per-file", Opts.TimeoutPerFile,
                 "Stop the analysis of a translation unit after this many "
                 "seconds (decimals allowed) and report it as not analysed "
                 "(exit code 3); default: no limit")
      ->type_name("SECONDS")
      ->check(CLI::Validator(
          [](std::string &Value) -> std::string {
            char *End = nullptr;
            double Seconds = std::strtod(Value.c_str(), &End);
            if (Value.empty() || *End != '\0' || !(Seconds > 0) ||
                Seconds > 1e6)
              return "must be a number of seconds greater than 0 and at "
                     "most 1000000, got '" +
                     Value + "'";
            return "";
          },
          ""));
  // --- end reliability
  App.add_option("--internal-worker", Opts.WorkerFile)->group("");
  App.add_option("--internal-output", Opts.WorkerOutput)->group("");

  std::reverse(OwnArgs.begin(), OwnArgs.end()); // CLI11 parses from the back
  try {
    App.parse(OwnArgs);
  } catch (const CLI::CallForHelp &) {
    fmt::print("{}", App.help());
    ExitNow = Clean;
    return std::nullopt;
  } catch (const CLI::CallForVersion &) {
    fmt::print("{}\n", versionText());
    ExitNow = Clean;
    return std::nullopt;
  } catch (const CLI::ParseError &E) {
    fmt::print(stderr, "loadcheck: error: {} (see --help)\n", E.what());
    ExitNow = UsageError;
    return std::nullopt;
  }
  if (!Shard.empty() && !parseShard(Shard, Opts.ShardIndex, Opts.ShardCount)) {
    fmt::print(stderr,
               "loadcheck: error: --shard '{}' is invalid: expected K/N with "
               "1 <= K <= N, e.g. 2/4\n",
               Shard);
    ExitNow = UsageError;
    return std::nullopt;
  }
  Opts.Color = Color == "always"  ? ColorMode::Always
               : Color == "never" ? ColorMode::Never
                                  : ColorMode::Auto;
  if (std::string E = parseReportRequests(Formats, Opts.Output, Opts.Reports);
      !E.empty()) {
    fmt::print(stderr, "loadcheck: error: {}\n", E);
    ExitNow = UsageError;
    return std::nullopt;
  }
  return Opts;
}

} // namespace loadcheck
