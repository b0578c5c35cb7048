// A synchronous HTTP client on Boost.Beast with a resolver, connect and
// request timeouts (tcp_stream::expires_after) and a bounded retry loop.
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <optional>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class PricingClient {
public:
  PricingClient(asio::io_context &Io, std::string Host, std::string Port)
      : Io(Io), Host(std::move(Host)), Port(std::move(Port)) {}

  std::optional<std::string> price(const std::string &Sku) {
    for (int Attempt = 0; Attempt < 3; ++Attempt)
      if (auto Body = fetch("/price/" + Sku))
        return Body;
    return std::nullopt;
  }

private:
  std::optional<std::string> fetch(const std::string &Target) {
    beast::error_code E;
    tcp::resolver Resolver(Io);
    auto Endpoints = Resolver.resolve(Host, Port, E);
    if (E)
      return std::nullopt;
    beast::tcp_stream Stream(Io);
    Stream.expires_after(std::chrono::seconds(2));
    Stream.connect(Endpoints, E);
    if (E)
      return std::nullopt;
    http::request<http::empty_body> Req{http::verb::get, Target, 11};
    Req.set(http::field::host, Host);
    Stream.expires_after(std::chrono::seconds(2));
    http::write(Stream, Req, E);
    if (E)
      return std::nullopt;
    beast::flat_buffer Buffer;
    http::response<http::string_body> Res;
    http::read(Stream, Buffer, Res, E);
    Stream.socket().shutdown(tcp::socket::shutdown_both, E);
    if (Res.result() != http::status::ok)
      return std::nullopt;
    return Res.body();
  }

  asio::io_context &Io;
  std::string Host;
  std::string Port;
};

} // namespace

int main() {
  asio::io_context Io;
  PricingClient Pricing(Io, "pricing", "80");
  return Pricing.price("A-1") ? 0 : 1;
}
