//===--- Config.h - options provider and strict config checks ---*- C++ -*-===//
//
// loadcheck reads .clang-tidy exactly as clang-tidy does (FileOptionsProvider),
// but refuses what clang-tidy silently ignores: unknown keys, YAML errors,
// invalid regexes, and --checks patterns that match no check.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_FRONT_CONFIG_H
#define LOADCHECK_TOOL_FRONT_CONFIG_H

#include "clang-tidy/ClangTidyOptions.h"
#include "tool/results/Finding.h"
#include "tool/front/Options.h"
#include <memory>
#include <string>
#include <vector>

namespace loadcheck {

/// clang-tidy's provider: defaults, then .clang-tidy files up the tree, then
/// the command line.
std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>
createOptionsProvider(const DriverOptions &Opts);

/// Validates the command-line options and every .clang-tidy that applies to
/// \p Files. Returns one error line per problem; empty when all is valid.
/// Warnings (e.g. a .clang-tidy pattern that matches no check loadcheck
/// knows) are appended to \p Warnings.
std::vector<std::string>
validateConfiguration(const DriverOptions &Opts,
                      const std::vector<std::string> &Files,
                      std::vector<std::string> &Warnings);

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
