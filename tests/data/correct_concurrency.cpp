// Correct use of <thread>, <future>, <mutex> and <condition_variable>: every
// loadcheck check must stay silent on this file (tests/cli/PrecisionTests).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <numeric>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace {

class WorkerPool {
public:
  explicit WorkerPool(unsigned Size) {
    Workers.reserve(Size);
    for (unsigned I = 0; I < Size; ++I)
      Workers.emplace_back([this] { run(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> Lock(Mu);
      Stopping = true;
    }
    Ready.notify_all();
    for (std::thread &W : Workers)
      W.join();
  }
  void submit(std::function<void()> Job) {
    {
      // Bounded: a producer waits for room (loadcheck-unbounded-queue).
      std::unique_lock<std::mutex> Lock(Mu);
      NotFull.wait(Lock, [this] { return Jobs.size() < Capacity; });
      Jobs.push_back(std::move(Job));
    }
    Ready.notify_one();
  }

private:
  void run() {
    for (;;) {
      std::function<void()> Job;
      {
        std::unique_lock<std::mutex> Lock(Mu);
        Ready.wait(Lock, [this] { return Stopping || !Jobs.empty(); });
        if (Stopping && Jobs.empty())
          return;
        Job = std::move(Jobs.front());
        Jobs.pop_front();
      }
      NotFull.notify_one();
      Job();
    }
  }

  std::mutex Mu;
  std::condition_variable Ready;
  std::condition_variable NotFull;
  static constexpr std::size_t Capacity = 256;
  std::deque<std::function<void()>> Jobs;
  bool Stopping = false;
  std::vector<std::thread> Workers;
};

int sumInParallel(const std::vector<int> &Values) {
  auto Half = Values.begin() + static_cast<long>(Values.size() / 2);
  std::future<int> Left = std::async(std::launch::async, [&] {
    return std::accumulate(Values.begin(), Half, 0);
  });
  int Right = std::accumulate(Half, Values.end(), 0);
  return Left.get() + Right;
}

bool joinedOnEveryPath(bool Fail) {
  std::thread T([] {});
  if (Fail) {
    T.join();
    return false;
  }
  T.join();
  return true;
}

std::thread handedToCaller() {
  std::thread T([] {});
  return T;
}

void movedIntoContainer(std::vector<std::thread> &Out) {
  std::thread T([] {});
  Out.push_back(std::move(T));
}

void stopTokenLoop() {
  std::jthread Ticker([](std::stop_token Stop) {
    while (!Stop.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  });
}

void joinIfJoinable() {
  std::thread T;
  T = std::thread([] {});
  if (T.joinable())
    T.join();
}

} // namespace

int main() {
  WorkerPool Pool(std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<int> Done{0};
  for (int I = 0; I < 4; ++I)
    Pool.submit([&Done] { Done.fetch_add(1); });
  std::vector<std::thread> Extra;
  movedIntoContainer(Extra);
  Extra.push_back(handedToCaller());
  for (std::thread &T : Extra)
    T.join();
  stopTokenLoop();
  joinIfJoinable();
  return sumInParallel({1, 2, 3}) + joinedOnEveryPath(false) > 0 ? 0 : 1;
}
