// An HTTP API on cpp-httplib with JSON bodies (nlohmann-json), a bounded
// worker pool and a graceful shutdown on SIGTERM.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

namespace {

struct Account {
  std::string Owner;
  long BalanceCents = 0;
};

class AccountStore {
public:
  std::optional<Account> find(const std::string &Id) const {
    std::shared_lock Lock(Mutex);
    auto It = Accounts.find(Id);
    if (It == Accounts.end())
      return std::nullopt;
    return It->second;
  }

  void put(const std::string &Id, Account A) {
    std::unique_lock Lock(Mutex);
    Accounts[Id] = std::move(A);
  }

private:
  mutable std::shared_mutex Mutex;
  std::map<std::string, Account> Accounts;
};

nlohmann::json toJson(const Account &A) {
  return {{"owner", A.Owner}, {"balance_cents", A.BalanceCents}};
}

std::atomic<httplib::Server *> RunningServer{nullptr};

extern "C" void onTerminate(int) {
  if (httplib::Server *S = RunningServer.load())
    S->stop();
}

} // namespace

int main() {
  AccountStore Store;
  httplib::Server Server;
  Server.new_task_queue = [] { return new httplib::ThreadPool(8); };
  Server.set_read_timeout(5, 0);
  Server.set_write_timeout(5, 0);
  Server.set_keep_alive_max_count(100);

  Server.Get(R"(/accounts/(\w+))",
             [&](const httplib::Request &Req, httplib::Response &Res) {
               auto A = Store.find(Req.matches[1]);
               if (!A) {
                 Res.status = 404;
                 return;
               }
               Res.set_content(toJson(*A).dump(), "application/json");
             });
  Server.Put(R"(/accounts/(\w+))",
             [&](const httplib::Request &Req, httplib::Response &Res) {
               auto Body = nlohmann::json::parse(Req.body, nullptr, false);
               if (Body.is_discarded() || !Body.contains("owner")) {
                 Res.status = 400;
                 return;
               }
               Store.put(Req.matches[1],
                         {Body["owner"].get<std::string>(),
                          Body.value("balance_cents", 0L)});
               Res.status = 204;
             });
  Server.Get("/healthz", [](const httplib::Request &, httplib::Response &Res) {
    Res.set_content("ok", "text/plain");
  });

  RunningServer = &Server;
  std::signal(SIGTERM, onTerminate);
  bool Ok = Server.listen("0.0.0.0", 8080);
  RunningServer = nullptr;
  return Ok ? 0 : 1;
}
