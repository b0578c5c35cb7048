//===--- Database.h - compilation database and input files -----*- C++ -*-===//
#ifndef LOADCHECK_TOOL_FRONT_DATABASE_H
#define LOADCHECK_TOOL_FRONT_DATABASE_H

#include "tool/front/Options.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <memory>
#include <string>
#include <vector>

namespace loadcheck {

struct InputSet {
  /// The database every file is compiled with, adjusted with the resource
  /// dir of clang 19 and --extra-arg; a file's commands that differ only by
  /// their object file count once.
  std::unique_ptr<clang::tooling::CompilationDatabase> Database;
  /// Where the database came from, for messages ("compiler args after --"
  /// for a fixed database).
  std::string DatabaseSource;
  /// Absolute paths of the files to analyse, sorted, without duplicates.
  std::vector<std::string> Files;
  /// One line per bad input (missing file, file not in the database...);
  /// the files that are fine are still analysed.
  std::vector<std::string> InputErrors;
};

/// Loads the database (-p, ./build, `.`, or `--` args) and resolves the
/// inputs. Returns null and an error line when no usable database exists.
std::unique_ptr<InputSet> loadInputs(const DriverOptions &Opts,
                                     std::string &Error);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_DATABASE_H
