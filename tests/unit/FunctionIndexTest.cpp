//===--- FunctionIndexTest.cpp - the function a finding is in, from the AST
//===//
#include "tool/run/FunctionIndex.h"

#include "clang/AST/ASTContext.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

// Markers /*A*/ ... are where findings would be. Only the #else branch is
// compiled: a brace counter sees both opening lines.
const char *const Code = R"(struct sockaddr_in { int port; };
namespace svc {
class Server {
public:
  void start();
  int inlineMember() { return /*A*/0; }
  int /*field*/ Field = 0;
};
#ifdef FAST
void fast() {
#else
void slow() {
#endif
  int /*B*/ b = 0;
}
void after() { int /*C*/ c = 0; }
struct sockaddr_in address(int port) {
  struct sockaddr_in /*D*/ a{port};
  return a;
}
void Server::start() {
  auto onRead = [this](int n) { int /*E*/ e = n; };
  struct Local {
    void run() { int /*F*/ f = 0; }
  };
  [] { [] { int /*G*/ g = 0; }(); }();
}
void /*H*/ declared(int h);
namespace {
void hidden() { int /*I*/ i = 0; }
} // namespace
auto table = [] { int /*J*/ j = 0; };
template <class T> struct Pool {
  void submit(T job) { int /*K*/ k = 0; }
};
template <class T> T make() { return T(/*M*/); }
struct Conn {
  ~Conn() { int /*N*/ n = 0; }
  bool operator==(const Conn &) const { return /*O*/ true; }
};
} // namespace svc
int /*L*/ l = 0;
extern "C" void callback() { int /*P*/ p = 0; }
)";

class FunctionIndexTest : public ::testing::Test {
protected:
  void SetUp() override {
    AST = clang::tooling::buildASTFromCodeWithArgs(Code, {"-std=c++20"},
                                                   "input.cc");
    ASSERT_TRUE(AST);
    Index.collect(AST->getASTContext(),
                  [](llvm::StringRef) { return std::string("input.cc"); });
  }

  std::string at(llvm::StringRef Marker) {
    size_t Offset = llvm::StringRef(Code).find(Marker);
    EXPECT_NE(Offset, llvm::StringRef::npos) << Marker.str();
    return Index.enclosing("input.cc", Offset);
  }

  std::unique_ptr<clang::ASTUnit> AST;
  FunctionIndex Index;
};

TEST_F(FunctionIndexTest, FunctionsAndMethodsByQualifiedName) {
  EXPECT_EQ(at("/*A*/"), "svc::Server::inlineMember");
  EXPECT_EQ(at("/*K*/"), "svc::Pool::submit");
  EXPECT_EQ(at("/*M*/"), "svc::make");
  EXPECT_EQ(at("/*N*/"), "svc::Conn::~Conn");
  EXPECT_EQ(at("/*O*/"), "svc::Conn::operator==");
  EXPECT_EQ(at("/*I*/"), "svc::(anonymous namespace)::hidden");
  EXPECT_EQ(at("/*P*/"), "callback");
}

TEST_F(FunctionIndexTest, PreprocessorBranchesDoNotConfuseIt) {
  EXPECT_EQ(at("/*B*/"), "svc::slow");
  EXPECT_EQ(at("/*C*/"), "svc::after");
}

TEST_F(FunctionIndexTest, FunctionReturningAStruct) {
  EXPECT_EQ(at("/*D*/"), "svc::address");
}

TEST_F(FunctionIndexTest, LambdasAreNamedAfterWhatHoldsThem) {
  EXPECT_EQ(at("/*E*/"), "svc::Server::start::(lambda)");
  EXPECT_EQ(at("/*G*/"), "svc::Server::start::(lambda)::(lambda)");
  EXPECT_EQ(at("/*J*/"), "svc::table::(lambda)");
}

TEST_F(FunctionIndexTest, MethodOfALocalClass) {
  EXPECT_EQ(at("/*F*/"), "svc::Server::start::Local::run");
}

TEST_F(FunctionIndexTest, DeclarationsAreNamedAndScopesAreNot) {
  EXPECT_EQ(at("/*H*/"), "svc::declared");
  EXPECT_EQ(at("/*field*/"), "");
  EXPECT_EQ(at("/*L*/"), "");
  EXPECT_EQ(Index.enclosing("other.cc", 10), "");
}

} // namespace
} // namespace loadcheck::testing
