//===--- http.h - Minimal HTTP/1.1 framing and socket helpers ---*- C++ -*-===//
//
// Neutral code shared by service_bad and service_good: loadcheck must report
// nothing here.
//
//===----------------------------------------------------------------------===//
#ifndef EXAMPLE_SERVICE_HTTP_H
#define EXAMPLE_SERVICE_HTTP_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace service::http {

struct Request {
  std::string method;
  std::string path;
  std::string body;
};

struct Response {
  int status = 200;
  std::string body;
};

enum class ParseStatus : std::uint8_t { kComplete, kIncomplete, kMalformed };

/// Parses one request from the front of \p buffer: request line, headers and
/// a Content-Length body. On kComplete, \p consumed is the request's size, so
/// pipelined requests that follow it stay in the buffer.
ParseStatus parseRequest(std::string_view buffer, Request &out,
                         std::size_t &consumed);

/// Serialises \p response with Content-Length framing (keep-alive friendly).
std::string formatResponse(const Response &response);

/// Opens a TCP socket listening on 127.0.0.1:\p port; -1 on error.
int openListener(std::uint16_t port);

/// Writes all of \p data to socket \p fd; false once the peer is gone.
bool sendAll(int fd, std::string_view data);

} // namespace service::http

#endif // EXAMPLE_SERVICE_HTTP_H
