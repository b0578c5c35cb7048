// Robustness corpus: every public header of POCO Foundation, Net, Util and
// JSON; an HTTP server application with a request handler, an HTTP client
// session with a timeout and JSON parsing.
#include "includes/poco_foundation.h"
#include "includes/poco_json.h"
#include "includes/poco_net.h"
#include "includes/poco_util.h"

#include <string>
#include <vector>

namespace corpus {

class HealthHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &,
                     Poco::Net::HTTPServerResponse &Response) override {
    Response.setContentType("application/json");
    Poco::JSON::Object Body;
    Body.set("status", "ok");
    Body.stringify(Response.send());
  }
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Poco::Net::HTTPRequestHandler *
  createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new HealthHandler;
  }
};

class ServiceApp : public Poco::Util::ServerApplication {
protected:
  int main(const std::vector<std::string> &) override {
    Poco::Net::ServerSocket Socket(8080);
    Poco::Net::HTTPServer Server(new HandlerFactory, Socket,
                                 new Poco::Net::HTTPServerParams);
    Server.start();
    waitForTerminationRequest();
    Server.stop();
    return Application::EXIT_OK;
  }
};

std::string fetchStatus(const std::string &Host) {
  Poco::Net::HTTPClientSession Session(Host, 8080);
  Session.setTimeout(Poco::Timespan(5, 0));
  Poco::Net::HTTPRequest Request(Poco::Net::HTTPRequest::HTTP_GET, "/health");
  Session.sendRequest(Request);
  Poco::Net::HTTPResponse Response;
  std::istream &Body = Session.receiveResponse(Response);
  Poco::JSON::Parser Parser;
  Poco::Dynamic::Var Parsed = Parser.parse(Body);
  return Parsed.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>(
      "status");
}

int runPoco(int Argc, char **Argv) {
  ServiceApp App;
  return App.run(Argc, Argv);
}

} // namespace corpus
