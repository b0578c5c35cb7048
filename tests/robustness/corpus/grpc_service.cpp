// Robustness corpus: every public header of grpc++ and the stub generated
// from tests/proto; a service implementation, a server and a client call
// with a deadline.
#include "includes/grpcpp.h"
#include "loadcheck_greeter.grpc.pb.h"

#include <chrono>
#include <memory>
#include <string>

namespace corpus {

class GreeterService final : public loadcheck::test::Greeter::Service {
  grpc::Status SayHello(grpc::ServerContext *,
                        const loadcheck::test::HelloRequest *Request,
                        loadcheck::test::HelloReply *Reply) override {
    Reply->set_message("hello " + Request->name());
    return grpc::Status::OK;
  }

  grpc::Status StreamHellos(
      grpc::ServerContext *Context,
      const loadcheck::test::HelloRequest *Request,
      grpc::ServerWriter<loadcheck::test::HelloReply> *Writer) override {
    for (int I = 0; I < 3 && !Context->IsCancelled(); ++I) {
      loadcheck::test::HelloReply Reply;
      Reply.set_message(Request->name() + std::to_string(I));
      if (!Writer->Write(Reply))
        break;
    }
    return grpc::Status::OK;
  }
};

std::unique_ptr<grpc::Server> startGrpcServer(GreeterService &Service) {
  grpc::ServerBuilder Builder;
  Builder.AddListeningPort("0.0.0.0:50051", grpc::InsecureServerCredentials());
  Builder.RegisterService(&Service);
  return Builder.BuildAndStart();
}

std::string callGreeter(loadcheck::test::Greeter::Stub &Stub,
                        const std::string &Name) {
  grpc::ClientContext Context;
  Context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(500));
  loadcheck::test::HelloRequest Request;
  Request.set_name(Name);
  loadcheck::test::HelloReply Reply;
  grpc::Status Status = Stub.SayHello(&Context, Request, &Reply);
  return Status.ok() ? Reply.message() : Status.error_message();
}

int runGrpc() {
  GreeterService Service;
  std::unique_ptr<grpc::Server> Server = startGrpcServer(Service);
  auto Channel = grpc::CreateChannel("localhost:50051",
                                     grpc::InsecureChannelCredentials());
  auto Stub = loadcheck::test::Greeter::NewStub(Channel);
  std::string Answer = callGreeter(*Stub, "corpus");
  Server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return Answer.empty() ? 1 : 0;
}

} // namespace corpus
