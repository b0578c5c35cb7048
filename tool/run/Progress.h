//===--- Progress.h - live progress line on a terminal ----------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_RUN_PROGRESS_H
#define LOADCHECK_TOOL_RUN_PROGRESS_H

#include <chrono>
#include <string>

namespace loadcheck {

/// `[37/120] src/foo.cpp  0:12 elapsed, ETA 0:30` rewritten in place on
/// stderr. Disabled (prints nothing) unless stderr is a terminal.
class Progress {
public:
  Progress(bool Enabled, size_t Total, std::string Root);
  /// \p Done files are finished, the last one being \p File.
  void update(size_t Done, const std::string &File);
  /// Erases the line.
  void finish();

private:
  bool Enabled;
  size_t Total;
  std::string Root;
  std::chrono::steady_clock::time_point Start;
};

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_PROGRESS_H
