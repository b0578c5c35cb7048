//===--- LockOrderLinkTests.cpp - lock cycles and thread members, linked --===//
//
// Small multi-file projects run through the driver: lock-order-inversion
// finds cycles of lock orders made by functions of different files (their
// own acquisitions, calls made under a lock of functions that lock, lock
// wrappers of other files), one finding per cycle; unjoined-thread decides
// a std::thread member by every method of its class, wherever it is
// defined. Each with the lookalikes that must stay silent: two locks always
// taken in the same order, a lock taken again under itself, a member thread
// joined in a stop() the destructor of another file calls, a std::jthread
// member, a member never started, a vector of threads joined in a loop,
// and the orders of a thread the shutdown joins before it takes the others.
//
//===----------------------------------------------------------------------===//
#include "tests/cli/ProjectRuns.h"

#include <gtest/gtest.h>
#include <set>

namespace loadcheck::testing {
namespace {

const std::string LOI = "loadcheck-lock-order-inversion";
const std::string UT = "loadcheck-unjoined-thread";

FileMap project(FileMap Sources) { return cProject(std::move(Sources)); }

FileMap cxxProject(FileMap Sources) {
  return withCompileDatabase(std::move(Sources), ".cpp",
                             "-x c++ -std=c++20 -pthread -I@DIR@/src");
}

/// "file:line check" of every finding of \p Check.
std::set<std::string> findings(const Workspace &Dir, const std::string &Check) {
  runChecks(Dir, Check);
  return reportedFindings(Dir, "out.json");
}

/// The notes of the finding at \p File:\p Line, "file:line message".
std::vector<std::string> notesOf(const Workspace &Dir, const std::string &File,
                                 int64_t Line) {
  for (const ReportedFinding &F : reportedFindingsOf(Dir))
    if (F.Place == File + ":" + std::to_string(Line))
      return F.Notes;
  return {};
}

const char *LocksHeader = R"(#include <pthread.h>
extern pthread_mutex_t cache_mu, stats_mu, disk_mu;
void lock_stats(void);
void unlock_stats(void);
void touch_disk(void);
)";

const char *LocksDefinitions = R"(#include "locks.h"
pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t disk_mu = PTHREAD_MUTEX_INITIALIZER;
void lock_stats(void) { pthread_mutex_lock(&stats_mu); }
void unlock_stats(void) { pthread_mutex_unlock(&stats_mu); }
void touch_disk(void) {
  pthread_mutex_lock(&disk_mu);
  pthread_mutex_unlock(&disk_mu);
}
)";

TEST(LockOrderLink, OppositeOrdersInTwoFilesAreOneFinding) {
  Workspace Dir(project({{"src/locks.h", LocksHeader},
                         {"src/locks.c", LocksDefinitions},
                         {"src/cache.c", R"(#include "locks.h"
void cache_get(void) {
  pthread_mutex_lock(&cache_mu);
  pthread_mutex_lock(&stats_mu);
  pthread_mutex_unlock(&stats_mu);
  pthread_mutex_unlock(&cache_mu);
}
)"},
                         {"src/stats.c", R"(#include "locks.h"
void stats_dump(void) {
  pthread_mutex_lock(&stats_mu);
  pthread_mutex_lock(&cache_mu);
  pthread_mutex_unlock(&cache_mu);
  pthread_mutex_unlock(&stats_mu);
}
)"}}));
  std::set<std::string> Found = findings(Dir, LOI);
  // Once, at the last place in file order; the other order is a note.
  EXPECT_EQ(Found, std::set<std::string>{"src/stats.c:4 " + LOI});
  std::vector<std::string> Notes = notesOf(Dir, "src/stats.c", 4);
  ASSERT_EQ(Notes.size(), 1u);
  EXPECT_EQ(Notes[0], "src/cache.c:4 'stats_mu' acquired while holding "
                      "'cache_mu' in 'cache_get'");
}

TEST(LockOrderLink, ThroughCallsAndWrappersOfOtherFiles) {
  // cache.c holds cache_mu and calls a function of locks.c that takes
  // stats_mu; stats.c takes stats_mu through a wrapper of locks.c, then
  // cache_mu. No file shows both orders.
  Workspace Dir(project({{"src/locks.h", LocksHeader},
                         {"src/locks.c", LocksDefinitions},
                         {"src/count.c", R"(#include "locks.h"
long hits;
void count_hit(void) {
  lock_stats();
  hits++;
  unlock_stats();
}
)"},
                         {"src/cache.c", R"(#include "locks.h"
void count_hit(void);
void cache_get(void) {
  pthread_mutex_lock(&cache_mu);
  count_hit();
  pthread_mutex_unlock(&cache_mu);
}
)"},
                         {"src/stats.c", R"(#include "locks.h"
void stats_dump(void) {
  lock_stats();
  pthread_mutex_lock(&cache_mu);
  pthread_mutex_unlock(&cache_mu);
  unlock_stats();
}
)"}}));
  std::set<std::string> Found = findings(Dir, LOI);
  // The wrapper's lock is unknown to stats.c alone: the call in cache.c is
  // the only candidate place of the cycle.
  EXPECT_EQ(Found, std::set<std::string>{"src/cache.c:5 " + LOI});
  std::vector<std::string> Notes = notesOf(Dir, "src/cache.c", 5);
  EXPECT_TRUE(llvm::is_contained(
      Notes, "src/stats.c:4 'cache_mu' acquired while holding 'stats_mu' in "
             "'stats_dump'"))
      << ::testing::PrintToString(Notes);
  EXPECT_TRUE(llvm::is_contained(
      Notes, "src/locks.c:5 'stats_mu' acquired here in 'lock_stats'"))
      << ::testing::PrintToString(Notes);
}

TEST(LockOrderLink, ThreeLockCycleIsOneFindingWithANotePerOrder) {
  Workspace Dir(project({{"src/locks.h", LocksHeader},
                         {"src/locks.c", LocksDefinitions},
                         {"src/a.c", R"(#include "locks.h"
void a(void) {
  pthread_mutex_lock(&cache_mu);
  pthread_mutex_lock(&stats_mu);
  pthread_mutex_unlock(&stats_mu);
  pthread_mutex_unlock(&cache_mu);
}
)"},
                         {"src/b.c", R"(#include "locks.h"
void b(void) {
  pthread_mutex_lock(&stats_mu);
  touch_disk();
  pthread_mutex_unlock(&stats_mu);
}
)"},
                         {"src/c.c", R"(#include "locks.h"
void c(void) {
  pthread_mutex_lock(&disk_mu);
  pthread_mutex_lock(&cache_mu);
  pthread_mutex_unlock(&cache_mu);
  pthread_mutex_unlock(&disk_mu);
}
)"}}));
  std::set<std::string> Found = findings(Dir, LOI);
  EXPECT_EQ(Found, std::set<std::string>{"src/c.c:4 " + LOI});
  std::vector<std::string> Notes = notesOf(Dir, "src/c.c", 4);
  EXPECT_EQ(Notes,
            (std::vector<std::string>{
                "src/a.c:4 'stats_mu' acquired while holding 'cache_mu' in "
                "'a'",
                "src/b.c:4 'b' calls 'touch_disk' holding 'stats_mu', which "
                "acquires 'disk_mu'",
                "src/locks.c:8 'disk_mu' acquired here in 'touch_disk'"}));
}

/// A server whose maintenance thread (maint.c) pauses everything: it holds
/// crawler_mu while it takes workers_mu. Its shutdown (main.c) holds
/// workers_mu while it stops the crawler (crawler_mu); before that it
/// calls \p StopFirst, which may join the maintenance thread.
FileMap shutdownProject(const std::string &StopFirst) {
  return project({{"src/maint.h", R"(#include <pthread.h>
extern pthread_mutex_t crawler_mu, workers_mu;
extern pthread_t maint_tid;
void start_maintenance(void);
void stop_maintenance(void);
void wake_maintenance(void);
)"},
                  {"src/maint.c", R"(#include "maint.h"
pthread_mutex_t crawler_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t workers_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_t maint_tid;
static volatile int running = 1;
static void pause_all(void) {
  pthread_mutex_lock(&crawler_mu);
  pthread_mutex_lock(&workers_mu);
  pthread_mutex_unlock(&workers_mu);
  pthread_mutex_unlock(&crawler_mu);
}
static void *maintenance(void *arg) {
  (void)arg;
  while (running)
    pause_all();
  return 0;
}
void start_maintenance(void) {
  pthread_create(&maint_tid, 0, maintenance, 0);
}
void stop_maintenance(void) {
  running = 0;
  pthread_join(maint_tid, 0);
}
void wake_maintenance(void) { running = 1; }
)"},
                  {"src/main.c", R"(#include "maint.h"
static void stop_crawler(void) {
  pthread_mutex_lock(&crawler_mu);
  pthread_mutex_unlock(&crawler_mu);
}
static void stop_all(void) {
  )" + StopFirst + R"(();
  pthread_mutex_lock(&workers_mu);
  stop_crawler();
  pthread_mutex_unlock(&workers_mu);
}
int main(void) {
  start_maintenance();
  stop_all();
  return 0;
}
)"}});
}

TEST(LockOrderLink, OrdersOfAThreadJoinedBeforeAreNoCycle) {
  Workspace Joined(shutdownProject("stop_maintenance"));
  EXPECT_EQ(findings(Joined, LOI), std::set<std::string>{});
  Workspace Running(shutdownProject("wake_maintenance"));
  EXPECT_EQ(findings(Running, LOI),
            std::set<std::string>{"src/maint.c:8 " + LOI});
  EXPECT_EQ(notesOf(Running, "src/maint.c", 8),
            (std::vector<std::string>{
                "src/main.c:9 'stop_all' calls 'stop_crawler' holding "
                "'workers_mu', which acquires 'crawler_mu'",
                "src/main.c:3 'crawler_mu' acquired here in 'stop_crawler'"}));
}

TEST(LockOrderLink, SameOrderEverywhereAndRecursionAreSilent) {
  Workspace Dir(project({{"src/locks.h", LocksHeader},
                         {"src/locks.c", LocksDefinitions},
                         {"src/a.c", R"(#include "locks.h"
void a(void) {
  pthread_mutex_lock(&cache_mu);
  lock_stats();
  touch_disk();
  unlock_stats();
  pthread_mutex_unlock(&cache_mu);
}
)"},
                         {"src/b.c", R"(#include "locks.h"
void b(void) {
  pthread_mutex_lock(&cache_mu);
  pthread_mutex_lock(&stats_mu);
  pthread_mutex_lock(&disk_mu);
  pthread_mutex_unlock(&disk_mu);
  pthread_mutex_unlock(&stats_mu);
  pthread_mutex_unlock(&cache_mu);
}
void again(void) {
  pthread_mutex_lock(&disk_mu);
  touch_disk();
  pthread_mutex_unlock(&disk_mu);
}
)"}}));
  EXPECT_TRUE(findings(Dir, LOI).empty());
}

const char *WorkerHeader = R"(#include <thread>
#include <vector>
class Worker {
public:
  Worker();
  ~Worker();
  void start();
  void stop();

private:
  void run();
  bool running_ = false;
  std::thread thread_;
};
)";

TEST(LockOrderLink, MemberThreadNobodyJoinsIsFlaggedOnItsDeclaration) {
  Workspace Dir(cxxProject({{"src/worker.h", WorkerHeader},
                            {"src/worker.cpp", R"(#include "worker.h"
Worker::Worker() {}
void Worker::run() {}
void Worker::start() {
  running_ = true;
  thread_ = std::thread(&Worker::run, this);
}
)"},
                            {"src/shutdown.cpp", R"(#include "worker.h"
void Worker::stop() { running_ = false; }
Worker::~Worker() { stop(); }
)"}}));
  std::set<std::string> Found = findings(Dir, UT);
  EXPECT_EQ(Found, std::set<std::string>{"src/worker.h:13 " + UT});
  std::vector<std::string> Notes = notesOf(Dir, "src/worker.h", 13);
  ASSERT_EQ(Notes.size(), 1u);
  EXPECT_EQ(Notes[0], "src/worker.cpp:6 'thread_' is started here; no "
                      "function of the program joins or detaches it");
}

TEST(LockOrderLink, MemberThreadJoinedInAStopOfAnotherFileIsSilent) {
  Workspace Dir(cxxProject({{"src/worker.h", WorkerHeader},
                            {"src/worker.cpp", R"(#include "worker.h"
Worker::Worker() {}
void Worker::run() {}
void Worker::start() { thread_ = std::thread(&Worker::run, this); }
)"},
                            {"src/shutdown.cpp", R"(#include "worker.h"
void Worker::stop() {
  running_ = false;
  if (thread_.joinable())
    thread_.join();
}
Worker::~Worker() { stop(); }
)"}}));
  EXPECT_TRUE(findings(Dir, UT).empty());
}

TEST(LockOrderLink, JthreadUnstartedAndPoolJoinedInALoopAreSilent) {
  Workspace Dir(cxxProject({{"src/pool.h", R"(#include <thread>
#include <vector>
class Pool {
public:
  Pool(int n);
  ~Pool();

private:
  void run();
  std::vector<std::thread> workers_;
  std::jthread reaper_;
  std::thread idle_;
};
class Leaky {
public:
  Leaky();

private:
  std::vector<std::thread> workers_;
};
)"},
                            {"src/pool.cpp", R"(#include "pool.h"
void Pool::run() {}
Pool::Pool(int n) : reaper_([] {}) {
  for (int i = 0; i < n; ++i)
    workers_.emplace_back(&Pool::run, this);
}
Leaky::Leaky() { workers_.emplace_back([] {}); }
)"},
                            {"src/pool_dtor.cpp", R"(#include "pool.h"
Pool::~Pool() {
  for (auto &w : workers_)
    w.join();
}
)"}}));
  EXPECT_EQ(findings(Dir, UT), std::set<std::string>{"src/pool.h:19 " + UT});
}

} // namespace
} // namespace loadcheck::testing
