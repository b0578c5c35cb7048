//===--- good_server.cpp - GOOD: accept loop, worker pool, dispatch -------===//
//
// Counterparts of bad_main.cpp and bad_handlers.cpp; loadcheck must report
// nothing here.
//
//===----------------------------------------------------------------------===//
#include "service/good.h"
#include "service/log.h"

#include <algorithm>
#include <cerrno>
#include <exception>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace good {

namespace http = service::http;
namespace slog = service::slog;

namespace {
constexpr std::size_t kReadBufferSize = 65536; // 64 KiB
// Idle keep-alive connections give their worker back after this long, which
// also bounds how long shutdown waits for them.
constexpr timeval kIdleTimeout = {5, 0};
} // namespace

http::Response Handler::handle(const http::Request &request) {
  stats_.recordRequest(service::routeOf(request.path));
  if (request.path.starts_with("/kv/")) {
    const std::string key = request.path.substr(4);
    if (request.method == "GET") {
      const std::optional<std::string> value = cache_.get(key);
      return value ? http::Response{200, *value}
                   : http::Response{404, "not found\n"};
    }
    if (request.method == "PUT") {
      cache_.put(key, request.body);
      return {200, "stored\n"};
    }
  }
  if (request.method == "POST" && request.path == "/jobs") {
    // GOOD(loadcheck-unbounded-queue): a full queue answers 503 at once, so clients back off instead of piling up.
    if (!jobs_.tryPush(Job{next_job_id_.fetch_add(1), request.body}))
      return {503, "job queue full\n"};
    return {202, "queued\n"};
  }
  if (request.path == "/stats")
    return {200, stats_.render()};
  return {404, "not found\n"};
}

Server::~Server() {
  for (int fd : {listen_fd_, wake_pipe_[0], wake_pipe_[1]})
    if (fd >= 0)
      ::close(fd);
}

bool Server::listen(std::uint16_t port) {
  listen_fd_ = http::openListener(port);
  return listen_fd_ >= 0 && ::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) == 0;
}

void Server::requestStop() noexcept {
  stopping_.store(true);
  const char byte = 's';
  [[maybe_unused]] const ssize_t n = ::write(wake_pipe_[1], &byte, 1);
}

void Server::run() {
  // GOOD(loadcheck-unbounded-thread-spawn): a fixed pool sized by the hardware; extra connections wait in a bounded queue.
  const unsigned thread_count =
      std::max(2u, std::thread::hardware_concurrency());
  workers_.reserve(thread_count);
  for (unsigned i = 0; i < thread_count; ++i) {
    // GOOD(loadcheck-thread-exception-escape): the worker's whole body is in try/catch.
    workers_.emplace_back([this] {
      try {
        workerMain();
      } catch (...) {
        slog::error("worker_failed");
      }
    });
  }

  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
  while (!stopping_.load()) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue; // a signal; its handler wrote to the pipe
      slog::error("poll_failed", {{"errno", errno}});
      break;
    }
    if (fds[1].revents != 0)
      break; // SIGTERM, SIGINT or POST /admin/shutdown
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &kIdleTimeout,
                 sizeof kIdleTimeout);
    if (!connections_.tryPush(fd)) {
      // Overloaded: shed this connection now rather than queue it forever.
      http::sendAll(fd, http::formatResponse({503, "overloaded\n"}));
      ::close(fd);
    }
  }
  stopping_.store(true);
  // GOOD(loadcheck-unjoined-thread): workers finish the queued connections, then every one is joined.
  connections_.close();
  for (std::thread &worker : workers_)
    worker.join();
  workers_.clear();
}

void Server::workerMain() {
  // GOOD(loadcheck-hot-path-allocation): one read buffer per worker thread, reused for every request it serves.
  std::vector<char> buffer(kReadBufferSize);
  while (std::optional<int> fd = connections_.pop()) {
    try {
      serveConnection(*fd, buffer);
    } catch (const std::exception &e) {
      slog::error("connection_failed", {{"error", e.what()}});
    }
    ::close(*fd);
  }
}

void Server::serveConnection(int fd, std::vector<char> &buffer) {
  std::string pending; // received bytes not parsed yet (pipelined requests)
  while (!stopping_.load()) {
    http::Request request;
    std::size_t consumed = 0;
    const http::ParseStatus status =
        http::parseRequest(pending, request, consumed);
    if (status == http::ParseStatus::kIncomplete) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0)
        return; // closed, idle timeout or error
      pending.append(buffer.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (status == http::ParseStatus::kMalformed) {
      http::sendAll(fd, http::formatResponse({400, "malformed request\n"}));
      return;
    }
    pending.erase(0, consumed);

    const auto started = std::chrono::steady_clock::now();
    http::Response response;
    if (request.method == "POST" && request.path == "/admin/shutdown") {
      // GOOD(loadcheck-abrupt-termination): asks the server to drain and stop; in-flight requests still complete.
      requestStop();
      response = {202, "draining\n"};
    } else {
      response = handler_.handle(request);
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    // GOOD(loadcheck-unstructured-logging): one structured line per request via the project logger.
    slog::info("request",
               {{"method", request.method},
                {"path", request.path},
                {"status", response.status},
                {"duration_us",
                 std::chrono::duration_cast<std::chrono::microseconds>(elapsed)
                     .count()}});
    if (!http::sendAll(fd, http::formatResponse(response)))
      return;
  }
}

} // namespace good
