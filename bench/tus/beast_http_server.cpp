// An HTTP/1.1 server on Boost.Beast: one session per connection, a request
// timeout on the tcp_stream, JSON-ish routing, keep-alive.
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

http::response<http::string_body>
route(const http::request<http::string_body> &Req) {
  http::response<http::string_body> Res{http::status::ok, Req.version()};
  Res.set(http::field::server, "bench");
  Res.keep_alive(Req.keep_alive());
  if (Req.method() == http::verb::get && Req.target() == "/healthz") {
    Res.set(http::field::content_type, "text/plain");
    Res.body() = "ok";
  } else if (Req.method() == http::verb::post && Req.target() == "/echo") {
    Res.set(http::field::content_type, "application/json");
    Res.body() = Req.body();
  } else {
    Res.result(http::status::not_found);
  }
  Res.prepare_payload();
  return Res;
}

class Session : public std::enable_shared_from_this<Session> {
public:
  explicit Session(tcp::socket Socket) : Stream(std::move(Socket)) {}

  void start() { read(); }

private:
  void read() {
    Request = {};
    Stream.expires_after(std::chrono::seconds(15));
    http::async_read(Stream, Buffer, Request,
                     [Self = shared_from_this()](beast::error_code E,
                                                 std::size_t) {
                       if (E)
                         return Self->close();
                       Self->write(route(Self->Request));
                     });
  }

  void write(http::response<http::string_body> Res) {
    Response = std::move(Res);
    http::async_write(Stream, Response,
                      [Self = shared_from_this()](beast::error_code E,
                                                  std::size_t) {
                        if (E || !Self->Response.keep_alive())
                          return Self->close();
                        Self->read();
                      });
  }

  void close() {
    beast::error_code Ignored;
    Stream.socket().shutdown(tcp::socket::shutdown_send, Ignored);
  }

  beast::tcp_stream Stream;
  beast::flat_buffer Buffer;
  http::request<http::string_body> Request;
  http::response<http::string_body> Response;
};

void accept(tcp::acceptor &Acceptor) {
  Acceptor.async_accept([&Acceptor](beast::error_code E, tcp::socket S) {
    if (!E)
      std::make_shared<Session>(std::move(S))->start();
    if (Acceptor.is_open())
      accept(Acceptor);
  });
}

} // namespace

int main() {
  asio::io_context Io{1};
  tcp::acceptor Acceptor(Io, {tcp::v4(), 8081});
  accept(Acceptor);
  asio::signal_set Signals(Io, SIGINT, SIGTERM);
  Signals.async_wait([&](beast::error_code, int) {
    Acceptor.close();
    Io.stop();
  });
  Io.run();
  return 0;
}
