#include "tool/Paths.h"
#include "tool/run/Progress.h"
#include "tool/results/Fingerprint.h"

#include <fmt/core.h>

namespace loadcheck {

static std::string clock(double Seconds) {
  long S = static_cast<long>(Seconds + 0.5);
  return fmt::format("{}:{:02}", S / 60, S % 60);
}

Progress::Progress(bool Enabled, size_t Total, std::string Root)
    : Enabled(Enabled && Total > 0), Total(Total), Root(std::move(Root)),
      Start(std::chrono::steady_clock::now()) {}

void Progress::update(size_t Done, const std::string &File) {
  if (!Enabled)
    return;
  double Elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  std::string Eta =
      Done ? clock(Elapsed / Done * (Total - Done)) : std::string("?");
  // \r and "erase to end of line": the line is rewritten in place.
  fmt::print(stderr, "\r\x1b[K[{}/{}] {}  {} elapsed, ETA {}", Done, Total,
             relativeToRoot(File, Root), clock(Elapsed), Eta);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!Enabled)
    return;
  fmt::print(stderr, "\r\x1b[K");
  std::fflush(stderr);
}

} // namespace loadcheck
