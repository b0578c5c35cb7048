//===--- ExitCodes.h - the driver's documented exit codes -------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_EXITCODES_H
#define LOADCHECK_TOOL_EXITCODES_H

namespace loadcheck {

/// When several apply, the highest-priority one wins:
/// UsageError > AnalysisFailed > Findings > Clean.
enum ExitCode : int {
  Clean = 0,          ///< every file analysed, no finding
  Findings = 1,       ///< at least one finding
  UsageError = 2,     ///< bad option, database or configuration
  AnalysisFailed = 3, ///< a file could not be read or does not compile
};

/// Combines two outcomes by the priority above.
inline ExitCode worseOf(ExitCode A, ExitCode B) {
  auto Rank = [](ExitCode C) {
    switch (C) {
    case UsageError:
      return 3;
    case AnalysisFailed:
      return 2;
    case Findings:
      return 1;
    case Clean:
      return 0;
    }
    return 0;
  };
  return Rank(A) >= Rank(B) ? A : B;
}

} // namespace loadcheck

#endif // LOADCHECK_TOOL_EXITCODES_H
