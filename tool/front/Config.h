//===--- Config.h - options provider and strict config checks ---*- C++ -*-===//
//
// loadcheck reads .clang-tidy, --config and --config-file as clang-tidy does,
// but says what clang-tidy silently ignores: keys of other clang-tidy
// versions (a warning; the rest of the file applies, ConfigKeys.h), unknown
// keys, YAML errors, invalid regexes and --checks patterns that match no
// check (errors), check options the check does not have (a warning with
// "did you mean", from the options the checks store).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_FRONT_CONFIG_H
#define LOADCHECK_TOOL_FRONT_CONFIG_H

#include "clang-tidy/ClangTidyOptions.h"
#include "tool/front/Options.h"
#include "tool/results/Finding.h"
#include <memory>
#include <string>
#include <vector>

namespace loadcheck {

/// clang-tidy's provider: defaults, then .clang-tidy files up the tree, then
/// the command line. Unlike clang-tidy 19, findings in every non-system
/// header are reported by default (HeaderFilterRegex `.*`), as clang-tidy
/// does from LLVM 22. \p ReportAllHeaders overrides the header filters so
/// that the driver sees what they hide (see analyzeFile).
std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>
createOptionsProvider(const DriverOptions &Opts, bool ReportAllHeaders = false);

/// Validates the command-line options and every .clang-tidy that applies to
/// \p Files. Returns one error line per problem; empty when all is valid.
/// Warnings (e.g. a .clang-tidy pattern that matches no check loadcheck
/// knows) are appended to \p Warnings.
std::vector<std::string>
validateConfiguration(const DriverOptions &Opts,
                      const std::vector<std::string> &Files,
                      std::vector<std::string> &Warnings);

/// --dump-config: prints the effective configuration of the first input
/// (else of the current directory) as YAML, with every option of the
/// enabled checks, in a form that --config-file reads back to the same
/// configuration. Returns the exit code.
int dumpConfiguration(const DriverOptions &Opts);

/// --verify-config: checks the configuration of the inputs (else of the
/// current directory) and every check option against the options the
/// checks have. Returns 0 when nothing is wrong, 1 after listing problems.
int verifyConfiguration(const DriverOptions &Opts);

/// Removes from \p Findings the diagnostics checks emit about their own
/// options (clang-tidy's "clang-tidy-config", e.g. a number option set to
/// "soon"), which clang-tidy only warns about, and returns them as error
/// lines, once each: loadcheck treats them as configuration errors.
std::vector<std::string>
takeConfigurationErrors(std::vector<Finding> &Findings);

/// Every check name known to this binary (loadcheck and linked upstream
/// modules), sorted.
std::vector<std::string> knownCheckNames();

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_CONFIG_H
