//===--- ThreadEntryTest.cpp - the thread-entry model ---------------------===//
#include "checks/model/ThreadEntry.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::testing {
namespace {

using model::EntryKind;
using model::LaunchPolicy;
using model::ThreadStartKind;

std::unique_ptr<ASTUnit> parse(const std::string &Code,
                               const char *Std = "-std=c++20") {
  std::vector<std::string> Args = {Std, "-resource-dir",
                                   LOADCHECK_CLANG_RESOURCE_DIR, "-pthread",
                                   "-Wno-unused-value"};
  return tooling::buildASTFromCodeWithArgs(Code, Args, "input.cc");
}

/// Every thread start of the main file, in match order.
std::vector<const Expr *> starts(ASTContext &Ctx) {
  std::vector<const Expr *> Found;
  for (const BoundNodes &N :
       match(findAll(model::threadStartExpr().bind("s")), Ctx))
    if (!llvm::is_contained(Found, N.getNodeAs<Expr>("s")))
      Found.push_back(N.getNodeAs<Expr>("s")); // findAll may repeat nodes
  return Found;
}

/// The calls `marker(N)` of the main file, by N.
std::map<int, const CallExpr *> markers(ASTContext &Ctx) {
  std::map<int, const CallExpr *> Found;
  for (const BoundNodes &N :
       match(findAll(callExpr(callee(functionDecl(hasName("marker"))),
                              hasArgument(0, integerLiteral().bind("n")))
                         .bind("c")),
             Ctx)) {
    int Id = N.getNodeAs<IntegerLiteral>("n")->getValue().getZExtValue();
    Found.emplace(Id, N.getNodeAs<CallExpr>("c")); // first: the pattern
  }
  return Found;
}

const char *Prelude = R"cpp(
#include <thread>
#include <future>
#include <functional>
#include <memory>
#include <vector>
#include <pthread.h>
void marker(int);
void work();
void work2(int);
void *cwork(void *);
struct Job { void run(); void go(int); };
struct Functor { void operator()() const; };
)cpp";

struct StartCase {
  const char *Name;
  const char *Body; ///< statements of `void test(std::vector<std::thread>
                    ///< &v, Job &job)`
  ThreadStartKind Kind;
  EntryKind Entry;
  const char *EntryName;
  LaunchPolicy Policy = LaunchPolicy::NotAsync;
};

const StartCase StartCases[] = {
    {"ThreadLambda", "std::thread t([] { marker(1); }); t.join();",
     ThreadStartKind::StdThread, EntryKind::Lambda, "lambda"},
    {"ThreadFunction", "std::thread t(work); t.join();",
     ThreadStartKind::StdThread, EntryKind::Function, "work"},
    {"ThreadFunctionAddress", "std::thread t(&work2, 3); t.join();",
     ThreadStartKind::StdThread, EntryKind::Function, "work2"},
    {"ThreadStoredLambda",
     "auto body = [&] { marker(1); }; std::thread t(body); t.join();",
     ThreadStartKind::StdThread, EntryKind::Lambda, "lambda"},
    {"ThreadMovedLambda",
     "auto body = [] { marker(1); }; std::thread t(std::move(body)); "
     "t.join();",
     ThreadStartKind::StdThread, EntryKind::Lambda, "lambda"},
    {"ThreadStdFunctionLocal",
     "std::function<void()> f = [] { marker(1); }; std::thread t(f); "
     "t.join();",
     ThreadStartKind::StdThread, EntryKind::Lambda, "lambda"},
    {"ThreadMemberFunction", "std::thread t(&Job::run, &job); t.join();",
     ThreadStartKind::StdThread, EntryKind::MemberFunction, "Job::run"},
    {"ThreadFunctor", "std::thread t(Functor{}); t.join();",
     ThreadStartKind::StdThread, EntryKind::Functor, "Functor::operator()"},
    {"ThreadFunctorVariable", "Functor f; std::thread t(f); t.join();",
     ThreadStartKind::StdThread, EntryKind::Functor, "Functor::operator()"},
    {"TemporaryThread", "std::thread(work).join();", ThreadStartKind::StdThread,
     EntryKind::Function, "work"},
    {"NewThread", "auto *t = new std::thread(work); t->join(); delete t;",
     ThreadStartKind::StdThread, EntryKind::Function, "work"},
    {"EmplaceBack", "v.emplace_back([] { marker(1); });",
     ThreadStartKind::StdThread, EntryKind::Lambda, "lambda"},
    {"EmplaceBackMember", "v.emplace_back(&Job::go, &job, 1);",
     ThreadStartKind::StdThread, EntryKind::MemberFunction, "Job::go"},
    {"PushBackConstruction", "v.push_back(std::thread(work));",
     ThreadStartKind::StdThread, EntryKind::Function, "work"},
    {"MakeUnique", "auto p = std::make_unique<std::thread>(work); p->join();",
     ThreadStartKind::StdThread, EntryKind::Function, "work"},
    {"JThread", "std::jthread t([](std::stop_token st) { marker(1); });",
     ThreadStartKind::JThread, EntryKind::Lambda, "lambda"},
    {"AsyncDefault", "auto f = std::async(work); f.get();",
     ThreadStartKind::Async, EntryKind::Function, "work",
     LaunchPolicy::Default},
    {"AsyncAsync", "auto f = std::async(std::launch::async, work); f.get();",
     ThreadStartKind::Async, EntryKind::Function, "work", LaunchPolicy::Async},
    {"AsyncDeferred",
     "auto f = std::async(std::launch::deferred, [] { marker(1); }); f.get();",
     ThreadStartKind::Async, EntryKind::Lambda, "lambda",
     LaunchPolicy::Deferred},
    {"AsyncBoth",
     "auto f = std::async(std::launch::async | std::launch::deferred, work); "
     "f.get();",
     ThreadStartKind::Async, EntryKind::Function, "work",
     LaunchPolicy::Default},
    {"PthreadFunction",
     "pthread_t id; pthread_create(&id, nullptr, cwork, nullptr);",
     ThreadStartKind::Pthread, EntryKind::Function, "cwork"},
    {"PthreadLambda",
     "pthread_t id; pthread_create(&id, nullptr, [](void *) -> void * { "
     "marker(1); return nullptr; }, nullptr);",
     ThreadStartKind::Pthread, EntryKind::Lambda, "lambda"},
};

/// All cases in one translation unit, one function `case_<Name>` each: one
/// parse of <thread>/<future> instead of one per case.
std::string caseFunctions(const char *Prefix, const char *Name,
                          const char *Body) {
  return std::string("void ") + Prefix + Name +
         "(std::vector<std::thread> &v, Job &job) {" + Body + "}\n";
}

TEST(ThreadEntry, ClassifiesAndResolvesEveryStartShape) {
  std::string Code = Prelude;
  for (const StartCase &C : StartCases)
    Code += caseFunctions("case_", C.Name, C.Body);
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  const auto &Index = model::ThreadEntryIndex::get(Ctx);
  for (const StartCase &C : StartCases) {
    SCOPED_TRACE(C.Name);
    std::string Fn = std::string("case_") + C.Name;
    std::vector<const Expr *> Found;
    for (const BoundNodes &N :
         match(findAll(expr(model::threadStartExpr(),
                            hasAncestor(functionDecl(hasName(Fn))))
                           .bind("s")),
               Ctx))
      if (!llvm::is_contained(Found, N.getNodeAs<Expr>("s")))
        Found.push_back(N.getNodeAs<Expr>("s"));
    ASSERT_EQ(Found.size(), 1u) << C.Body;
    auto Entry = model::resolveThreadEntry(Found[0], Ctx);
    ASSERT_TRUE(Entry) << C.Body;
    EXPECT_EQ(Entry->Start.Kind, C.Kind);
    EXPECT_EQ(Entry->Start.Policy, C.Policy);
    EXPECT_EQ(Entry->Kind, C.Entry);
    EXPECT_EQ(Entry->Name, C.EntryName);
    ASSERT_NE(Entry->Function, nullptr);
    EXPECT_TRUE(Entry->Start.Callable);
    if (C.Entry == EntryKind::Lambda) {
      ASSERT_NE(Entry->Body, nullptr);
      EXPECT_NE(Entry->Lambda, nullptr);
      // marker(1) of this case is inside the entry, and the index agrees.
      auto Marks =
          match(findAll(callExpr(callee(functionDecl(hasName("marker"))),
                                 hasAncestor(functionDecl(hasName(Fn))))
                            .bind("m")),
                Ctx);
      ASSERT_FALSE(Marks.empty());
      const model::ThreadEntry *In =
          Index.enclosingEntry(*Marks[0].getNodeAs<Stmt>("m"), Ctx);
      ASSERT_NE(In, nullptr);
      EXPECT_EQ(In->Function, Entry->Function);
    }
    if (C.Entry == EntryKind::MemberFunction)
      EXPECT_NE(Entry->Object, nullptr);
  }
}

struct NonStartCase {
  const char *Name;
  const char *Body;
};

const NonStartCase NonStartCases[] = {
    {"DefaultThread", "std::thread t;"},
    {"MovedThread", "std::thread a(work); std::thread b(std::move(a)); "
                    "b.join();"}, // one start: `a`
    {"EmplaceMovedThread",
     "std::thread a(work); v.emplace_back(std::move(a));"},
    {"PushBackMoved", "std::thread a(work); v.push_back(std::move(a));"},
    {"PlainCall", "work(); std::function<void()> f = work; f();"},
    {"VectorOfInts", "std::vector<int> n; n.emplace_back(1);"},
};

TEST(ThreadEntry, OnlyRealConstructionsStartThreads) {
  std::string Code = Prelude;
  for (const NonStartCase &C : NonStartCases)
    Code += caseFunctions("non_", C.Name, C.Body);
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  for (const NonStartCase &C : NonStartCases) {
    SCOPED_TRACE(C.Name);
    std::string Fn = std::string("non_") + C.Name;
    size_t Found = 0;
    std::vector<const Stmt *> Seen;
    for (const BoundNodes &N :
         match(findAll(expr(model::threadStartExpr(),
                            hasAncestor(functionDecl(hasName(Fn))))
                           .bind("s")),
               Ctx))
      if (!llvm::is_contained(Seen, N.getNodeAs<Stmt>("s"))) {
        Seen.push_back(N.getNodeAs<Stmt>("s"));
        ++Found;
      }
    // Only `std::thread a(work)` starts a thread in these snippets.
    size_t Expected = llvm::StringRef(C.Body).contains("a(work)") ? 1 : 0;
    EXPECT_EQ(Found, Expected) << C.Body;
  }
}

TEST(ThreadEntry, UnresolvableCallablesAreSkipped) {
  auto AST = parse(std::string(Prelude) + R"cpp(
void test(std::function<void()> param, std::vector<std::thread> &v) {
  std::thread a(param);                            // a parameter
  std::thread b(std::bind(work2, 1));              // std::bind
  v.emplace_back(param);
  a.join(); b.join();
}
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  auto Found = starts(Ctx);
  ASSERT_EQ(Found.size(), 3u);
  for (const Expr *S : Found)
    EXPECT_FALSE(model::resolveThreadEntry(S, Ctx));
  EXPECT_TRUE(model::ThreadEntryIndex::get(Ctx).entries().empty());
}

TEST(ThreadEntry, BoostAndC11Threads) {
  auto AST = parse(R"cpp(
#include <boost/thread.hpp>
#include <threads.h>
void marker(int);
int centry(void *) { marker(2); return 0; }
void test() {
  boost::thread t([] { marker(1); });
  t.join();
  thrd_t c;
  thrd_create(&c, centry, nullptr);
  boost::thread_group g;
  g.create_thread([] { marker(3); });
}
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  auto Found = starts(Ctx);
  ASSERT_EQ(Found.size(), 3u);
  const auto &Index = model::ThreadEntryIndex::get(Ctx);
  ASSERT_EQ(Index.entries().size(), 3u);
  auto Marks = markers(Ctx);
  for (int Id : {1, 2, 3}) {
    const model::ThreadEntry *E = Index.enclosingEntry(*Marks[Id], Ctx);
    ASSERT_NE(E, nullptr) << Id;
    EXPECT_EQ(E->Start.Kind, Id == 2 ? ThreadStartKind::C11Thread
                                     : ThreadStartKind::BoostThread);
  }
}

TEST(ThreadEntryIndex, AnswersWhetherCodeRunsOnAThread) {
  auto AST = parse(std::string(Prelude) + R"cpp(
struct Server {
  void start() { worker_ = std::thread(&Server::loop, this); }
  void loop() { marker(1); }
  void notAnEntry() { marker(2); }
  std::thread worker_;
};
void entryFn() { marker(3); }
void outer() {
  std::thread t([] {
    marker(4);
    auto nested = [] { marker(5); }; // its own function, not an entry
    nested();
  });
  marker(6); // the starting function itself
  t.join();
  std::thread u(entryFn);
  u.join();
}
template <class F> void spawn(F f) { std::thread t(f); t.join(); }
void viaTemplate() { spawn([] { marker(7); }); }
template <class T> void perType() {
  std::thread t([] { marker(8); });
  t.join();
}
void instantiate() { perType<int>(); perType<long>(); }
#define SPAWN(fn) std::thread(fn).join()
void inMacro() { SPAWN([] { marker(9); }); }
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  const auto &Index = model::ThreadEntryIndex::get(Ctx);
  EXPECT_EQ(&Index, &model::ThreadEntryIndex::get(Ctx)) << "cached per TU";
  auto Marks = markers(Ctx);
  std::map<int, bool> Expected = {{1, true}, {2, false}, {3, true},
                                  {4, true}, {5, false}, {6, false},
                                  {7, true}, {8, true},  {9, true}};
  for (auto [Id, InEntry] : Expected) {
    ASSERT_EQ(Marks.count(Id), 1u) << Id;
    EXPECT_EQ(Index.enclosingEntry(*Marks[Id], Ctx) != nullptr, InEntry)
        << "marker(" << Id << ")";
  }
  // The member function, found by its declaration.
  const model::ThreadEntry *Loop = Index.enclosingEntry(*Marks[1], Ctx);
  ASSERT_NE(Loop, nullptr);
  EXPECT_EQ(Loop->Name, "Server::loop");
  EXPECT_EQ(Loop->Kind, EntryKind::MemberFunction);
  EXPECT_TRUE(Index.isThreadEntry(Loop->Function));
}

TEST(ThreadEntry, EnclosingFunctionStopsAtLambdaBodies) {
  auto AST = parse(std::string(Prelude) + R"cpp(
int compute();
void outer() {
  marker(1);
  auto l = [x = compute()] { marker(2); };
  l();
}
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  auto Marks = markers(Ctx);
  const FunctionDecl *F1 = model::enclosingFunction(*Marks[1], Ctx);
  const FunctionDecl *F2 = model::enclosingFunction(*Marks[2], Ctx);
  ASSERT_TRUE(F1 && F2);
  EXPECT_EQ(F1->getName(), "outer");
  EXPECT_EQ(F2->getOverloadedOperator(), OO_Call);
  auto Compute = match(
      findAll(callExpr(callee(functionDecl(hasName("compute")))).bind("c")),
      Ctx);
  ASSERT_FALSE(Compute.empty());
  EXPECT_EQ(model::enclosingFunction(*Compute[0].getNodeAs<Stmt>("c"), Ctx), F1)
      << "init-captures are evaluated by the enclosing function";
}

} // namespace
} // namespace loadcheck::testing
