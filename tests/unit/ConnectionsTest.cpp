//===--- ConnectionsTest.cpp - helpers and options of the connection checks
//===//
//
// NameList and clientTypeName (ClientApis.h), isHandedOver (HandOver.h) and
// callsOnHandle (HandleCalls.h) on small ASTs; the checks' options through a
// .clang-tidy, as users set them.
//
//===----------------------------------------------------------------------===//
#include "checks/connections/ClientApis.h"
#include "checks/model/HandOver.h"
#include "checks/model/HandleCalls.h"
#include "checks/utils/NamedEntity.h"
#include "tests/Artifacts.h"
#include "tests/harness/FixtureRunner.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::testing {
namespace {

using connections::NameList;

TEST(ClientApis, NameListAddsItemsToTheDefaults) {
  NameList L = NameList::withExtra({"httplib::Client", "sqlite3_open*"},
                                   " ::mycorp::Rpc ; ;mycorp::connect*");
  EXPECT_EQ(L.names().size(), 4u);
  EXPECT_EQ(L.match("httplib::Client"), "httplib::Client");
  EXPECT_EQ(L.match("sqlite3_open_v2"), "sqlite3_open*");
  EXPECT_EQ(L.match("mycorp::Rpc"), "mycorp::Rpc");
  EXPECT_EQ(L.match("mycorp::connectPool"), "mycorp::connect*");
  EXPECT_EQ(L.match("httplib::ClientImpl"), "");
  EXPECT_TRUE(L.mayMatchUnqualified("Rpc"));
  EXPECT_TRUE(L.mayMatchUnqualified("connectAll"));
  EXPECT_FALSE(L.mayMatchUnqualified("Client2"));
}

std::unique_ptr<ASTUnit> parse(const std::string &Code) {
  return tooling::buildASTFromCodeWithArgs(
      Code, {"-std=c++17", "-resource-dir", LOADCHECK_CLANG_RESOURCE_DIR},
      "input.cc");
}

const VarDecl *var(ASTContext &Ctx, llvm::StringRef Name) {
  auto Found = match(varDecl(hasName(Name)).bind("v"), Ctx);
  return Found.empty() ? nullptr : Found[0].getNodeAs<VarDecl>("v");
}

TEST(ClientApis, ClientTypeThroughAliasesAndClasses) {
  auto AST = parse(R"(
    namespace db {
    template <class Policy> class basic_conn {};
    struct direct {};
    using conn = basic_conn<direct>;
    }
    namespace net { class Session {}; }
    typedef net::Session Sess;
    void f() { db::conn a; Sess b; const net::Session &c = b; int d; }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  NameList Types({"db::conn", "net::Session"});
  EXPECT_EQ(connections::clientTypeName(var(Ctx, "a")->getType(), Types, Ctx),
            "db::conn");
  EXPECT_EQ(connections::clientTypeName(var(Ctx, "b")->getType(), Types, Ctx),
            "net::Session");
  EXPECT_EQ(connections::clientTypeName(var(Ctx, "c")->getType(), Types, Ctx),
            "net::Session");
  EXPECT_EQ(connections::clientTypeName(var(Ctx, "d")->getType(), Types, Ctx),
            "");
  // The class template's name finds every alias of it.
  NameList Templates({"db::basic_conn"});
  EXPECT_EQ(
      connections::clientTypeName(var(Ctx, "a")->getType(), Templates, Ctx),
      "db::basic_conn");
}

/// Whether the initializer of variable \p Name (or the call named `make` in
/// its initializer) is handed over.
bool handedOver(ASTContext &Ctx, llvm::StringRef Name) {
  // match() on the context tries the matcher at every node: no findAll.
  auto Functions =
      match(functionDecl(hasName(Name), isDefinition(), isExpansionInMainFile())
                .bind("f"),
            Ctx);
  EXPECT_EQ(Functions.size(), 1u) << Name.str();
  if (Functions.empty())
    return false;
  auto Found = match(
      findAll(callExpr(callee(functionDecl(hasName("::make")))).bind("c")),
      *Functions[0].getNodeAs<FunctionDecl>("f")->getBody(), Ctx);
  EXPECT_EQ(Found.size(), 1u) << Name.str();
  return !Found.empty() &&
         model::isHandedOver(*Found[0].getNodeAs<Expr>("c"), Ctx);
}

TEST(HandOver, PoolsAndMembersKeepTheObject) {
  const std::string Prelude = R"(
    #include <map>
    #include <memory>
    #include <utility>
    #include <vector>
    struct Conn {};
    std::unique_ptr<Conn> make();
    std::vector<std::unique_ptr<Conn>> pool;
    std::map<int, std::unique_ptr<Conn>> cache;
    void use(Conn &);
    struct Owner { std::unique_ptr<Conn> c; void set(); };
  )";
  std::string Code = Prelude + R"(
    void direct() { pool.push_back(make()); }
    void viaLocal() { auto c = make(); use(*c); pool.emplace_back(std::move(c)); }
    void viaReference() { auto &slot = cache[1]; slot = make(); }
    void Owner::set() { c = make(); }
    std::unique_ptr<Conn> returned() { auto c = make(); return c; }
    void dropped() { auto c = make(); use(*c); }
    void reassigned() { std::unique_ptr<Conn> c; c = make(); use(*c); }
    void temporary() { use(*make()); }
  )";
  auto AST = parse(Code);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  EXPECT_TRUE(handedOver(Ctx, "direct"));
  EXPECT_TRUE(handedOver(Ctx, "viaLocal"));
  EXPECT_TRUE(handedOver(Ctx, "viaReference"));
  EXPECT_TRUE(handedOver(Ctx, "set"));
  EXPECT_TRUE(handedOver(Ctx, "returned"));
  EXPECT_FALSE(handedOver(Ctx, "dropped"));
  EXPECT_FALSE(handedOver(Ctx, "reassigned"));
  EXPECT_FALSE(handedOver(Ctx, "temporary"));
}

TEST(HandleCalls, DirectHelperAndOrder) {
  auto AST = parse(R"(
    struct Ctx { void set_deadline(int); void other(); };
    void rpc(Ctx *);
    void helper(Ctx &c) { c.set_deadline(1); }
    void outer(Ctx *c) { helper(*c); }
    void none(Ctx &c) { c.other(); }
    void direct() { Ctx a; a.set_deadline(1); rpc(&a); }
    void viaHelpers() { Ctx b; outer(&b); rpc(&b); }
    void late() { Ctx d; rpc(&d); d.set_deadline(1); }
    void noHelp() { Ctx e; none(e); rpc(&e); }
  )");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  auto SetsDeadline = [](const CallExpr &Call, const NamedDecl &Handle) {
    const auto *M = dyn_cast<CXXMemberCallExpr>(&Call);
    return M && M->getMethodDecl()->getName() == "set_deadline" &&
           utils::namedEntity(M->getImplicitObjectArgument()) == &Handle;
  };
  auto Check = [&](llvm::StringRef Name) {
    const VarDecl *V = var(Ctx, Name);
    const auto *F = cast<FunctionDecl>(V->getDeclContext());
    // The rpc(&x) call is the `Before` point.
    auto Rpc =
        match(findAll(callExpr(callee(functionDecl(hasName("rpc")))).bind("r")),
              *F->getBody(), Ctx);
    return model::callsOnHandle(F->getBody(), *V, SetsDeadline,
                                Ctx.getSourceManager(),
                                Rpc[0].getNodeAs<CallExpr>("r")->getBeginLoc());
  };
  EXPECT_TRUE(Check("a"));
  EXPECT_TRUE(Check("b"));
  EXPECT_FALSE(Check("d"));
  EXPECT_FALSE(Check("e"));
}

/// Runs the loadcheck binary on \p Code with \p ClangTidy as the directory's
/// .clang-tidy; returns its stdout.
std::string runWithConfig(const std::string &Code, const std::string &Check,
                          const std::string &ClangTidy,
                          const std::string &ExtraArg = "-DLOADCHECK_TEST") {
  llvm::SmallString<128> Dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("loadcheck-conn", Dir));
  auto Write = [&](llvm::StringRef Name, const std::string &Text) {
    llvm::SmallString<128> Path(Dir);
    llvm::sys::path::append(Path, Name);
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    OS << Text;
  };
  Write("a.cpp", Code);
  Write(".clang-tidy", ClangTidy);
  ProcessResult Run = runProcess(
      LOADCHECK_BINARY,
      {"-q", "--checks=-*," + Check, "a.cpp", "--", "-std=c++17", ExtraArg},
      std::string(Dir), "-u NO_COLOR");
  llvm::sys::fs::remove_directories(Dir);
  return Run.Out + Run.Err;
}

TEST(ConnectionOptions, ClientTypesAndFactoriesAreAdded) {
  const std::string Code = "namespace mycorp { struct Rpc { Rpc(int); };\n"
                           "Rpc *dial(int); }\n"
                           "void f(int n) {\n"
                           "  for (int i = 0; i < n; ++i) {\n"
                           "    mycorp::Rpc r(i);\n"
                           "    mycorp::dial(i);\n"
                           "  }\n"
                           "}\n";
  std::string Out = runWithConfig(
      Code, "loadcheck-client-per-request",
      "CheckOptions:\n"
      "  loadcheck-client-per-request.ClientTypes: 'mycorp::Rpc'\n"
      "  loadcheck-client-per-request.ClientFactories: 'mycorp::dial*'\n");
  EXPECT_NE(Out.find("a.cpp:5:17: warning: client 'r' of type 'mycorp::Rpc' "
                     "made per iteration of 'i < n'"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("a.cpp:6:5: warning: 'mycorp::dial' is called per "
                     "iteration of 'i < n'"),
            std::string::npos)
      << Out;
  // Without the options: silent.
  EXPECT_EQ(runWithConfig(Code, "loadcheck-client-per-request", "{}\n"), "");
}

// A client library's own method that takes a request to send (a redirect
// building a client for the new host) is not a handler; another class's
// method with the same signature still is.
TEST(ConnectionOptions, OwnClientMethodIsNotAHandler) {
  const std::string Code =
      "namespace httplib { struct Request {}; struct Response {}; }\n"
      "namespace mycorp {\n"
      "struct ClientImpl {\n"
      "  void follow(httplib::Request &req, httplib::Response &res);\n"
      "};\n"
      "struct SSLClient : ClientImpl { SSLClient(int); };\n"
      "void ClientImpl::follow(httplib::Request &, httplib::Response &) {\n"
      "  SSLClient next(1);\n"
      "}\n"
      "struct Proxy {\n"
      "  void forward(httplib::Request &req, httplib::Response &res);\n"
      "};\n"
      "void Proxy::forward(httplib::Request &, httplib::Response &) {\n"
      "  SSLClient next(2);\n"
      "}\n"
      "}\n";
  std::string Out = runWithConfig(Code, "loadcheck-client-per-request",
                                  "CheckOptions:\n"
                                  "  loadcheck-client-per-request.ClientTypes: "
                                  "'mycorp::ClientImpl;mycorp::SSLClient'\n");
  EXPECT_EQ(Out.find("a.cpp:8:"), std::string::npos) << Out;
  EXPECT_NE(Out.find("a.cpp:14:13: warning: client 'next' of type "
                     "'mycorp::SSLClient' made per request in "
                     "'mycorp::Proxy::forward'"),
            std::string::npos)
      << Out;
}

TEST(ConnectionOptions, HandlerNamePatternAndMinBytes) {
  const std::string Code = "#include <vector>\n"
                           "void handleUpload() {\n"
                           "  std::vector<char> buf(2048);\n"
                           "}\n";
  EXPECT_EQ(runWithConfig(Code, "loadcheck-hot-path-allocation", "{}\n"), "");
  std::string Out = runWithConfig(
      Code, "loadcheck-hot-path-allocation",
      "CheckOptions:\n"
      "  loadcheck-hot-path-allocation.HandlerNamePattern: '^handle'\n"
      "  loadcheck-hot-path-allocation.MinBytes: 1024\n");
  EXPECT_NE(Out.find("a.cpp:3:21: warning: 2048-byte heap buffer per request "
                     "in 'handleUpload'"),
            std::string::npos)
      << Out;
}

TEST(ConnectionOptions, DefaultTimeoutMs) {
  const std::string Code = "#include <libpq-fe.h>\n"
                           "PGconn *c() { return PQconnectdb(\"host=db\"); }\n";
  const std::string Inc = "-I/usr/include/postgresql";
  EXPECT_NE(runWithConfig(Code, "loadcheck-missing-timeout", "{}\n", Inc)
                .find("add 'connect_timeout=5'"),
            std::string::npos);
  std::string Out = runWithConfig(
      Code, "loadcheck-missing-timeout",
      "CheckOptions:\n  loadcheck-missing-timeout.DefaultTimeoutMs: 12500\n",
      Inc);
  EXPECT_NE(Out.find("a.cpp:2:34: warning: connection string lacks "
                     "connect_timeout, so a dead database hangs it; "
                     "add 'connect_timeout=13'"),
            std::string::npos)
      << Out;
}

} // namespace
} // namespace loadcheck::testing
