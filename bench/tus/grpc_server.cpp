// A gRPC service implementation on a generated stub (bench/proto/orders.proto):
// unary and server-streaming methods, a shared store, graceful shutdown.
#include "orders.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace {

class OrderStore {
public:
  bool find(const std::string &Id, bench::orders::Order &Out) const {
    std::lock_guard Lock(Mutex);
    auto It = Orders.find(Id);
    if (It == Orders.end())
      return false;
    Out = It->second;
    return true;
  }

  std::vector<bench::orders::Order> ofCustomer(const std::string &C) const {
    std::lock_guard Lock(Mutex);
    std::vector<bench::orders::Order> Result;
    for (const auto &Entry : Orders)
      if (Entry.second.customer() == C)
        Result.push_back(Entry.second);
    return Result;
  }

private:
  mutable std::mutex Mutex;
  std::map<std::string, bench::orders::Order> Orders;
};

class OrdersService final : public bench::orders::Orders::Service {
public:
  explicit OrdersService(const OrderStore &Store) : Store(Store) {}

  grpc::Status GetOrder(grpc::ServerContext *,
                        const bench::orders::GetOrderRequest *Request,
                        bench::orders::Order *Reply) override {
    if (!Store.find(Request->order_id(), *Reply))
      return {grpc::StatusCode::NOT_FOUND, "no such order"};
    return grpc::Status::OK;
  }

  grpc::Status
  WatchOrders(grpc::ServerContext *Context,
              const bench::orders::WatchRequest *Request,
              grpc::ServerWriter<bench::orders::Order> *Writer) override {
    for (const auto &Order : Store.ofCustomer(Request->customer())) {
      if (Context->IsCancelled())
        return grpc::Status::CANCELLED;
      if (!Writer->Write(Order))
        break;
    }
    return grpc::Status::OK;
  }

private:
  const OrderStore &Store;
};

std::mutex ShutdownMutex;
std::condition_variable ShutdownRequested;
std::atomic<bool> Stopping{false};

extern "C" void onTerminate(int) { Stopping = true; }

} // namespace

int main() {
  OrderStore Store;
  OrdersService Service(Store);
  grpc::ServerBuilder Builder;
  Builder.AddListeningPort("0.0.0.0:50051", grpc::InsecureServerCredentials());
  Builder.RegisterService(&Service);
  Builder.SetMaxReceiveMessageSize(1 << 20);
  std::unique_ptr<grpc::Server> Server = Builder.BuildAndStart();
  if (!Server)
    return 1;
  std::signal(SIGTERM, onTerminate);
  std::jthread Watchdog([&](std::stop_token Token) {
    std::unique_lock Lock(ShutdownMutex);
    while (!Stopping && !Token.stop_requested())
      ShutdownRequested.wait_for(Lock, std::chrono::milliseconds(200));
    Server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
  });
  Server->Wait();
  return 0;
}
