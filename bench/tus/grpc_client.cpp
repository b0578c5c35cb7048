// A gRPC client on the generated stub: one channel and stub reused, a
// deadline on every call, a streaming read loop.
#include "orders.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace {

class OrdersClient {
public:
  explicit OrdersClient(std::shared_ptr<grpc::Channel> Channel)
      : Stub(bench::orders::Orders::NewStub(std::move(Channel))) {}

  std::optional<bench::orders::Order> get(const std::string &Id) {
    grpc::ClientContext Context;
    Context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(500));
    bench::orders::GetOrderRequest Request;
    Request.set_order_id(Id);
    bench::orders::Order Reply;
    grpc::Status Status = Stub->GetOrder(&Context, Request, &Reply);
    if (!Status.ok())
      return std::nullopt;
    return Reply;
  }

  long totalOf(const std::string &Customer) {
    grpc::ClientContext Context;
    Context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    bench::orders::WatchRequest Request;
    Request.set_customer(Customer);
    auto Reader = Stub->WatchOrders(&Context, Request);
    long Total = 0;
    bench::orders::Order Order;
    while (Reader->Read(&Order))
      Total += Order.amount_cents();
    grpc::Status Status = Reader->Finish();
    return Status.ok() ? Total : -1;
  }

private:
  std::unique_ptr<bench::orders::Orders::Stub> Stub;
};

} // namespace

int main() {
  grpc::ChannelArguments Args;
  Args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  OrdersClient Client(grpc::CreateCustomChannel(
      "orders:50051", grpc::InsecureChannelCredentials(), Args));
  if (auto Order = Client.get("o-1"))
    std::cout << Order->customer() << '\n';
  std::cout << Client.totalOf("c-1") << '\n';
  return 0;
}
