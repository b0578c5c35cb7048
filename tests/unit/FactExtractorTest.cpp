//===--- FactExtractorTest.cpp - the facts one TU yields ------------------===//
//
// Small snippets parsed on their own; the test looks at the facts of named
// functions: calls with held locks, lock wrappers and project RAII guards
// (through the lock model), roots, exits, fatal-log sinks, shared accesses.
//
//===----------------------------------------------------------------------===//
#include "checks/model/FactExtractor.h"

#include "clang/AST/ASTContext.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>
#include <map>

using namespace clang;

namespace loadcheck::model {
namespace {

std::unique_ptr<ASTUnit> parse(llvm::StringRef Code) {
  std::string Full = "#include <pthread.h>\n#include <stdio.h>\n"
                     "#include <stdlib.h>\n#include <signal.h>\n"
                     "#include <sys/socket.h>\n#include <unistd.h>\n" +
                     Code.str();
  auto AST = tooling::buildASTFromCodeWithArgs(
      Full,
      {"-std=c++20", "-Wno-unused",
       "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR},
      "input.cpp");
  EXPECT_TRUE(AST);
  EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  return AST;
}

const FunctionFacts *fn(const TUFacts &Facts, llvm::StringRef Name) {
  for (const FunctionFacts &F : Facts.Functions)
    if (F.Name == Name)
      return &F;
  ADD_FAILURE() << "no facts for " << Name.str();
  return nullptr;
}

std::string held(const std::vector<LockRef> &Locks) {
  std::string Out;
  for (const LockRef &L : Locks)
    Out += (Out.empty() ? "" : ",") + L.Name;
  return Out;
}

/// "var:w:locks" for each access, in order.
std::vector<std::string> accesses(const FunctionFacts &F) {
  std::vector<std::string> Out;
  for (const AccessFact &A : F.Accesses)
    Out.push_back(A.VarName + (A.Write ? ":w:" : ":r:") + held(A.Held));
  return Out;
}

TEST(FactExtractorTest, LockWrapperFunctionIsALock) {
  auto AST = parse(R"(
    pthread_mutex_t counters_mu = PTHREAD_MUTEX_INITIALIZER;
    long hits;
    void counters_lock(void) { pthread_mutex_lock(&counters_mu); }
    void counters_unlock(void) { pthread_mutex_unlock(&counters_mu); }
    void lock_it(pthread_mutex_t *m) { pthread_mutex_lock(m); }
    pthread_mutex_t other_mu;
    void bump() {
      counters_lock();
      hits++;
      counters_unlock();
      hits = 0;
      lock_it(&other_mu);
      hits--;
    }
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  EXPECT_EQ(held(fn(Facts, "counters_lock")->Acquires), "counters_mu");
  EXPECT_EQ(held(fn(Facts, "counters_unlock")->Releases), "counters_mu");
  EXPECT_EQ(held(fn(Facts, "lock_it")->Acquires), "m");
  EXPECT_EQ(accesses(*fn(Facts, "bump")),
            (std::vector<std::string>{"hits:w:counters_mu",
                                      "hits:w:", "hits:w:other_mu"}));
}

TEST(FactExtractorTest, ProjectMutexAndGuardClasses) {
  auto AST = parse(R"(
    class Mutex {
    public:
      void lock() { pthread_mutex_lock(&m_); }
      void unlock() { pthread_mutex_unlock(&m_); }
    private:
      pthread_mutex_t m_;
    };
    class MutexLock {
    public:
      explicit MutexLock(Mutex *mu) : mu_(mu) { mu_->lock(); }
      ~MutexLock() { mu_->unlock(); }
    private:
      Mutex *mu_;
    };
    class CondVar {
    public:
      explicit CondVar(Mutex *mu) : mu_(mu) { pthread_cond_init(&c_, nullptr); }
      ~CondVar() { pthread_cond_destroy(&c_); }
    private:
      Mutex *mu_;
      pthread_cond_t c_;
    };
    class Table {
    public:
      void put() { MutexLock l(&mu_); size_++; }
      void get() { mu_.lock(); use(size_); mu_.unlock(); }
      void waitish() { CondVar cv(&mu_); size_ = 0; }
      void use(long);
    private:
      Mutex mu_;
      long size_ = 0;
    };
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  EXPECT_EQ(accesses(*fn(Facts, "Table::put")),
            std::vector<std::string>{"size_:w:mu_"});
  EXPECT_EQ(accesses(*fn(Facts, "Table::get")),
            std::vector<std::string>{"size_:r:mu_"});
  EXPECT_EQ(accesses(*fn(Facts, "Table::waitish")),
            std::vector<std::string>{"size_:w:"});
  // Mutex::lock is the object's lock, not a wrapper of Mutex::m_.
  EXPECT_TRUE(fn(Facts, "Mutex::lock")->Acquires.empty());
}

TEST(FactExtractorTest, CallsCarryTheLocksHeld) {
  auto AST = parse(R"(
    pthread_mutex_t mu;
    static void do_insert(int) {}
    void insert(int v) {
      pthread_mutex_lock(&mu);
      do_insert(v);
      pthread_mutex_unlock(&mu);
      do_insert(v);
    }
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  const FunctionFacts *Insert = fn(Facts, "insert");
  ASSERT_EQ(Insert->Calls.size(), 2u);
  EXPECT_EQ(held(Insert->Calls[0].Held), "mu");
  EXPECT_EQ(held(Insert->Calls[1].Held), "");
  EXPECT_LT(Insert->Calls[0].Order, Insert->Calls[1].Order);
  const FunctionFacts *Helper = fn(Facts, "do_insert");
  EXPECT_TRUE(Helper->Local);
  EXPECT_EQ(Insert->Calls[0].Callee, Helper->Id);
  EXPECT_NE(Helper->Id.find("input.cpp#"), std::string::npos);
}

TEST(FactExtractorTest, RootsOfConcurrency) {
  auto AST = parse(R"(
    #include <algorithm>
    #include <functional>
    #include <vector>
    void *worker(void *) { return nullptr; }
    void on_signal(int) {}
    void register_handler(std::function<void()> f);
    struct Command { const char *name; void (*run)(int); };
    void cmd_get(int) {}
    Command table[] = {{"get", cmd_get}};
    int main() {
      pthread_t t;
      pthread_create(&t, nullptr, worker, nullptr);
      signal(SIGINT, on_signal);
      register_handler([] { });
      std::vector<int> v;
      std::for_each(v.begin(), v.end(), [](int) {});
      return 0;
    }
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  auto Has = [&](llvm::StringRef Name, RootKind Kind) {
    return llvm::any_of(Facts.Roots, [&](const RootFact &R) {
      return R.FunctionName == Name && R.Kind == Kind;
    });
  };
  EXPECT_TRUE(Has("worker", RootKind::ThreadEntry));
  EXPECT_TRUE(Has("on_signal", RootKind::Callback));
  EXPECT_TRUE(Has("cmd_get", RootKind::Callback));
  EXPECT_TRUE(Has("lambda in main", RootKind::Callback));
  const FunctionFacts *Main = fn(Facts, "main");
  EXPECT_TRUE(Main->IsMain);
  ASSERT_EQ(Main->ThreadStarts.size(), 1u);
  EXPECT_EQ(Main->ThreadStarts[0].What, "pthread_create");
  // The std::for_each lambda runs inside main: a call, not a root.
  EXPECT_EQ(llvm::count_if(Facts.Roots,
                           [](const RootFact &R) {
                             return R.Kind == RootKind::Callback &&
                                    R.FunctionName == "lambda in main";
                           }),
            1);
  EXPECT_TRUE(llvm::any_of(Main->Calls, [](const CallFact &C) {
    return C.CalleeName == "lambda in main";
  }));
}

TEST(FactExtractorTest, CallbacksHandedToTheProgramAndPointerCalls) {
  auto AST = parse(R"(
    typedef int (*save_cb)(const char *tag, void *data);
    struct entry { save_cb save; void *data; };
    static struct entry registry[4];
    static int used;
    void registry_add(save_cb cb, void *data) {
      registry[used].save = cb;
      registry[used++].data = data;
    }
    int registry_save(void) {
      for (int i = 0; i < used; i++)
        if (registry[i].save("main", registry[i].data) != 0)
          return -1;
      return 0;
    }
    int meta_save(const char *, void *) { return 0; }
    void on_signal(int) {}
    int main() {
      registry_add(meta_save, nullptr);
      signal(SIGHUP, on_signal);
      return registry_save();
    }
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  auto Root = [&](llvm::StringRef Name) -> const RootFact * {
    for (const RootFact &R : Facts.Roots)
      if (R.FunctionName == Name)
        return &R;
    ADD_FAILURE() << "no root " << Name.str();
    return nullptr;
  };
  const RootFact *Save = Root("meta_save");
  const RootFact *Signal = Root("on_signal");
  ASSERT_TRUE(Save && Signal);
  EXPECT_EQ(Save->Into, fn(Facts, "registry_add")->Id);
  EXPECT_EQ(Save->Signature, indirectCallee("int (const char *, void *)"));
  // Handed to a library: no function of the program calls it.
  EXPECT_TRUE(Signal->Into.empty());
  const FunctionFacts *Registry = fn(Facts, "registry_save");
  EXPECT_TRUE(llvm::any_of(Registry->Calls, [&](const CallFact &C) {
    return C.Callee == Save->Signature && C.Loop != 0;
  }));
}

TEST(FactExtractorTest, FunctionsStoredInFieldsAndCallsThroughThem) {
  auto AST = parse(R"(
    pthread_mutex_t lru;
    struct module { void (*eval)(int); bool needs_lock; };
    struct ops { int (*run)(void); };
    void expired_eval(int) {}
    void dump_eval(int) {}
    int run_ops(void) { return 0; }
    void on_signal(int) {}
    struct module expired_mod = {.eval = expired_eval, .needs_lock = true};
    struct module dump_mod = {dump_eval, false};
    struct module *active = &expired_mod;
    void crawl(int i) {
      pthread_mutex_lock(&lru);
      if (!active->needs_lock)
        pthread_mutex_unlock(&lru);
      active->eval(i);
      if (active->needs_lock)
        pthread_mutex_unlock(&lru);
    }
    int setup(struct ops *o) {
      struct ops local = {.run = run_ops};
      o->run = &run_ops;
      signal(SIGHUP, on_signal);
      return local.run() + (*o->run)();
    }
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  auto FieldsOf = [&](llvm::StringRef Name) {
    std::vector<std::string> Out;
    for (const RootFact &R : Facts.Roots)
      if (R.FunctionName == Name)
        Out.push_back(R.Field);
    return Out;
  };
  std::vector<std::string> Expired = FieldsOf("expired_eval");
  ASSERT_EQ(Expired.size(), 1u);
  EXPECT_FALSE(Expired[0].empty());
  EXPECT_EQ(FieldsOf("dump_eval"), Expired); // positional: the same field
  std::vector<std::string> Run = FieldsOf("run_ops");
  ASSERT_EQ(Run.size(), 2u); // a local's initialiser and an assignment
  EXPECT_FALSE(Run[0].empty());
  EXPECT_EQ(Run[1], Run[0]);
  EXPECT_NE(Run[0], Expired[0]);
  EXPECT_EQ(FieldsOf("on_signal"), std::vector<std::string>{""});

  // The call through the field, with the lock released on one branch only:
  // not held, maybe held.
  const FunctionFacts *Crawl = fn(Facts, "crawl");
  ASSERT_TRUE(Crawl);
  const CallFact *Eval = nullptr;
  for (const CallFact &C : Crawl->Calls)
    if (!C.Field.empty())
      Eval = &C;
  ASSERT_TRUE(Eval);
  EXPECT_EQ(Eval->Field, Expired[0]);
  EXPECT_EQ(Eval->Callee, indirectCallee("void (int)"));
  EXPECT_EQ(held(Eval->Held), "");
  EXPECT_EQ(held(Eval->MaybeHeld), "lru");
  const FunctionFacts *Setup = fn(Facts, "setup");
  ASSERT_TRUE(Setup);
  std::vector<std::string> Through;
  for (const CallFact &C : Setup->Calls)
    Through.push_back(C.Field);
  EXPECT_EQ(llvm::count(Through, Run[0]), 2);
}

TEST(FactExtractorTest, ExitsSinksAndBlockingCalls) {
  auto AST = parse(R"(
    void fatal(const char *msg) {
      fprintf(stderr, "fatal: %s\n", msg);
      fflush(stderr);
      abort();
    }
    void reject(int fd) {
      fprintf(stderr, "bad request\n");
      close(fd);
      exit(1);
    }
    void maybe_exit(int code) {
      if (code)
        exit(code);
    }
    void serve(int fd) {
      char buf[16];
      recv(fd, buf, sizeof buf, 0);
    }
  )");
  ProgramFactsIndex &Index = ProgramFactsIndex::of(AST->getASTContext());
  const TUFacts &Facts = Index.facts();
  EXPECT_TRUE(fn(Facts, "fatal")->FatalSink);
  EXPECT_FALSE(fn(Facts, "reject")->FatalSink);
  EXPECT_FALSE(fn(Facts, "maybe_exit")->FatalSink);
  ASSERT_EQ(fn(Facts, "reject")->Exits.size(), 1u);
  EXPECT_EQ(fn(Facts, "reject")->Exits[0].Callee, "exit");
  EXPECT_EQ(fn(Facts, "fatal")->Exits[0].Callee, "abort");
  ASSERT_EQ(fn(Facts, "serve")->Blocking.size(), 1u);
  EXPECT_EQ(fn(Facts, "serve")->Blocking[0].What, "recv");
}

/// The API of each site, in order.
std::vector<std::string> sites(const std::vector<SiteFact> &Sites) {
  std::vector<std::string> Out;
  for (const SiteFact &S : Sites)
    Out.push_back(S.What);
  return Out;
}

TEST(FactExtractorTest, WaitsWakesAndTheirPlaces) {
  auto AST = parse(R"(
    #include <condition_variable>
    #include <mutex>
    #include <semaphore.h>
    pthread_mutex_t q_mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t q_cv = PTHREAD_COND_INITIALIZER;
    long q_size;
    int queue_pop() {
      pthread_mutex_lock(&q_mu);
      while (q_size <= 0)
        pthread_cond_wait(&q_cv, &q_mu);
      q_size--;
      pthread_mutex_unlock(&q_mu);
      return 1;
    }
    void queue_push() {
      pthread_mutex_lock(&q_mu);
      q_size++;
      pthread_cond_signal(&q_cv);
      pthread_mutex_unlock(&q_mu);
    }
    struct Jobs {
      std::mutex mu_;
      std::condition_variable cv_;
      long n_ = 0;
      void take() { std::unique_lock<std::mutex> l(mu_); cv_.wait(l); n_--; }
      void give() { std::lock_guard<std::mutex> l(mu_); n_++; cv_.notify_one(); }
    };
    sem_t ready;
    void post() { sem_post(&ready); }
    void plain() { pthread_mutex_lock(&q_mu); pthread_mutex_unlock(&q_mu); }
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  const FunctionFacts *Pop = fn(Facts, "queue_pop");
  EXPECT_EQ(sites(Pop->Waits), std::vector<std::string>{"pthread_cond_wait"});
  EXPECT_TRUE(Pop->Wakes.empty());
  EXPECT_EQ(sites(fn(Facts, "queue_push")->Wakes),
            std::vector<std::string>{"pthread_cond_signal"});
  EXPECT_TRUE(fn(Facts, "queue_push")->Waits.empty());
  EXPECT_EQ(sites(fn(Facts, "Jobs::take")->Waits),
            std::vector<std::string>{"wait"});
  EXPECT_EQ(sites(fn(Facts, "Jobs::give")->Wakes),
            std::vector<std::string>{"notify_one"});
  EXPECT_EQ(sites(fn(Facts, "post")->Wakes),
            std::vector<std::string>{"sem_post"});
  EXPECT_TRUE(fn(Facts, "plain")->Waits.empty());
  EXPECT_TRUE(fn(Facts, "plain")->Wakes.empty());
  // The wait is in the loop of the read of the loop condition; the decrement
  // after the loop is in none, and comes after the wait.
  ASSERT_GE(Pop->Accesses.size(), 2u);
  EXPECT_NE(Pop->Accesses.front().Loop, 0u);
  EXPECT_EQ(Pop->Accesses.front().Loop, Pop->Waits[0].Loop);
  EXPECT_EQ(Pop->Accesses.back().Loop, 0u);
  EXPECT_LT(Pop->Waits[0].Order, Pop->Accesses.back().Order);
  std::string Error;
  std::optional<TUFacts> Back = fromJSON(toJSON(Facts), Error);
  ASSERT_TRUE(Back) << Error;
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), toJSON(Facts));
}

/// The handle each thread entry's start keeps, by entry name.
std::map<std::string, std::string> handles(const TUFacts &Facts) {
  std::map<std::string, std::string> Out;
  for (const RootFact &R : Facts.Roots)
    if (R.Kind == RootKind::ThreadEntry)
      Out[R.FunctionName] = R.Handle;
  return Out;
}

TEST(FactExtractorTest, ThreadHandlesAndTheirJoins) {
  auto AST = parse(R"(
    #include <thread>
    #include <vector>
    void *maintain(void *) { return nullptr; }
    void *work(void *) { return nullptr; }
    void *local_job(void *) { return nullptr; }
    void loop() {}
    void serve() {}
    pthread_t maint_tid;
    struct Slot { pthread_t tid; };
    Slot slots[4];
    std::thread g_flusher;
    void start() {
      pthread_create(&maint_tid, nullptr, maintain, nullptr);
      for (int i = 0; i < 4; i++)
        pthread_create(&slots[i].tid, nullptr, work, nullptr);
      pthread_t mine;
      pthread_create(&mine, nullptr, local_job, nullptr);
      pthread_join(mine, nullptr);
      g_flusher = std::thread(serve);
    }
    void stop() {
      pthread_join(maint_tid, nullptr);
      for (int i = 0; i < 4; i++)
        pthread_join(slots[i].tid, nullptr);
      g_flusher.join();
    }
    struct Server {
      std::thread loop_;
      std::vector<std::thread> pool_;
      Server() : loop_(loop) {}
      void grow() { pool_.emplace_back(serve); }
      void stop() {
        loop_.join();
        for (auto &t : pool_)
          t.join();
      }
    };
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  std::map<std::string, std::string> Handles = handles(Facts);
  EXPECT_EQ(Handles["maintain"], "c:@maint_tid");
  EXPECT_EQ(Handles["work"], "c:@S@Slot@FI@tid");
  EXPECT_EQ(Handles["local_job"], "");
  EXPECT_EQ(Handles["loop"], "c:@S@Server@FI@loop_");
  std::vector<std::string> Joined = sites(fn(Facts, "stop")->ThreadJoins);
  EXPECT_EQ(Joined, (std::vector<std::string>{
                        "c:@maint_tid", "c:@S@Slot@FI@tid", "c:@g_flusher"}));
  EXPECT_TRUE(fn(Facts, "start")->ThreadJoins.empty());
  EXPECT_EQ(sites(fn(Facts, "Server::stop")->ThreadJoins),
            (std::vector<std::string>{"c:@S@Server@FI@loop_",
                                      "c:@S@Server@FI@pool_"}));
  std::string Error;
  std::optional<TUFacts> Back = fromJSON(toJSON(Facts), Error);
  ASSERT_TRUE(Back) << Error;
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), toJSON(Facts));
}

TEST(FactExtractorTest, HomesMakeSiblingLocks) {
  auto AST = parse(R"(
    #include <mutex>
    std::mutex g_mu;
    long g_count;
    struct Stats {
      std::mutex mu_;
      long hits_ = 0;
      long get() { std::lock_guard l(mu_); g_count++; return hits_; }
    };
  )");
  const TUFacts &Facts = ProgramFactsIndex::of(AST->getASTContext()).facts();
  const FunctionFacts *Get = fn(Facts, "Stats::get");
  ASSERT_EQ(Get->Accesses.size(), 2u);
  const AccessFact &Global = Get->Accesses[0];
  const AccessFact &Field = Get->Accesses[1];
  EXPECT_EQ(Field.VarName, "hits_");
  EXPECT_EQ(Facts.Homes.at(Field.Var), Facts.Homes.at(Field.Held[0].Id));
  EXPECT_NE(Facts.Homes.at(Global.Var), Facts.Homes.at(Global.Held[0].Id));
  // The facts survive the JSON codec.
  std::string Error;
  EXPECT_TRUE(fromJSON(toJSON(Facts), Error)) << Error;
}

} // namespace
} // namespace loadcheck::model
