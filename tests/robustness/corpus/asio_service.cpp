// Robustness corpus: every public header of Boost.Asio; an io_context with
// a steady_timer, a TCP acceptor and socket, and a signal set.
#include "includes/asio.h"

#include <chrono>
#include <memory>

namespace corpus {

namespace asio = boost::asio;
using asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
public:
  explicit Session(tcp::socket Socket) : Socket(std::move(Socket)) {}

  void start() { read(); }

private:
  void read() {
    auto Self = shared_from_this();
    Socket.async_read_some(
        asio::buffer(Data),
        [this, Self](boost::system::error_code Error, std::size_t Length) {
          if (!Error)
            write(Length);
        });
  }

  void write(std::size_t Length) {
    auto Self = shared_from_this();
    asio::async_write(
        Socket, asio::buffer(Data, Length),
        [this, Self](boost::system::error_code Error, std::size_t) {
          if (!Error)
            read();
        });
  }

  tcp::socket Socket;
  char Data[1024];
};

class EchoServer {
public:
  EchoServer(asio::io_context &Context, unsigned short Port)
      : Acceptor(Context, tcp::endpoint(tcp::v4(), Port)) {
    accept();
  }

private:
  void accept() {
    Acceptor.async_accept(
        [this](boost::system::error_code Error, tcp::socket Socket) {
          if (!Error)
            std::make_shared<Session>(std::move(Socket))->start();
          accept();
        });
  }

  tcp::acceptor Acceptor;
};

int runAsio() {
  asio::io_context Context;
  EchoServer Server(Context, 9000);
  asio::steady_timer Timer(Context, std::chrono::seconds(1));
  Timer.async_wait([](const boost::system::error_code &) {});
  asio::signal_set Signals(Context, SIGINT, SIGTERM);
  Signals.async_wait(
      [&Context](const boost::system::error_code &, int) { Context.stop(); });
  Context.run_for(std::chrono::seconds(1));
  return 0;
}

} // namespace corpus
