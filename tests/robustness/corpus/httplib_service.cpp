// Robustness corpus: every header of cpp-httplib, a server with a handler
// and a client call with timeouts.
#include "includes/httplib.h"

#include <chrono>
#include <string>

namespace corpus {

int runHttplib() {
  httplib::Server Server;
  Server.set_read_timeout(std::chrono::seconds(5));
  Server.set_write_timeout(std::chrono::seconds(5));
  Server.Get("/health", [](const httplib::Request &, httplib::Response &Res) {
    Res.set_content("ok", "text/plain");
  });
  Server.Post("/echo", [](const httplib::Request &Req, httplib::Response &Res) {
    Res.set_content(Req.body, "application/octet-stream");
  });

  httplib::Client Client("localhost", 8080);
  Client.set_connection_timeout(std::chrono::seconds(2));
  Client.set_read_timeout(std::chrono::seconds(5));
  Client.set_write_timeout(std::chrono::seconds(5));
  httplib::Result Response = Client.Get("/health");
  if (!Response || Response->status != 200)
    return 1;
  return Server.is_running() ? 0 : 2;
}

} // namespace corpus
