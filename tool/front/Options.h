//===--- Options.h - the driver's command line ------------------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_FRONT_OPTIONS_H
#define LOADCHECK_TOOL_FRONT_OPTIONS_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace loadcheck {

enum class ColorMode { Auto, Always, Never };

enum class OutputFormat { Text, Json, Sarif, Github, Gitlab };

/// One report a run writes: `--format=FORMAT[:FILE]`.
struct ReportRequest {
  OutputFormat Format = OutputFormat::Text;
  std::string File; ///< "" = to --output, else stdout
};

/// The name of \p Format as --format spells it.
llvm::StringRef formatName(OutputFormat Format);

/// Parses the values of the repeatable `--format=FORMAT[:FILE]` (the
/// driver's and `loadcheck merge`'s) into \p Reports. At most one report
/// may go without a file (to \p Output, or stdout when that is ""), no file
/// may take two reports, and an \p Output no report goes to is refused.
/// Returns "" or the error line.
std::string parseReportRequests(const std::vector<std::string> &Values,
                                const std::string &Output,
                                std::vector<ReportRequest> &Reports);

/// The --format help text (one home for the driver and merge).
extern const char *const FormatHelp;

struct DriverOptions {
  std::vector<std::string> Inputs; ///< files or directories
  std::string BuildPath;           ///< -p: build dir or compile_commands.json
  std::optional<std::string> Checks;
  std::optional<std::string> WarningsAsErrors;
  std::optional<std::string> HeaderFilter;
  std::optional<std::string> ExcludeHeaderFilter;
  // --- configuration (Config.h)
  std::optional<std::string> Config;     ///< --config: YAML/JSON text
  std::optional<std::string> ConfigFile; ///< --config-file: its path
  bool DumpConfig = false;               ///< --dump-config
  bool VerifyConfig = false;             ///< --verify-config
  // --- end configuration
  std::vector<std::string> ExtraArgs;
  bool HasCompilerArgs = false;          ///< `--` was given
  std::vector<std::string> CompilerArgs; ///< after `--`
  bool ListChecks = false;
  bool Quiet = false;
  bool Verbose = false; ///< the link stage's statistics on stderr
  ColorMode Color = ColorMode::Auto;
  unsigned Jobs = 0; ///< -j; 0 = number of cores
  /// --format, repeatable; empty: the text report to --output or stdout.
  std::vector<ReportRequest> Reports;
  std::string Output;      ///< --output; "" = stdout
  std::string ExportFixes; ///< --export-fixes
  bool Fix = false;
  std::string Baseline;      ///< --baseline
  std::string WriteBaseline; ///< --write-baseline
  bool Checklist = false;
  std::optional<std::string> Explain;
  std::string Root; ///< --root; "" = git work tree or current directory
  // Scale (docs/ci.md): result cache and sharding.
  std::string CacheDir;    ///< --cache-dir; "" = no cache
  unsigned ShardIndex = 0; ///< --shard K/N: K (1-based); 0 = not sharded
  unsigned ShardCount = 0; ///< N
  // Changed lines (docs/ci.md): one of the two, else the whole project.
  std::string DiffBase; ///< --diff-base REV
  std::string DiffFile; ///< --diff FILE ("-": stdin)
  // --- reliability
  double TimeoutPerFile = 0; ///< --timeout-per-file seconds; 0 = none
  // --- end reliability
  std::string WorkerFile;   ///< hidden --internal-worker
  std::string WorkerOutput; ///< hidden --internal-output
  /// The driver's cacheExecutableHash(), computed once for every worker.
  std::string ExecutableHash;
};

/// Parses the value of --shard, "K/N" with 1 <= K <= N.
bool parseShard(llvm::StringRef Text, unsigned &Index, unsigned &Count);

/// Parses argv. On --help/--version or a usage error it prints what is
/// needed and returns the process exit code in \p ExitNow.
std::optional<DriverOptions> parseCommandLine(int Argc, const char **Argv,
                                              int &ExitNow);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_OPTIONS_H
