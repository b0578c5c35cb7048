//===--- ThreadEntryLinkTests.cpp - thread entries from other files -------===//
//
// Small multi-file projects run through the driver: missing-cancellation,
// thread-exception-escape and the thread-entry part of
// unguarded-shared-state see thread entries started in another file, and
// virtual `Run()` overrides started through a base class. Each project has
// its lookalikes: the same loop in a function called once from main, an
// entry that checks a stop flag, a callee that catches its own exceptions,
// an override of a class that is never started.
//
//===----------------------------------------------------------------------===//
#include "tests/cli/ProjectRuns.h"

#include <gtest/gtest.h>
#include <map>
#include <set>

namespace loadcheck::testing {
namespace {

const std::string MC = "loadcheck-missing-cancellation";
const std::string TEE = "loadcheck-thread-exception-escape";
const std::string USS = "loadcheck-unguarded-shared-state";

/// Sources under src/ compiled with -I src, as C (`.c`) or C++ (`.cpp`).
FileMap project(FileMap Sources) {
  bool C = llvm::any_of(Sources, [](const auto &File) {
    return llvm::StringRef(File.first).ends_with(".c");
  });
  return C ? cProject(std::move(Sources))
           : withCompileDatabase(std::move(Sources), ".cpp",
                                 "-x c++ -std=c++17 -I@DIR@/src");
}

/// The 1-based line of the first line of \p Text containing \p Marker.
unsigned lineOf(const FileMap &Sources, const std::string &File,
                llvm::StringRef Marker) {
  llvm::StringRef Text = Sources.at(File);
  size_t At = Text.find(Marker);
  EXPECT_NE(At, llvm::StringRef::npos) << Marker.str();
  return Text.take_front(At).count('\n') + 1;
}

/// "file:line check" of a finding at \p Marker of \p File.
std::string at(const FileMap &Sources, const std::string &File,
               llvm::StringRef Marker, const std::string &Check) {
  return File + ":" + std::to_string(lineOf(Sources, File, Marker)) + " " +
         Check;
}

/// Every finding of a run over \p Dir ("file:line check") with the messages
/// of its notes.
std::map<std::string, std::vector<std::string>> findings(const Workspace &Dir) {
  runChecks(Dir, "loadcheck-missing-cancellation,"
                 "loadcheck-thread-exception-escape,"
                 "loadcheck-unguarded-shared-state");
  std::map<std::string, std::vector<std::string>> Out;
  for (const ReportedFinding &F : reportedFindingsOf(Dir))
    Out[F.Place + " " + F.Check] = F.noteMessages();
  return Out;
}

bool anyNoteContains(const std::vector<std::string> &Notes,
                     llvm::StringRef Text) {
  return llvm::any_of(Notes, [&](const std::string &N) {
    return llvm::StringRef(N).contains(Text);
  });
}

TEST(ThreadEntryLink, EndlessLoopInAnEntryStartedInAnotherFile) {
  FileMap Sources = project(
      {{"src/poller.h", "void *poller(void *);\nvoid *watcher(void *);\n"
                        "void drain(void);\nextern volatile int stopping;\n"},
       {"src/poller.c", R"(#include "poller.h"
volatile int stopping;
static int poll_once(void) { return 0; }
void *poller(void *arg) {
  for (;;) { // poller loop
    poll_once();
  }
  return arg;
}
void *watcher(void *arg) {
  while (1) { // watcher loop
    if (stopping)
      break;
    poll_once();
  }
  return arg;
}
void drain(void) {
  while (1) { // drain loop
    poll_once();
  }
}
)"},
       {"src/main.c", R"(#include <pthread.h>
#include "poller.h"
int main(int argc, char **argv) {
  pthread_t p, w;
  pthread_create(&p, 0, poller, 0);
  pthread_create(&w, 0, watcher, 0);
  if (argc > 2)
    drain();
  pthread_join(w, 0);
  return 0;
}
)"}});
  Workspace Dir(Sources);
  auto Found = findings(Dir);
  std::string Poller = at(Sources, "src/poller.c", "poller loop", MC);
  ASSERT_TRUE(Found.count(Poller));
  EXPECT_TRUE(
      anyNoteContains(Found[Poller], "'poller' runs on the thread started"));
  // A stop flag; a loop in a function main calls once: no thread entry.
  EXPECT_FALSE(Found.count(at(Sources, "src/poller.c", "watcher loop", MC)));
  EXPECT_FALSE(Found.count(at(Sources, "src/poller.c", "drain loop", MC)));
}

/// A muduo-style thread class: the base starts a static trampoline that
/// calls the virtual Run().
const char *const ThreadHeader = R"(#include <pthread.h>
class Thread {
public:
  virtual ~Thread() = default;
  void Start();
protected:
  virtual void Run() = 0;
private:
  static void *Entry(void *self);
  pthread_t tid_{};
};
class Job {
public:
  virtual ~Job() = default;
  virtual void run() = 0;
};
)";

const char *const ThreadSource = R"(#include "thread.h"
void *Thread::Entry(void *self) {
  static_cast<Thread *>(self)->Run();
  return nullptr;
}
void Thread::Start() { pthread_create(&tid_, nullptr, Entry, this); }
)";

TEST(ThreadEntryLink, VirtualRunOverrideStartedThroughItsBaseClass) {
  FileMap Sources = project({{"src/thread.h", ThreadHeader},
                             {"src/thread.cpp", ThreadSource},
                             {"src/worker.h", R"(#include <atomic>
#include "thread.h"
class Worker : public Thread {
protected:
  void Run() override;
};
class StoppableWorker : public Thread {
public:
  std::atomic<bool> stop{false};
protected:
  void Run() override;
};
class Spinner : public Job {
public:
  void run() override;
};
int process_one();
)"},
                             {"src/worker.cpp", R"(#include "worker.h"
void Worker::Run() {
  while (true) { // worker loop
    process_one();
  }
}
void StoppableWorker::Run() {
  while (true) { // stoppable loop
    if (stop)
      return;
    process_one();
  }
}
void Spinner::run() {
  while (true) { // spinner loop
    process_one();
  }
}
)"},
                             {"src/main.cpp", R"(#include "worker.h"
int process_one() { return 0; }
int main(int argc, char **) {
  Worker w;
  w.Start();
  StoppableWorker s;
  s.Start();
  Spinner spin;
  if (argc > 3)
    spin.run();
  return 0;
}
)"}});
  Workspace Dir(Sources);
  auto Found = findings(Dir);
  std::string Worker = at(Sources, "src/worker.cpp", "worker loop", MC);
  ASSERT_TRUE(Found.count(Worker));
  EXPECT_TRUE(anyNoteContains(Found[Worker],
                              "'Thread::Entry' runs on the thread started"));
  EXPECT_TRUE(anyNoteContains(Found[Worker], "calls virtual 'Thread::Run'"));
  EXPECT_FALSE(
      Found.count(at(Sources, "src/worker.cpp", "stoppable loop", MC)));
  // Job::run is never called by a thread entry.
  EXPECT_FALSE(Found.count(at(Sources, "src/worker.cpp", "spinner loop", MC)));
}

TEST(ThreadEntryLink, EndlessLoopInTheBodyAThreadEntryCalls) {
  FileMap Sources = project({{"src/pool.h", R"(class Pool {
public:
  void start();
  void run();
  void drain();
private:
  static void *worker(void *arg);
};
int next_task();
)"},
                             {"src/pool.cpp", R"(#include <pthread.h>
#include "pool.h"
void *Pool::worker(void *arg) {
  static_cast<Pool *>(arg)->run();
  return arg;
}
void Pool::start() {
  pthread_t t;
  pthread_create(&t, nullptr, worker, this);
}
)"},
                             {"src/run.cpp", R"(#include "pool.h"
void Pool::run() {
  while (true) { // run loop
    next_task();
  }
}
void Pool::drain() {
  while (true) { // drain loop
    next_task();
  }
}
)"},
                             {"src/main.cpp", R"(#include "pool.h"
int next_task() { return 0; }
int main(int argc, char **) {
  Pool p;
  p.start();
  if (argc > 4)
    p.drain();
  return 0;
}
)"}});
  Workspace Dir(Sources);
  auto Found = findings(Dir);
  std::string Run = at(Sources, "src/run.cpp", "run loop", MC);
  ASSERT_TRUE(Found.count(Run));
  EXPECT_TRUE(anyNoteContains(Found[Run], "as the thread's body"));
  EXPECT_FALSE(Found.count(at(Sources, "src/run.cpp", "drain loop", MC)));
}

TEST(ThreadEntryLink, CalleeOfAnotherFileThatMayThrow) {
  FileMap Sources = project({{"src/parse.h", R"(#include <string>
int parse_line(const std::string &s);
int parse_checked(const std::string &s);
int parse_safe(const std::string &s);
void consume();
void load_config();
void start_producer();
)"},
                             {"src/parse.cpp", R"(#include <stdexcept>
#include "parse.h"
int parse_line(const std::string &s) {
  if (s.empty())
    throw std::runtime_error("empty line");
  return 1;
}
int parse_checked(const std::string &s) { return parse_line(s) + 1; }
int parse_safe(const std::string &s) {
  try {
    return parse_line(s);
  } catch (...) {
    return 0;
  }
}
)"},
                             {"src/consume.cpp", R"(#include <thread>
#include "parse.h"
void consume() {
  parse_safe("a"); // safe call
  parse_checked("b"); // checked call
}
void load_config() {
  parse_checked("c"); // config call
}
void produce() {
  parse_checked("d"); // producer call
}
void start_producer() {
  std::thread t(produce);
  t.join();
  std::thread l([] {
    parse_checked("e"); // lambda call
  });
  l.join();
}
)"},
                             {"src/main.cpp", R"(#include <thread>
#include "parse.h"
int main() {
  load_config();
  start_producer();
  std::thread t(consume);
  t.join();
  return 0;
}
)"}});
  Workspace Dir(Sources);
  auto Found = findings(Dir);
  std::string Checked = at(Sources, "src/consume.cpp", "checked call", TEE);
  ASSERT_TRUE(Found.count(Checked));
  EXPECT_TRUE(anyNoteContains(Found[Checked],
                              "'consume' runs on the thread started here"));
  EXPECT_TRUE(anyNoteContains(Found[Checked], "calls 'parse_line' here"));
  // The throw's note points into the callee's file.
  bool ThrowInParse = false;
  for (const ReportedFinding &F : reportedFindingsOf(Dir))
    for (llvm::StringRef Note : F.Notes)
      ThrowInParse |= Note.starts_with("src/parse.cpp:5 ") &&
                      Note.contains("'parse_line' throws");
  EXPECT_TRUE(ThrowInParse);
  // An entry started in its own file, its callee in another.
  EXPECT_TRUE(
      Found.count(at(Sources, "src/consume.cpp", "producer call", TEE)));
  EXPECT_TRUE(Found.count(at(Sources, "src/consume.cpp", "lambda call", TEE)));
  // Catches its own exceptions; called from main, no thread entry.
  EXPECT_FALSE(Found.count(at(Sources, "src/consume.cpp", "safe call", TEE)));
  EXPECT_FALSE(Found.count(at(Sources, "src/consume.cpp", "config call", TEE)));
}

TEST(ThreadEntryLink, ThrowInAVirtualRunOverride) {
  FileMap Sources = project({{"src/thread.h", ThreadHeader},
                             {"src/thread.cpp", ThreadSource},
                             {"src/worker.cpp", R"(#include <stdexcept>
#include "thread.h"
class Loader : public Thread {
protected:
  void Run() override {
    throw std::runtime_error("no config"); // loader throw
  }
};
class Task : public Job {
public:
  void run() override {
    throw std::runtime_error("bad task"); // task throw
  }
};
void start_loader() {
  static Loader l;
  l.Start();
}
void run_task() {
  Task t;
  t.run();
}
)"},
                             {"src/main.cpp", R"(void start_loader();
void run_task();
int main() {
  start_loader();
  run_task();
  return 0;
}
)"}});
  Workspace Dir(Sources);
  auto Found = findings(Dir);
  EXPECT_TRUE(Found.count(at(Sources, "src/worker.cpp", "loader throw", TEE)));
  EXPECT_FALSE(Found.count(at(Sources, "src/worker.cpp", "task throw", TEE)));
}

TEST(ThreadEntryLink, UnguardedCounterInAVirtualRunOverride) {
  FileMap Sources = project({{"src/thread.h", ThreadHeader},
                             {"src/thread.cpp", ThreadSource},
                             {"src/counter.h", R"(#include "thread.h"
class Counter : public Thread {
protected:
  void Run() override;
};
class Tally : public Job {
public:
  void run() override;
};
long handled();
long tallied();
)"},
                             {"src/counter.cpp", R"(#include "counter.h"
long g_handled;
long g_tallied;
void Counter::Run() {
  for (int i = 0; i < 100; i++)
    g_handled++; // counter write
}
long handled() { return g_handled; }
void Tally::run() {
  g_tallied++; // tally write
}
long tallied() { return g_tallied; }
)"},
                             {"src/main.cpp", R"(#include "counter.h"
int main() {
  Counter c;
  c.Start();
  Tally t;
  t.run();
  return (int)(handled() + tallied());
}
)"}});
  Workspace Dir(Sources);
  auto Found = findings(Dir);
  std::string Counter = at(Sources, "src/counter.cpp", "counter write", USS);
  ASSERT_TRUE(Found.count(Counter));
  EXPECT_TRUE(anyNoteContains(Found[Counter], "calls virtual 'Thread::Run'"));
  EXPECT_FALSE(Found.count(at(Sources, "src/counter.cpp", "tally write", USS)));
}

} // namespace
} // namespace loadcheck::testing
