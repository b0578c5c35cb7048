//===--- http.cpp - Minimal HTTP/1.1 framing and socket helpers -----------===//
#include "service/http.h"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace service::http {
namespace {

// Limits keep a hostile or broken client from making us buffer without end.
constexpr std::size_t kMaxHeaderBytes = 8192;
constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 20;
constexpr std::string_view kContentLength = "content-length:";

std::string_view reasonPhrase(int status) {
  switch (status) {
  case 200:
    return "OK";
  case 202:
    return "Accepted";
  case 400:
    return "Bad Request";
  case 404:
    return "Not Found";
  case 503:
    return "Service Unavailable";
  default:
    return "Internal Server Error";
  }
}

// Header names are case-insensitive.
bool startsWithContentLength(std::string_view line) {
  if (line.size() < kContentLength.size())
    return false;
  for (std::size_t i = 0; i < kContentLength.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != kContentLength[i])
      return false;
  }
  return true;
}

} // namespace

ParseStatus parseRequest(std::string_view buffer, Request &out,
                         std::size_t &consumed) {
  constexpr auto npos = std::string_view::npos;
  const std::size_t header_end = buffer.find("\r\n\r\n");
  if (header_end == npos)
    return buffer.size() > kMaxHeaderBytes ? ParseStatus::kMalformed
                                           : ParseStatus::kIncomplete;

  const std::string_view head = buffer.substr(0, header_end);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = sp1 == npos ? npos : request_line.find(' ', sp1 + 1);
  if (sp2 == npos)
    return ParseStatus::kMalformed;

  std::size_t body_size = 0;
  std::string_view headers =
      line_end == npos ? std::string_view() : head.substr(line_end + 2);
  while (!headers.empty()) {
    const std::size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers = eol == npos ? std::string_view() : headers.substr(eol + 2);
    if (!startsWithContentLength(line))
      continue;
    line.remove_prefix(kContentLength.size());
    while (!line.empty() && line.front() == ' ')
      line.remove_prefix(1);
    const auto parsed =
        std::from_chars(line.data(), line.data() + line.size(), body_size);
    if (parsed.ec != std::errc() || body_size > kMaxBodyBytes)
      return ParseStatus::kMalformed;
  }

  const std::size_t body_start = header_end + 4;
  if (buffer.size() - body_start < body_size)
    return ParseStatus::kIncomplete;
  out.method.assign(request_line.substr(0, sp1));
  out.path.assign(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  out.body.assign(buffer.substr(body_start, body_size));
  consumed = body_start + body_size;
  return ParseStatus::kComplete;
}

std::string formatResponse(const Response &response) {
  std::string out = "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reasonPhrase(response.status);
  out += "\r\nContent-Type: text/plain\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n\r\n";
  out += response.body;
  return out;
}

int openListener(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // SO_REUSEADDR: a restarted service can bind while old sockets linger.
  const int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool sendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    // MSG_NOSIGNAL: a client that hung up yields EPIPE, not a fatal SIGPIPE.
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace service::http
