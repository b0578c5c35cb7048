// A line-oriented TCP service on Boost.Asio: async accept/read/write with
// coroutine-free handlers, per-connection idle timers, a bounded thread
// pool running the io_context, and signal_set for a graceful stop.
#include <boost/asio.hpp>

#include <array>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
  explicit Session(tcp::socket Socket)
      : Socket(std::move(Socket)), Idle(this->Socket.get_executor()) {}

  void start() { readLine(); }

private:
  void readLine() {
    Idle.expires_after(std::chrono::seconds(30));
    Idle.async_wait([Self = shared_from_this()](boost::system::error_code E) {
      if (!E)
        Self->Socket.close();
    });
    asio::async_read_until(
        Socket, asio::dynamic_buffer(Buffer), '\n',
        [Self = shared_from_this()](boost::system::error_code E,
                                    std::size_t Length) {
          if (E)
            return;
          std::string Line = Self->Buffer.substr(0, Length);
          Self->Buffer.erase(0, Length);
          Self->reply("echo: " + Line);
        });
  }

  void reply(std::string Text) {
    Outgoing = std::move(Text);
    asio::async_write(Socket, asio::buffer(Outgoing),
                      [Self = shared_from_this()](boost::system::error_code E,
                                                  std::size_t) {
                        if (!E)
                          Self->readLine();
                      });
  }

  tcp::socket Socket;
  asio::steady_timer Idle;
  std::string Buffer;
  std::string Outgoing;
};

class Listener {
public:
  Listener(asio::io_context &Io, unsigned short Port)
      : Acceptor(Io, tcp::endpoint(tcp::v4(), Port)) {
    accept();
  }

  void stop() { Acceptor.close(); }

private:
  void accept() {
    Acceptor.async_accept([this](boost::system::error_code E, tcp::socket S) {
      if (E)
        return;
      std::make_shared<Session>(std::move(S))->start();
      accept();
    });
  }

  tcp::acceptor Acceptor;
};

} // namespace

int main() {
  asio::io_context Io;
  Listener Server(Io, 7000);
  asio::signal_set Signals(Io, SIGINT, SIGTERM);
  Signals.async_wait([&](boost::system::error_code, int) {
    Server.stop();
    Io.stop();
  });
  unsigned Workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::jthread> Pool;
  Pool.reserve(Workers);
  for (unsigned I = 0; I < Workers; ++I)
    Pool.emplace_back([&Io] { Io.run(); });
  return 0;
}
