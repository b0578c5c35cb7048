//===--- BlockingProbeTests.cpp - probes that do not wait, across files ---===//
//
// blocking-under-lock through calls, run through the driver on small
// multi-file projects: a liveness probe of another file (cpp-httplib's
// `is_socket_alive`: a zero-timeout poll two helpers down, then a peek at
// the socket it found readable) called under a lock is silent; a helper
// that polls with the timeout its caller gives (1000 ms) under a lock is
// reported, with the way down to the poll as notes.
//
//===----------------------------------------------------------------------===//
#include "tests/cli/ProjectRuns.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>

namespace loadcheck::testing {
namespace {

const std::string BUL = "loadcheck-blocking-under-lock";

/// C++ sources under src/ compiled with -I src.
FileMap cxxProject(FileMap Sources) {
  return withCompileDatabase(std::move(Sources), ".cpp",
                             "-x c++ -std=c++17 -I@DIR@/src");
}

/// The blocking-under-lock findings over \p Dir: "file:line" -> their
/// notes, each "file:line message".
std::map<std::string, std::vector<std::string>>
findingsWithNotes(const Workspace &Dir) {
  runChecks(Dir, BUL);
  std::map<std::string, std::vector<std::string>> Out;
  for (const ReportedFinding &F : reportedFindingsOf(Dir))
    if (F.Check == BUL)
      Out[F.Place] = F.Notes;
  return Out;
}

bool hasNote(const std::vector<std::string> &Notes, const std::string &Note) {
  return std::find(Notes.begin(), Notes.end(), Note) != Notes.end();
}

const char *NetHeader = R"(#include <sys/types.h>
bool is_socket_alive(int sock);
bool wait_readable(int sock, int timeout_ms);
)";

// cpp-httplib's helpers, as in its single header.
const char *NetSource = R"(#include <cerrno>
#include <chrono>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include "net.h"
template <typename T> inline ssize_t handle_EINTR(T fn) {
  ssize_t res = 0;
  while (true) {
    res = fn();
    if (res < 0 && errno == EINTR) {
      std::this_thread::sleep_for(std::chrono::microseconds{1});
      continue;
    }
    break;
  }
  return res;
}
inline ssize_t read_socket(int sock, void *ptr, size_t size, int flags) {
  return handle_EINTR([&]() { return recv(sock, ptr, size, flags); });
}
inline int poll_wrapper(struct pollfd *fds, nfds_t nfds, int timeout) {
  return ::poll(fds, nfds, timeout);
}
inline ssize_t select_impl(int sock, short events, time_t sec, time_t usec) {
  struct pollfd pfd;
  pfd.fd = sock;
  pfd.events = events;
  pfd.revents = 0;
  auto timeout = static_cast<int>(sec * 1000 + usec / 1000);
  return handle_EINTR([&]() { return poll_wrapper(&pfd, 1, timeout); });
}
inline ssize_t select_read(int sock, time_t sec, time_t usec) {
  return select_impl(sock, POLLIN, sec, usec);
}
bool is_socket_alive(int sock) {
  const auto val = select_read(sock, 0, 0);
  if (val == 0)
    return true;
  else if (val < 0 && errno == EBADF)
    return false;
  char buf[1];
  return read_socket(sock, &buf[0], sizeof(buf), MSG_PEEK) > 0;
}
bool wait_readable(int sock, int timeout_ms) {
  return select_read(sock, timeout_ms / 1000, (timeout_ms % 1000) * 1000) > 0;
}
)";

TEST(BlockingProbe, LivenessProbeOfAnotherFileUnderALockDoesNotWait) {
  Workspace Dir(cxxProject({{"src/net.h", NetHeader},
                            {"src/net.cpp", NetSource},
                            {"src/pool.cpp", R"(#include <mutex>
#include "net.h"
std::mutex socket_mutex_;
int sock_;
bool alive() {
  std::lock_guard<std::mutex> guard(socket_mutex_);
  return is_socket_alive(sock_);
}
bool ready() {
  std::lock_guard<std::mutex> guard(socket_mutex_);
  return wait_readable(sock_, 1000);
}
)"}}));
  auto Found = findingsWithNotes(Dir);
  EXPECT_FALSE(Found.count("src/pool.cpp:7")); // returns at once
  ASSERT_TRUE(Found.count("src/pool.cpp:11")) << Found.size();
  const std::vector<std::string> &Notes = Found["src/pool.cpp:11"];
  EXPECT_TRUE(hasNote(Notes, "src/pool.cpp:10 'socket_mutex_' acquired here"));
  EXPECT_TRUE(hasNote(Notes, "src/net.cpp:46 'wait_readable' calls "
                             "'select_read' here"));
  EXPECT_TRUE(hasNote(Notes, "src/net.cpp:34 'select_read' calls "
                             "'select_impl' here"));
  EXPECT_TRUE(hasNote(Notes, "src/net.cpp:31 'select_impl' calls "
                             "'handle_EINTR' here"))
      << Notes.size();
  EXPECT_EQ(Found.size(), 1u);
}

// The same probe with a timeout, and a peek at a socket nobody probed: both
// may wait for the peer.
TEST(BlockingProbe, SlowProbeOrPeekAtAnotherSocketUnderALockIsReported) {
  Workspace Dir(
      cxxProject({{"src/net.h", R"(bool peek_other(int sock, int peer);
)"},
                  {"src/net.cpp", R"(#include <poll.h>
#include <sys/socket.h>
#include "net.h"
static int probe(int sock, int ms) {
  struct pollfd p = {sock, POLLIN, 0};
  return poll(&p, 1, ms);
}
bool peek_other(int sock, int peer) {
  if (probe(sock, 0) <= 0)
    return false;
  char c;
  return recv(peer, &c, 1, MSG_PEEK) > 0;
}
)"},
                  {"src/pool.cpp", R"(#include <mutex>
#include "net.h"
std::mutex mu;
bool check(int a, int b) {
  std::lock_guard<std::mutex> guard(mu);
  return peek_other(a, b);
}
)"}}));
  auto Found = findingsWithNotes(Dir);
  ASSERT_TRUE(Found.count("src/pool.cpp:6")) << Found.size();
  EXPECT_TRUE(hasNote(Found["src/pool.cpp:6"],
                      "src/net.cpp:12 'peek_other' calls 'recv' here"));
}

} // namespace
} // namespace loadcheck::testing
