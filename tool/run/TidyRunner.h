//===--- TidyRunner.h - clang-tidy over one translation unit ----*- C++ -*-===//
#ifndef LOADCHECK_TOOL_RUN_TIDYRUNNER_H
#define LOADCHECK_TOOL_RUN_TIDYRUNNER_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "tool/run/FileDigest.h"
#include "tool/run/FunctionIndex.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace loadcheck {

/// clang-tidy's runClangTidy() for one file, with the same pieces (the
/// ClangTidyASTConsumerFactory that creates the checks and the
/// ClangTidyDiagnosticConsumer that applies NOLINT, header filters and
/// warnings-as-errors, .clang-tidy ExtraArgs), but quiet: no "N warnings
/// generated" or "Error while processing" on stderr, because the driver
/// reports failures itself, once, in its own words.
/// When \p Read is given, it receives the digest of every file the compile
/// read, taken when the preprocessor entered it (before any check ran).
/// When \p Facts is given, it receives the translation unit's program facts
/// once every check has run, their "files" table spelled as the findings'
/// paths (absolute, against the compile directory).
/// When \p Functions is given, it receives the functions of the user's code,
/// their files spelled as the findings' paths.
std::vector<clang::tidy::ClangTidyError>
runChecksOnFile(clang::tidy::ClangTidyContext &Context,
                const clang::tooling::CompilationDatabase &Database,
                const std::string &File, FileDigests *Read = nullptr,
                llvm::json::Value *Facts = nullptr,
                FunctionIndex *Functions = nullptr);

/// Adds ExtraArgsBefore/ExtraArgs of the file's .clang-tidy to its compile
/// command, as clang-tidy does. Shared with the result cache, whose key must
/// see the same command line as the analysis.
clang::tooling::ArgumentsAdjuster
configExtraArgs(clang::tidy::ClangTidyContext &Context);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_TIDYRUNNER_H
