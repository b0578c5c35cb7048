//===--- Preflight.h - refuse unusable outputs before analysing -*- C++ -*-===//
//
// Analysing a large project takes minutes: a report path that cannot be
// written or a corrupt baseline must fail the run at once (exit code 2),
// not after the analysis, when the findings could only be thrown away.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_FRONT_PREFLIGHT_H
#define LOADCHECK_TOOL_FRONT_PREFLIGHT_H

#include "tool/front/Options.h"
#include <string>
#include <vector>

namespace loadcheck {

/// One error line per output (--output, --export-fixes, --write-baseline)
/// that cannot be written and for a --baseline that cannot be used.
std::vector<std::string> preflightErrors(const DriverOptions &Opts);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_PREFLIGHT_H
