// Robustness corpus: every public header of Boost.Beast; an HTTP request and
// response, and a client exchange with a timeout on a tcp_stream.
#include "includes/beast.h"

#include <chrono>
#include <string>

namespace corpus {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

http::response<http::string_body>
handleRequest(const http::request<http::string_body> &Request) {
  http::response<http::string_body> Response{http::status::ok,
                                             Request.version()};
  Response.set(http::field::content_type, "text/plain");
  Response.keep_alive(Request.keep_alive());
  Response.body() = "ok";
  Response.prepare_payload();
  return Response;
}

std::string fetch(asio::io_context &Context, const std::string &Host) {
  asio::ip::tcp::resolver Resolver(Context);
  beast::tcp_stream Stream(Context);
  Stream.expires_after(std::chrono::seconds(5));
  Stream.connect(Resolver.resolve(Host, "80"));
  http::request<http::empty_body> Request{http::verb::get, "/", 11};
  Request.set(http::field::host, Host);
  Stream.expires_after(std::chrono::seconds(5));
  http::write(Stream, Request);
  beast::flat_buffer Buffer;
  http::response<http::string_body> Response;
  http::read(Stream, Buffer, Response);
  beast::error_code Error;
  Stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, Error);
  return Response.body();
}

int runBeast() {
  http::request<http::string_body> Request{http::verb::get, "/health", 11};
  return handleRequest(Request).result_int() == 200 ? 0 : 1;
}

} // namespace corpus
