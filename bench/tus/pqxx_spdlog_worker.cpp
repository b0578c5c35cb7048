// A background job worker: libpqxx with prepared statements, structured
// logging with spdlog, a bounded queue and a stoppable worker pool.
#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Job {
  long Id = 0;
  std::string Payload;
};

class BoundedJobQueue {
public:
  explicit BoundedJobQueue(std::size_t Capacity) : Capacity(Capacity) {}

  bool tryPush(Job J) {
    std::lock_guard Lock(Mutex);
    if (Jobs.size() >= Capacity)
      return false;
    Jobs.push_back(std::move(J));
    NotEmpty.notify_one();
    return true;
  }

  std::optional<Job> pop(std::stop_token Stop) {
    std::unique_lock Lock(Mutex);
    if (!NotEmpty.wait(Lock, Stop, [&] { return !Jobs.empty(); }))
      return std::nullopt;
    Job J = std::move(Jobs.front());
    Jobs.pop_front();
    return J;
  }

private:
  std::mutex Mutex;
  std::condition_variable_any NotEmpty;
  std::deque<Job> Jobs;
  std::size_t Capacity;
};

void process(pqxx::connection &Db, const Job &J) {
  pqxx::work Tx(Db);
  Tx.exec_prepared("mark_done", J.Id, J.Payload);
  Tx.commit();
  spdlog::info("job done id={} bytes={}", J.Id, J.Payload.size());
}

} // namespace

int main() {
  BoundedJobQueue Queue(1024);
  std::vector<std::jthread> Workers;
  for (int I = 0; I < 4; ++I)
    Workers.emplace_back([&Queue](std::stop_token Stop) {
      pqxx::connection Db("postgresql://jobs@db/jobs?connect_timeout=3");
      Db.prepare("mark_done",
                 "UPDATE jobs SET done = true, result = $2 WHERE id = $1");
      while (auto J = Queue.pop(Stop)) {
        try {
          process(Db, *J);
        } catch (const pqxx::failure &E) {
          spdlog::error("job failed id={} error={}", J->Id, E.what());
        }
      }
    });
  for (long Id = 1; Id <= 100; ++Id)
    if (!Queue.tryPush({Id, "payload"}))
      spdlog::warn("queue full id={}", Id);
  return 0;
}
