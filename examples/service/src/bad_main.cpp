//===--- bad_main.cpp - BAD: accept loop, thread per connection -----------===//
//
// Expected findings: missing-graceful-shutdown, unbounded-thread-spawn,
// detached-thread, hot-path-allocation, unstructured-logging.
// Counterparts: good_main.cpp and good_server.cpp.
//
//===----------------------------------------------------------------------===//
#include "service/bad.h"

#include <cstdio>
#include <functional>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr std::uint16_t kPort = 8080;
constexpr std::size_t kReadBufferSize = 65536; // 64 KiB

// Serves one keep-alive connection until the client hangs up.
void serveConnection(bad::Handler &handler, int fd) {
  namespace http = service::http;
  while (true) {
    // BAD(loadcheck-hot-path-allocation): a fresh 64 KiB heap buffer for every request: allocator contention and RSS spikes.
    char *buffer = new char[kReadBufferSize];
    const ssize_t n = ::recv(fd, buffer, kReadBufferSize, 0);
    if (n <= 0) {
      delete[] buffer;
      break;
    }
    // Assumes one recv() is one whole request; pipelining would break it.
    http::Request request;
    std::size_t consumed = 0;
    const http::ParseStatus status = http::parseRequest(
        {buffer, static_cast<std::size_t>(n)}, request, consumed);
    delete[] buffer;
    const http::Response response = status == http::ParseStatus::kComplete
                                        ? handler.handle(request)
                                        : http::Response{400, "bad request\n"};
    // BAD(loadcheck-unstructured-logging): printf from a connection thread: no levels or fields, lines interleave under load.
    std::printf("%s %s -> %d\n", request.method.c_str(), request.path.c_str(),
                response.status);
    if (!http::sendAll(fd, http::formatResponse(response)))
      break;
  }
  ::close(fd);
}

} // namespace

// BAD(loadcheck-missing-graceful-shutdown): no SIGTERM handling in this program: a deploy kills in-flight requests and queued jobs.
int main() {
  bad::Cache cache;
  bad::Stats stats;
  bad::JobQueue jobs;
  bad::JobRunner runner(jobs);
  bad::Handler handler(cache, stats, jobs);
  bad::startMetricsFlusher(stats);

  const int listen_fd = service::http::openListener(kPort);
  if (listen_fd < 0) {
    std::perror("listen");
    return 1;
  }
  while (true) {
    const int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd < 0)
      continue;
    // BAD(loadcheck-unbounded-thread-spawn): one thread per connection: a traffic spike exhausts memory and the scheduler.
    // BAD(loadcheck-detached-thread): connection threads can be neither counted nor joined at shutdown.
    std::thread(serveConnection, std::ref(handler), fd).detach();
  }
}
