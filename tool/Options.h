//===--- Options.h - the driver's command line ------------------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_OPTIONS_H
#define LOADCHECK_TOOL_OPTIONS_H

#include <optional>
#include <string>
#include <vector>

namespace loadcheck {

enum class ColorMode { Auto, Always, Never };

struct DriverOptions {
  std::vector<std::string> Inputs; ///< files or directories
  std::string BuildPath;           ///< -p: build dir or compile_commands.json
  std::optional<std::string> Checks;
  std::optional<std::string> WarningsAsErrors;
  std::optional<std::string> HeaderFilter;
  std::vector<std::string> ExtraArgs;
  bool HasCompilerArgs = false;          ///< `--` was given
  std::vector<std::string> CompilerArgs; ///< after `--`
  bool ListChecks = false;
  bool Quiet = false;
  ColorMode Color = ColorMode::Auto;
};

/// Parses argv. On --help/--version or a usage error it prints what is
/// needed and returns the process exit code in \p ExitNow.
std::optional<DriverOptions> parseCommandLine(int Argc, const char **Argv,
                                              int &ExitNow);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_OPTIONS_H
