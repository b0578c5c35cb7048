//===--- TextReporter.h - clang-style text output ---------------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_REPORT_TEXTREPORTER_H
#define LOADCHECK_TOOL_REPORT_TEXTREPORTER_H

#include "tool/results/Finding.h"
#include "llvm/Support/raw_ostream.h"
#include <vector>

namespace loadcheck {

/// Prints findings as clang does: `file:line:col: warning: message [check]`,
/// the source line with a caret, then the notes the same way.
void printText(llvm::raw_ostream &OS, const std::vector<Finding> &Findings);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_REPORT_TEXTREPORTER_H
