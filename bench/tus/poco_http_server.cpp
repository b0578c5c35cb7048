// An HTTP server on Poco::Net: request handler factory, bounded thread pool
// and queue (HTTPServerParams), ServerApplication's waitForTerminationRequest.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/ServerApplication.h>

#include <atomic>
#include <iostream>
#include <string>

namespace {

std::atomic<long> Served{0};

class EchoHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &Req,
                     Poco::Net::HTTPServerResponse &Res) override {
    std::string Body;
    Poco::StreamCopier::copyToString(Req.stream(), Body);
    ++Served;
    Res.setContentType("application/json");
    Res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    Res.sendBuffer(Body.data(), Body.size());
  }
};

class NotFoundHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &,
                     Poco::Net::HTTPServerResponse &Res) override {
    Res.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    Res.send();
  }
};

class Router : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Poco::Net::HTTPRequestHandler *
  createRequestHandler(const Poco::Net::HTTPServerRequest &Req) override {
    if (Req.getURI() == "/echo")
      return new EchoHandler;
    return new NotFoundHandler;
  }
};

class EchoServer : public Poco::Util::ServerApplication {
protected:
  int main(const std::vector<std::string> &) override {
    auto *Params = new Poco::Net::HTTPServerParams;
    Params->setMaxThreads(16);
    Params->setMaxQueued(128);
    Params->setTimeout(Poco::Timespan(10, 0));
    Poco::ThreadPool Pool(2, 16);
    Poco::Net::ServerSocket Socket(8082);
    Poco::Net::HTTPServer Server(new Router, Pool, Socket, Params);
    Server.start();
    waitForTerminationRequest();
    Server.stopAll(true);
    return Application::EXIT_OK;
  }
};

} // namespace

POCO_SERVER_MAIN(EchoServer)
