//===--- SyncFactsTest.cpp - the synchronisation facts helper -------------===//
//
// Each snippet calls `probe(N, <expr>)`; the test asks SyncFacts about the
// second argument (or the call it is) as written against the real standard
// library and POSIX headers.
//
//===----------------------------------------------------------------------===//
#include "checks/model/SyncFacts.h"
#include "checks/model/LockModel.h"
#include "checks/utils/NamedEntity.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>
#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::model {
namespace {

constexpr llvm::StringRef Prelude = R"cpp(
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <pthread.h>
#include <semaphore>
#include <thread>
#include <unistd.h>
template <class T> void probe(int, const T &) {}
void probe(int, void (*)());
)cpp";

struct Parsed {
  std::unique_ptr<ASTUnit> AST;
  std::map<int, const Expr *> Args;
};

Parsed parse(llvm::StringRef Code) {
  Parsed P;
  P.AST = tooling::buildASTFromCodeWithArgs(
      (Prelude + Code).str(),
      {"-std=c++20", "-Wno-unused",
       "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR},
      "input.cpp");
  EXPECT_TRUE(P.AST);
  EXPECT_FALSE(P.AST->getDiagnostics().hasErrorOccurred());
  ASTContext &Ctx = P.AST->getASTContext();
  for (const BoundNodes &Node : match(
           traverse(TK_AsIs,
                    findAll(callExpr(callee(functionDecl(hasName("probe"))),
                                     hasArgument(0, integerLiteral().bind("n")))
                                .bind("probe"))),
           Ctx)) {
    const auto *Call = Node.getNodeAs<CallExpr>("probe");
    int N = Node.getNodeAs<IntegerLiteral>("n")->getValue().getSExtValue();
    P.Args[N] = Call->getArg(1)->IgnoreParenImpCasts();
  }
  return P;
}

/// The call expression inside a probe's argument (`probe(1, (f(), 0))` is
/// awkward; the snippets use lambdas instead and this finds the call).
const CallExpr *firstCall(const Expr *E) {
  if (const auto *Call = dyn_cast<CallExpr>(E))
    return Call;
  for (const Stmt *Child : E->children())
    if (const auto *C = dyn_cast_or_null<Expr>(Child))
      if (const CallExpr *Found = firstCall(C))
        return Found;
  return nullptr;
}

TEST(SyncFacts, Types) {
  Parsed P = parse(R"cpp(
    using Flag = std::atomic<bool>;
    struct S { Flag f; std::mutex m; std::condition_variable cv;
               std::condition_variable_any cva; pthread_mutex_t pm;
               pthread_cond_t pc; std::timed_mutex tm; volatile bool v; };
    void f(S &s) {
      probe(1, s.f); probe(2, s.m); probe(3, s.cv); probe(4, s.cva);
      probe(5, s.pm); probe(6, s.pc); probe(7, s.tm); probe(8, s.v);
    }
  )cpp");
  ASSERT_EQ(P.Args.size(), 8u);
  EXPECT_TRUE(isStdAtomic(P.Args[1]->getType()));
  EXPECT_FALSE(isStdAtomic(P.Args[2]->getType()));
  EXPECT_TRUE(isLockType(P.Args[2]->getType()));
  EXPECT_TRUE(isConditionVariableType(P.Args[3]->getType()));
  EXPECT_TRUE(isConditionVariableType(P.Args[4]->getType()));
  EXPECT_TRUE(isLockType(P.Args[5]->getType()));
  EXPECT_TRUE(isConditionVariableType(P.Args[6]->getType()));
  EXPECT_TRUE(isLockType(P.Args[7]->getType()));
  EXPECT_FALSE(isLockType(P.Args[8]->getType()));
  EXPECT_FALSE(isStdAtomic(P.Args[8]->getType()));
}

TEST(SyncFacts, SleepsWaitsAndWork) {
  Parsed P = parse(R"cpp(
    std::mutex mu; std::condition_variable cv; std::future<int> fut;
    std::deque<int> q; std::counting_semaphore<4> sem{4};
    std::unique_ptr<int> owner;
    void f(int fd, char *buf) {
      probe(1, [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
      probe(2, [] { usleep(10); });
      probe(3, [] { sleep(1); });
      probe(4, [] { std::unique_lock<std::mutex> l(mu); cv.wait(l); });
      probe(5, [] { fut.get(); });
      probe(6, [] { q.pop_front(); });
      probe(7, [=] { read(fd, buf, 1); });
      probe(8, [] { sem.acquire(); });
      probe(9, [] { owner.get(); });
      probe(10, [] { std::this_thread::yield(); });
    }
  )cpp");
  ASSERT_EQ(P.Args.size(), 10u);
  auto Body = [&](int N) -> const CallExpr & {
    const auto *Lambda = dyn_cast<LambdaExpr>(P.Args[N]);
    EXPECT_TRUE(Lambda);
    const CallExpr *Call = nullptr;
    for (const Stmt *S : Lambda->getBody()->children())
      if (const auto *E = dyn_cast<Expr>(S))
        Call = firstCall(E);
    EXPECT_TRUE(Call) << N;
    return *Call;
  };
  EXPECT_TRUE(isSleepCall(Body(1)));
  EXPECT_TRUE(isSleepCall(Body(2)));
  EXPECT_TRUE(isSleepCall(Body(3)));
  EXPECT_FALSE(isSleepCall(Body(10)));
  EXPECT_TRUE(isConditionWaitCall(Body(4)));
  EXPECT_TRUE(isWaitOrConsumeCall(Body(4)));
  EXPECT_TRUE(isWaitOrConsumeCall(Body(5)));
  EXPECT_TRUE(isWaitOrConsumeCall(Body(6)));
  EXPECT_TRUE(isWaitOrConsumeCall(Body(7)));
  EXPECT_TRUE(isConditionWaitCall(Body(8)));
  EXPECT_FALSE(isWaitOrConsumeCall(Body(9))); // unique_ptr::get returns at once
  EXPECT_FALSE(isWaitOrConsumeCall(Body(1)));
  EXPECT_FALSE(isWaitOrConsumeCall(Body(10)));
}

TEST(SyncFacts, WakesOfWaiters) {
  Parsed P = parse(R"cpp(
    #include <semaphore.h>
    std::condition_variable cv; std::counting_semaphore<4> sem{4};
    pthread_cond_t pc; sem_t ps; std::mutex mu; std::deque<int> q;
    void f() {
      probe(1, [] { cv.notify_one(); });
      probe(2, [] { cv.notify_all(); });
      probe(3, [] { pthread_cond_signal(&pc); });
      probe(4, [] { pthread_cond_broadcast(&pc); });
      probe(5, [] { sem_post(&ps); });
      probe(6, [] { sem.release(); });
      probe(7, [] { mu.unlock(); });
      probe(8, [] { q.push_back(1); });
      probe(9, [] { std::unique_lock<std::mutex> l(mu); cv.wait(l); });
    }
  )cpp");
  ASSERT_EQ(P.Args.size(), 9u);
  auto Call = [&](int N) -> const CallExpr & {
    const auto *Lambda = dyn_cast<LambdaExpr>(P.Args[N]);
    EXPECT_TRUE(Lambda);
    const CallExpr *Found = nullptr;
    for (const Stmt *S : Lambda->getBody()->children())
      if (const auto *E = dyn_cast<Expr>(S))
        Found = firstCall(E);
    EXPECT_TRUE(Found) << N;
    return *Found;
  };
  for (int N = 1; N <= 6; ++N)
    EXPECT_TRUE(isWakeCall(Call(N))) << N;
  EXPECT_FALSE(isWakeCall(Call(7))); // an unlock wakes no waiter of a wait
  EXPECT_FALSE(isWakeCall(Call(8))); // a std container wakes no one
  EXPECT_FALSE(isWakeCall(Call(9)));
  EXPECT_TRUE(isConditionWaitCall(Call(9)));
}

TEST(SyncFacts, SameObject) {
  Parsed P = parse(R"cpp(
    struct Pair { std::atomic<int> a, b; };
    std::atomic<int> g;
    void f(Pair &p, Pair &q) {
      probe(1, p.a); probe(2, p.a); probe(3, p.b); probe(4, q.a);
      probe(5, g); probe(6, g);
    }
  )cpp");
  ASSERT_EQ(P.Args.size(), 6u);
  const ASTContext &Ctx = P.AST->getASTContext();
  EXPECT_TRUE(sameObject(P.Args[1], P.Args[2], Ctx));
  EXPECT_FALSE(sameObject(P.Args[1], P.Args[3], Ctx));
  EXPECT_FALSE(sameObject(P.Args[1], P.Args[4], Ctx));
  EXPECT_TRUE(sameObject(P.Args[5], P.Args[6], Ctx));
  EXPECT_FALSE(sameObject(P.Args[5], P.Args[1], Ctx));
  EXPECT_EQ(utils::namedObject(P.Args[5])->getName(), "g");
  EXPECT_EQ(utils::namedObject(P.Args[3])->getName(), "b");
}

} // namespace
} // namespace loadcheck::model
