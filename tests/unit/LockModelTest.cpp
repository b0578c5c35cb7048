//===--- LockModelTest.cpp - the lock model on its own --------------------===//
//
// Each snippet calls `probe(N)` where the held locks are asked; the test
// compares the names of the locks held there, in acquisition order, with
// `*` marking a shared hold.
//
//===----------------------------------------------------------------------===//
#include "checks/model/LockModel.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>
#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::model {
namespace {

std::unique_ptr<ASTUnit> parse(llvm::StringRef Code) {
  std::string Full = "void probe(int);\n" + Code.str();
  auto AST = tooling::buildASTFromCodeWithArgs(
      Full,
      {"-std=c++20", "-Wno-unused", "-Wno-thread-safety-analysis",
       "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR},
      "input.cpp");
  EXPECT_TRUE(AST);
  EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  return AST;
}

/// probe number -> "a,b*" (held locks at that probe, `*` = shared).
std::map<int, std::string> probes(ASTUnit &AST) {
  std::map<int, std::string> Out;
  ASTContext &Ctx = AST.getASTContext();
  auto Found = match(
      traverse(TK_AsIs,
               findAll(callExpr(callee(functionDecl(hasName("::probe"))),
                                hasArgument(0, integerLiteral().bind("n")))
                           .bind("probe"))),
      Ctx);
  for (const BoundNodes &Node : Found) {
    const auto *Call = Node.getNodeAs<CallExpr>("probe");
    int N = Node.getNodeAs<IntegerLiteral>("n")->getValue().getSExtValue();
    std::string Held;
    for (const HeldLock &L : LockModels::of(Ctx).heldAt(*Call)) {
      if (!Held.empty())
        Held += ",";
      Held += L.Id.name().str() + (L.Shared ? "*" : "");
    }
    Out[N] = Held;
  }
  return Out;
}

std::map<int, std::string> probes(llvm::StringRef Code) {
  auto AST = parse(Code);
  return AST ? probes(*AST) : std::map<int, std::string>{};
}

const FunctionDecl *functionNamed(ASTContext &Ctx, llvm::StringRef Name) {
  auto Found = match(
      findAll(functionDecl(hasName(Name), isDefinition()).bind("f")), Ctx);
  return Found.empty() ? nullptr : Found[0].getNodeAs<FunctionDecl>("f");
}

using P = std::map<int, std::string>;

TEST(LockModel, GuardLivesUntilTheEndOfItsScope) {
  EXPECT_EQ(probes(R"cpp(
#include <mutex>
std::mutex mu;
void f(bool c) {
  probe(0);
  {
    std::lock_guard<std::mutex> g(mu);
    probe(1);
    if (c) { probe(2); }
  }
  probe(3);
  if (std::lock_guard g(mu); c)
    probe(4);
  probe(5);
  for (int i = 0; i < 3; ++i) {
    std::unique_lock lk(mu);
    probe(6);
  }
  probe(7);
}
)cpp"),
            (P{{0, ""},
               {1, "mu"},
               {2, "mu"},
               {3, ""},
               {4, "mu"},
               {5, ""},
               {6, "mu"},
               {7, ""}}));
}

TEST(LockModel, UniqueLockUnlockRelockDeferAdopt) {
  EXPECT_EQ(probes(R"cpp(
#include <mutex>
struct S {
  std::mutex mu_, other_;
  void f() {
    std::unique_lock<std::mutex> lk(mu_);
    probe(0);
    lk.unlock();
    probe(1);
    lk.lock();
    probe(2);
  }
  void g() {
    std::unique_lock lk(mu_, std::defer_lock);
    probe(3);
    lk.lock();
    probe(4);
  }
  void h() {
    std::lock(mu_, other_);
    probe(5);
    std::lock_guard a(mu_, std::adopt_lock);
    std::lock_guard b(other_, std::adopt_lock);
    probe(6);
  }
  void k() {
    std::unique_lock lk(mu_, std::try_to_lock);
    probe(7);
    lk.release();
    probe(8);
    mu_.unlock();
    probe(9);
  }
};
)cpp"),
            (P{{0, "mu_"},
               {1, ""},
               {2, "mu_"},
               {3, ""},
               {4, "mu_"},
               {5, "mu_,other_"},
               {6, "mu_,other_"},
               {7, "mu_"},
               {8, "mu_"},
               {9, ""}}));
}

TEST(LockModel, ScopedLockSharedLockAndExplicitCalls) {
  EXPECT_EQ(
      probes(R"cpp(
#include <mutex>
#include <shared_mutex>
#include <pthread.h>
std::mutex a, b;
std::shared_mutex rw;
pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
void f() {
  {
    std::scoped_lock both(a, b);
    probe(0);
  }
  {
    std::shared_lock reader(rw);
    probe(1);
  }
  a.lock();
  probe(2);
  a.unlock();
  rw.lock_shared();
  probe(3);
  rw.unlock_shared();
  pthread_mutex_lock(&pm);
  probe(4);
  pthread_mutex_unlock(&pm);
  probe(5);
}
)cpp"),
      (P{{0, "a,b"}, {1, "rw*"}, {2, "a"}, {3, "rw*"}, {4, "pm"}, {5, ""}}));
}

TEST(LockModel, BranchesThatLeaveDoNotReleaseForTheRest) {
  EXPECT_EQ(probes(R"cpp(
#include <mutex>
std::mutex mu;
int f(bool c, bool d, int k) {
  mu.lock();
  if (c) {
    mu.unlock();
    probe(0);
    return 1;
  }
  probe(1);
  if (d)
    mu.unlock();
  else
    mu.unlock();
  probe(2);
  if (mu.try_lock()) {
    probe(3);
    mu.unlock();
  }
  probe(4);
  switch (k) {
  case 1: {
    std::lock_guard g(mu);
    probe(5);
    break;
  }
  default:
    probe(6);
  }
  try {
    std::lock_guard g(mu);
    probe(7);
  } catch (...) {
    probe(8);
  }
  return 0;
}
)cpp"),
            (P{{0, ""},
               {1, "mu"},
               {2, ""},
               {3, "mu"},
               {4, ""},
               {5, "mu"},
               {6, ""},
               {7, "mu"},
               {8, ""}}));
}

TEST(LockModel, LambdaBodiesAreTheirOwnFunctions) {
  EXPECT_EQ(probes(R"cpp(
#include <condition_variable>
#include <mutex>
#include <thread>
std::mutex mu;
std::condition_variable cv;
bool ready;
void f() {
  std::unique_lock lk(mu);
  cv.wait(lk, [] { probe(0); return ready; });
  probe(1);
  std::thread t([] {
    probe(2);
    std::lock_guard g(mu);
    probe(3);
  });
  lk.unlock();
  t.join();
}
)cpp"),
            (P{{0, ""}, {1, "mu"}, {2, ""}, {3, "mu"}}));
}

TEST(LockModel, ThreadSafetyAttributes) {
  EXPECT_EQ(probes(R"cpp(
#define CAPABILITY(x) __attribute__((capability(x)))
#define SCOPED_CAPABILITY __attribute__((scoped_lockable))
#define ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#define REQUIRES(...) __attribute__((requires_capability(__VA_ARGS__)))
#define REQUIRES_SHARED(...) __attribute__((requires_shared_capability(__VA_ARGS__)))
class CAPABILITY("mutex") Mutex {
public:
  void Acquire() ACQUIRE();
  void Release() RELEASE();
};
class SCOPED_CAPABILITY Locker {
public:
  explicit Locker(Mutex *m) ACQUIRE(m);
  ~Locker() RELEASE();
};
void lockBoth(Mutex &a, Mutex &b) ACQUIRE(a, b);
Mutex m1, m2;
class Account {
  Mutex mu_;
  int balance_ = 0;
  void addLocked(int n) REQUIRES(mu_) { probe(0); }
  int peek() REQUIRES_SHARED(mu_) { probe(1); return balance_; }
  void add(int n) {
    mu_.Acquire();
    probe(2);
    mu_.Release();
    probe(3);
    {
      Locker l(&mu_);
      probe(4);
    }
    lockBoth(m1, m2);
    probe(5);
  }
};
)cpp"),
            (P{{0, "mu_"},
               {1, "mu_*"},
               {2, "mu_"},
               {3, ""},
               {4, "mu_"},
               {5, "m1,m2"}}));
}

TEST(LockModel, AbseilGuards) {
  EXPECT_EQ(probes(R"cpp(
#include "absl/synchronization/mutex.h"
class Cache {
  absl::Mutex mu_;
  void f() {
    {
      absl::MutexLock l(&mu_);
      probe(0);
    }
    {
      absl::ReaderMutexLock l(&mu_);
      probe(1);
    }
    mu_.Lock();
    probe(2);
    mu_.Unlock();
    probe(3);
  }
};
)cpp"),
            (P{{0, "mu_"}, {1, "mu_*"}, {2, "mu_"}, {3, ""}}));
}

TEST(LockModel, NotLocks) {
  EXPECT_EQ(probes(R"cpp(
#include <memory>
#include <mutex>
std::mutex mu;
void f(std::weak_ptr<int> w) {
  if (auto p = w.lock())
    probe(0);
  std::unique_lock<std::mutex> none;
  probe(1);
  std::lock_guard<std::mutex>{mu}; // a temporary: unlocked at the semicolon
  probe(2);
}
)cpp"),
            (P{{0, ""}, {1, ""}, {2, ""}}));
}

TEST(LockModel, OneIdentityAcrossFunctionsAndInstantiations) {
  auto AST = parse(R"cpp(
#include <mutex>
template <typename T> struct Box {
  std::mutex mu_;
  T value_;
  void set(T v) { std::lock_guard g(mu_); value_ = v; }
  T get() { std::lock_guard g(mu_); return value_; }
};
template struct Box<int>;
struct Plain {
  std::mutex mu_;
  void a() { std::lock_guard g(mu_); }
  void b() { std::lock_guard g(this->mu_); }
};
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  LockModels &Models = LockModels::of(Ctx);
  auto IdIn = [&](llvm::StringRef Fn, unsigned Which = 0) -> LockId {
    auto Found = match(
        findAll(functionDecl(hasName(Fn), isDefinition()).bind("f")), Ctx);
    if (Which >= Found.size())
      return {};
    const auto *F = Found[Which].getNodeAs<FunctionDecl>("f");
    auto Acquired = Models.function(*F).acquisitions();
    return Acquired.empty() ? LockId{} : Acquired[0].Lock.Id;
  };
  EXPECT_NE(IdIn("Plain::a").Decl, nullptr);
  EXPECT_EQ(IdIn("Plain::a"), IdIn("Plain::b"));
  EXPECT_NE(IdIn("Box::set").Decl, nullptr);
  // The pattern and the Box<int> instantiation of set() and get() agree.
  EXPECT_EQ(IdIn("Box::set", 0), IdIn("Box::set", 1));
  EXPECT_EQ(IdIn("Box::set", 0), IdIn("Box::get", 1));
  EXPECT_NE(IdIn("Box::set"), IdIn("Plain::a"));
  EXPECT_EQ(IdIn("Plain::a").name(), "mu_");
}

TEST(LockModel, AcquisitionsListTheLocksAlreadyHeld) {
  auto AST = parse(R"cpp(
#include <mutex>
std::mutex a, b, c;
void f() {
  std::lock_guard ga(a);
  std::scoped_lock gbc(b, c);
}
void g() {}
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  const FunctionDecl *F = functionNamed(Ctx, "f");
  ASSERT_NE(F, nullptr);
  const FunctionLockModel &Model = LockModels::of(Ctx).function(*F);
  auto Acquired = Model.acquisitions();
  ASSERT_EQ(Acquired.size(), 3u);
  EXPECT_EQ(Acquired[0].Lock.Id.name(), "a");
  EXPECT_TRUE(Acquired[0].AlreadyHeld.empty());
  EXPECT_EQ(Acquired[1].Lock.Id.name(), "b");
  ASSERT_EQ(Acquired[1].AlreadyHeld.size(), 1u);
  EXPECT_EQ(Acquired[1].AlreadyHeld[0].Id.name(), "a");
  EXPECT_EQ(Acquired[2].Lock.Id.name(), "c");
  ASSERT_EQ(Acquired[2].AlreadyHeld.size(), 1u); // not b: taken together
  EXPECT_EQ(Acquired[0].Lock.Kind, HeldBy::Guard);
  EXPECT_TRUE(Acquired[0].Lock.AcquiredAt.isValid());
  EXPECT_FALSE(Model.lockFree());
  const FunctionDecl *G = functionNamed(Ctx, "g");
  ASSERT_NE(G, nullptr);
  EXPECT_TRUE(LockModels::of(Ctx).function(*G).lockFree());
  // One model per function, shared by every caller.
  EXPECT_EQ(&LockModels::of(Ctx).function(*F), &Model);
}

TEST(LockModel, LockAndGuardTypes) {
  auto AST = parse(R"cpp(
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <pthread.h>
std::mutex m; std::recursive_mutex r; std::shared_mutex s;
pthread_mutex_t p; pthread_rwlock_t rw; std::weak_ptr<int> w; int i;
std::unique_lock<std::mutex> u;
struct Lockable { void lock(); void unlock(); } l;
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  auto TypeOf = [&](llvm::StringRef Name) {
    auto Found = match(findAll(varDecl(hasName(Name)).bind("v")), Ctx);
    return Found.empty() ? QualType()
                         : Found[0].getNodeAs<VarDecl>("v")->getType();
  };
  for (llvm::StringRef Lock : {"m", "r", "s", "p", "rw", "l"})
    EXPECT_TRUE(isLockType(TypeOf(Lock))) << Lock.str();
  for (llvm::StringRef NotLock : {"w", "i", "u"})
    EXPECT_FALSE(isLockType(TypeOf(NotLock))) << NotLock.str();
  EXPECT_TRUE(isGuardType(TypeOf("u")));
  EXPECT_FALSE(isGuardType(TypeOf("m")));
}

TEST(LockModel, TryLocksAreMarkedAndLambdasAreTheirOwnFunctions) {
  auto AST = parse(R"cpp(
#include <mutex>
std::mutex a, b;
void f() {
  std::lock_guard ga(a);
  if (b.try_lock())
    b.unlock();
  std::unique_lock gb(b, std::try_to_lock);
  auto g = [] { probe(0); };
  g();
}
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  const FunctionDecl *F = functionNamed(Ctx, "f");
  ASSERT_NE(F, nullptr);
  auto Acquired = LockModels::of(Ctx).function(*F).acquisitions();
  ASSERT_EQ(Acquired.size(), 3u);
  EXPECT_FALSE(Acquired[0].Lock.Try);
  EXPECT_TRUE(Acquired[1].Lock.Try);
  EXPECT_TRUE(Acquired[2].Lock.Try);
  auto Probe = match(
      findAll(callExpr(callee(functionDecl(hasName("::probe")))).bind("c")),
      Ctx);
  ASSERT_FALSE(Probe.empty()); // the lambda's body is reached more than once
  const FunctionDecl *Owner =
      LockModels::of(Ctx).enclosingFunction(*Probe[0].getNodeAs<CallExpr>("c"));
  ASSERT_NE(Owner, nullptr);
  EXPECT_EQ(Owner->getOverloadedOperator(), OO_Call);
}

/// "held-on-exit / released" net effect of function \p Name, lock names.
std::string netEffect(llvm::StringRef Code, llvm::StringRef Name) {
  auto AST = parse(Code);
  if (!AST)
    return "<no AST>";
  ASTContext &Ctx = AST->getASTContext();
  const FunctionDecl *F = functionNamed(Ctx, Name);
  if (!F)
    return "<no function>";
  const FunctionLockModel &M = LockModels::of(Ctx).function(*F);
  std::string Out;
  for (const HeldLock &L : M.heldOnExit())
    Out += "+" + L.Id.name().str();
  for (const HeldLock &L : M.releasedOnExit())
    Out += "-" + L.Id.name().str();
  return Out;
}

TEST(LockModel, CallersLockReleasedAndTakenBackHasNoNetEffect) {
  // The helper runs with its caller's lock held, lets it go around a sleep
  // on some paths and takes it back before going on: not an unlock wrapper.
  const char *Code = R"cpp(
#include <pthread.h>
#include <unistd.h>
pthread_mutex_t crawler_mu;
pthread_cond_t crawler_cond;
void crawl(int n, bool sleepy, bool spin) {
  for (int i = 0; i < n; ++i) {
    if (i % 8 == 0) {
      pthread_mutex_unlock(&crawler_mu);
      usleep(10);
      pthread_mutex_lock(&crawler_mu);
      probe(0);
      continue;
    }
    if (sleepy) {
      pthread_mutex_unlock(&crawler_mu);
      usleep(10);
      pthread_mutex_lock(&crawler_mu);
    } else if (!spin) {
      pthread_mutex_unlock(&crawler_mu);
      pthread_mutex_lock(&crawler_mu);
    }
  }
}
void wait_for_work() {
  pthread_mutex_unlock(&crawler_mu);
  usleep(1);
  pthread_cond_wait(&crawler_cond, &crawler_mu);
}
void unlock_sometimes(bool c) {
  if (c)
    pthread_mutex_unlock(&crawler_mu);
}
void unlock_in_loop(int n) {
  for (int i = 0; i < n; ++i) {
    if (i == 3) {
      pthread_mutex_unlock(&crawler_mu);
      break;
    }
  }
}
)cpp";
  EXPECT_EQ(netEffect(Code, "crawl"), "");
  EXPECT_EQ(netEffect(Code, "wait_for_work"), "");
  // Lookalikes: released on one path and not taken back.
  EXPECT_EQ(netEffect(Code, "unlock_sometimes"), "-crawler_mu");
  EXPECT_EQ(netEffect(Code, "unlock_in_loop"), "-crawler_mu");
  EXPECT_EQ(probes(Code), (P{{0, "crawler_mu"}}));
}

/// probe number -> "a,b": the locks maybe held there (held on some paths).
std::map<int, std::string> maybeProbes(ASTUnit &AST) {
  std::map<int, std::string> Out;
  ASTContext &Ctx = AST.getASTContext();
  auto Found = match(
      traverse(TK_AsIs,
               findAll(callExpr(callee(functionDecl(hasName("::probe"))),
                                hasArgument(0, integerLiteral().bind("n")))
                           .bind("probe"))),
      Ctx);
  for (const BoundNodes &Node : Found) {
    const auto *Call = Node.getNodeAs<CallExpr>("probe");
    int N = Node.getNodeAs<IntegerLiteral>("n")->getValue().getSExtValue();
    const FunctionDecl *F = LockModels::of(Ctx).enclosingFunction(*Call);
    std::string Maybe;
    if (F)
      for (const HeldLock &L :
           LockModels::of(Ctx).function(*F).maybeHeldAt(Call))
        Maybe += (Maybe.empty() ? "" : ",") + L.Id.name().str();
    Out[N] = Maybe;
  }
  return Out;
}

TEST(LockModel, LockReleasedOnOneBranchIsMaybeHeld) {
  // The crawler's shape: the LRU lock is let go before the module runs
  // when the module does not need it, and after it otherwise.
  const char *Code = R"cpp(
#include <pthread.h>
#include <mutex>
pthread_mutex_t lru, crawler;
std::mutex m;
struct module { bool needs_lock; };
void crawl(const module *mod) {
  pthread_mutex_lock(&crawler);
  pthread_mutex_lock(&lru);
  if (!mod->needs_lock)
    pthread_mutex_unlock(&lru);
  probe(0);
  if (mod->needs_lock)
    pthread_mutex_unlock(&lru);
  probe(1);
  pthread_mutex_unlock(&crawler);
}
void guarded(bool early) {
  {
    std::unique_lock g(m);
    if (early)
      g.unlock();
    probe(2);
  }
  probe(3);
}
void taken_back(bool c) {
  pthread_mutex_lock(&lru);
  if (c)
    pthread_mutex_unlock(&lru);
  else
    probe(4);
  pthread_mutex_lock(&crawler);
  probe(5);
  pthread_mutex_unlock(&crawler);
  if (!c)
    pthread_mutex_unlock(&lru);
}
)cpp";
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  // Maybe held is not held: the write after a conditional unlock is still
  // unguarded.
  EXPECT_EQ(probes(*AST), (P{{0, "crawler"},
                             {1, "crawler"},
                             {2, ""},
                             {3, ""},
                             {4, "lru"},
                             {5, "crawler"}}));
  // Branches are not correlated: after the second `if`, the path that took
  // neither still holds lru as far as the model knows.
  EXPECT_EQ(
      maybeProbes(*AST),
      (P{{0, "lru"}, {1, "lru"}, {2, "m"}, {3, ""}, {4, ""}, {5, "lru"}}));
  // The second, conditional unlock releases the lock the first one kept:
  // no release of a caller's lock, no unlock wrapper.
  EXPECT_EQ(netEffect(Code, "crawl"), "");
  EXPECT_EQ(netEffect(Code, "taken_back"), "");
}

TEST(LockModel, LocksAcrossLoopBackEdges) {
  EXPECT_EQ(probes(R"cpp(
#include <pthread.h>
#include <unistd.h>
pthread_mutex_t m;
pthread_cond_t cv;
bool running, ready;
void worker(bool sleepy) {
  pthread_mutex_lock(&m);
  while (running) {
    pthread_cond_wait(&cv, &m);
    probe(0);
    if (sleepy) {
      pthread_mutex_unlock(&m);
      usleep(1);
      pthread_mutex_lock(&m);
    } else {
      pthread_mutex_unlock(&m);
      pthread_mutex_lock(&m);
    }
    probe(1);
  }
  probe(2);
  pthread_mutex_unlock(&m);
}
void relock_at_the_end(int n) {
  pthread_mutex_lock(&m);
  for (int i = 0; i < n; ++i) {
    probe(3);
    pthread_mutex_unlock(&m);
    usleep(1);
    pthread_mutex_lock(&m);
  }
  probe(4);
  pthread_mutex_unlock(&m);
}
void unlock_on_one_branch(int n, bool c) {
  pthread_mutex_lock(&m);
  for (int i = 0; i < n; ++i) {
    probe(5); // the second iteration may follow the unlock below
    if (c)
      pthread_mutex_unlock(&m);
  }
  probe(6);
}
void break_after_unlock(int n) {
  pthread_mutex_lock(&m);
  for (;;) {
    probe(7);
    if (ready) {
      pthread_mutex_unlock(&m);
      break;
    }
  }
  probe(8);
}
void continue_after_unlock(int n) {
  pthread_mutex_lock(&m);
  for (int i = 0; i < n; ++i) {
    probe(9);
    if (i == 2) {
      pthread_mutex_unlock(&m);
      continue;
    }
  }
  probe(10);
}
void break_in_switch_in_loop(int n) {
  pthread_mutex_lock(&m);
  for (int i = 0; i < n; ++i) {
    switch (i) {
    case 1:
      break;
    default:
      probe(11);
    }
    probe(12);
  }
  probe(13);
  pthread_mutex_unlock(&m);
}
)cpp"),
            (P{{0, "m"},
               {1, "m"},
               {2, "m"},
               {3, "m"},
               {4, "m"},
               {5, ""},
               {6, ""},
               {7, "m"},
               {8, ""},
               {9, ""},
               {10, ""},
               {11, "m"},
               {12, "m"},
               {13, "m"}}));
}

} // namespace
} // namespace loadcheck::model
