//===--- SharedHelpersTest.cpp - the helpers every check shares -----------===//
//
// The one answer to each small AST question (which declaration an
// expression names, which variable it initialises, whether a loop is
// infinite, the mutex a lock call names) and the one per-translation-unit
// cache of the models. Each snippet calls `probe(N, <expr>)`; the test asks
// about the second argument as written.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ContextCache.h"
#include "checks/model/LockModel.h"
#include "checks/utils/Conditions.h"
#include "checks/utils/NamedEntity.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>
#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::testing {
namespace {

constexpr llvm::StringRef Prelude = R"cpp(
#include <memory>
#include <mutex>
#include <pthread.h>
#include <utility>
#include <vector>
template <class T> void probe(int, const T &) {}
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
  for (const BoundNodes &Node : match(
           traverse(TK_AsIs,
                    findAll(callExpr(callee(functionDecl(hasName("probe"))),
                                     hasArgument(0, integerLiteral().bind("n")))
                                .bind("probe"))),
           P.AST->getASTContext())) {
    const auto *Call = Node.getNodeAs<CallExpr>("probe");
    int N = Node.getNodeAs<IntegerLiteral>("n")->getValue().getSExtValue();
    P.Args[N] = Call->getArg(1)->IgnoreImplicit();
  }
  return P;
}

std::string nameOf(const NamedDecl *D) {
  return D && D->getIdentifier() ? D->getName().str() : "<none>";
}

TEST(UtilsNamedEntity, LooksThroughWrappersThatKeepTheObject) {
  Parsed P = parse(R"cpp(
    struct Worker { int id; int get() const; };
    int g; int arr[4]; std::vector<int> vec;
    std::unique_ptr<Worker> up; Worker *raw; Worker w;
    int f();
    void use() {
      probe(1, g); probe(2, &g); probe(3, arr[1]); probe(4, vec[0]);
      probe(5, *up); probe(6, up.get()); probe(7, std::move(w));
      probe(8, w.id); probe(9, *raw); probe(10, f); probe(11, f());
      probe(12, w.get());
    }
  )cpp");
  ASSERT_EQ(P.Args.size(), 12u);
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[1])), "g");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[2])), "g");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[3])), "arr");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[4])), "vec");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[5])), "up");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[6])), "up");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[7])), "w");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[8])), "id");
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[9])), "raw");
  // A function is an entity but no object; a call result is neither, nor
  // is a `get()` that returns no pointer.
  EXPECT_EQ(nameOf(utils::namedEntity(P.Args[10])), "f");
  EXPECT_EQ(utils::namedObject(P.Args[10]), nullptr);
  EXPECT_EQ(utils::namedEntity(P.Args[11]), nullptr);
  EXPECT_EQ(utils::namedEntity(P.Args[12]), nullptr);
  EXPECT_EQ(nameOf(utils::namedObject(P.Args[8])), "id");
}

TEST(UtilsNamedEntity, InitializedVariable) {
  Parsed P = parse(R"cpp(
    struct Client { Client(int, int); };
    int next();
    std::unique_ptr<Client> make();
    void sink(std::unique_ptr<Client>);
    void use() {
      Client a(next(), 1);
      auto b = (make());
      sink(make());
      int c = next();
    }
  )cpp");
  ASTContext &Ctx = P.AST->getASTContext();
  std::vector<std::string> Names;
  for (const BoundNodes &Node :
       match(traverse(TK_AsIs, callExpr(callee(functionDecl(
                                            hasAnyName("make", "next"))))
                                   .bind("call")),
             Ctx))
    Names.push_back(
        nameOf(utils::initializedVariable(*Node.getNodeAs<Expr>("call"), Ctx)));
  // In source order: an argument of a constructor and an argument of a call
  // initialise no variable by themselves.
  EXPECT_EQ(Names, (std::vector<std::string>{"<none>", "b", "<none>", "c"}));
}

TEST(UtilsConditions, InfiniteLoops) {
  auto AST = tooling::buildASTFromCodeWithArgs(
      R"cpp(
        constexpr bool Forever = true;
        int next();
        void loops(bool run) {
          for (;;) break;
          while (true) break;
          while (1) break;
          do {} while (Forever);
          for (; run;) {}
          while (run) {}
          while (int x = next()) {}
          do {} while (false);
        }
      )cpp",
      {"-std=c++17", "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR},
      "input.cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  std::vector<bool> Infinite;
  for (const BoundNodes &Node :
       match(stmt(anyOf(forStmt(), whileStmt(), doStmt())).bind("l"), Ctx))
    Infinite.push_back(utils::isInfiniteLoop(*Node.getNodeAs<Stmt>("l"), Ctx));
  EXPECT_EQ(Infinite, (std::vector<bool>{true, true, true, true, false, false,
                                         false, false}));
  // Only `do {} while (false)` runs its body once.
  std::vector<bool> Once;
  for (const BoundNodes &Node :
       match(stmt(anyOf(forStmt(), whileStmt(), doStmt())).bind("l"), Ctx))
    Once.push_back(utils::runsOnce(*Node.getNodeAs<Stmt>("l"), Ctx));
  EXPECT_EQ(Once, (std::vector<bool>{false, false, false, false, false, false,
                                     false, true}));
}

TEST(LockModelNames, MutexThroughSmartPointersAndAccessors) {
  Parsed P = parse(R"cpp(
    struct Registry { std::mutex &mutex(); };
    std::unique_ptr<std::mutex> owned; std::mutex mus[2]; Registry reg;
    std::unique_ptr<pthread_mutex_t> pm;
    void use() {
      probe(1, *owned); probe(2, mus[1]); probe(3, reg.mutex());
      probe(4, pm.get());
    }
  )cpp");
  ASSERT_EQ(P.Args.size(), 4u);
  EXPECT_EQ(nameOf(model::mutexDeclOf(P.Args[1])), "owned");
  EXPECT_EQ(nameOf(model::mutexDeclOf(P.Args[2])), "mus");
  EXPECT_EQ(nameOf(model::mutexDeclOf(P.Args[3])), "mutex");
  EXPECT_EQ(nameOf(model::mutexDeclOf(P.Args[4])), "pm");
}

/// A model that counts how often it is built and freed.
struct CountedModel {
  static inline int Built = 0;
  static inline int Freed = 0;
  explicit CountedModel(ASTContext &) { ++Built; }
  ~CountedModel() { ++Freed; }
};
struct OtherModel {
  explicit OtherModel(ASTContext &) {}
};

TEST(ModelCache, OneModelPerContextFreedWithIt) {
  CountedModel::Built = CountedModel::Freed = 0;
  {
    auto First = tooling::buildASTFromCode("int a;");
    auto Second = tooling::buildASTFromCode("int b;");
    ASTContext &A = First->getASTContext();
    ASTContext &B = Second->getASTContext();
    CountedModel &InA = model::perContext<CountedModel>(A);
    EXPECT_EQ(&InA, &model::perContext<CountedModel>(A));
    EXPECT_NE(&InA, &model::perContext<CountedModel>(B));
    EXPECT_NE(static_cast<void *>(&InA),
              static_cast<void *>(&model::perContext<OtherModel>(A)));
    EXPECT_EQ(CountedModel::Built, 2);
    // The shared models use the same cache.
    EXPECT_EQ(&model::LockModels::of(A), &model::LockModels::of(A));
    EXPECT_EQ(CountedModel::Freed, 0);
  }
  EXPECT_EQ(CountedModel::Freed, 2);
}

} // namespace
} // namespace loadcheck::testing
