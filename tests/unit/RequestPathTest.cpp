//===--- RequestPathTest.cpp - the request-path model ---------------------===//
#include "checks/model/RequestPath.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>
#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::testing {
namespace {

using model::HandlerVia;
using model::PerRequestReason;
using Kind = PerRequestReason::Kind;

enum class Lang { Cxx, C };

std::unique_ptr<ASTUnit> parse(const std::string &Code, Lang L = Lang::Cxx) {
  std::vector<std::string> Args = {L == Lang::C ? "-std=c11" : "-std=c++20",
                                   "-resource-dir",
                                   LOADCHECK_CLANG_RESOURCE_DIR, "-pthread"};
  return tooling::buildASTFromCodeWithArgs(
      Code, Args, L == Lang::C ? "input.c" : "input.cc");
}

/// The calls `marker(N)` of the main file, by N (the first match: the
/// pattern of a template).
std::map<int, const CallExpr *> markers(ASTContext &Ctx) {
  std::map<int, const CallExpr *> Found;
  for (const BoundNodes &N :
       match(findAll(callExpr(callee(functionDecl(hasName("marker"))),
                              hasArgument(0, integerLiteral().bind("n")))
                         .bind("c")),
             Ctx)) {
    int Id = N.getNodeAs<IntegerLiteral>("n")->getValue().getZExtValue();
    Found.emplace(Id, N.getNodeAs<CallExpr>("c"));
  }
  return Found;
}

/// How a diagnostic spells a reason: `per %select{iteration of|request in}N
/// '%M'` with isRequest() and subject().
std::string phrase(const model::PerRequestReason &Why) {
  return std::string(Why.isRequest() ? "per request in '"
                                     : "per iteration of '") +
         Why.subject() + "'";
}

/// What whyPerRequest must say about marker(Id): nothing (Phrase empty), or
/// a reason spelled Phrase.
struct Expect {
  int Id;
  const char *Phrase; ///< "" = not per request
  std::optional<HandlerVia> Via = std::nullopt;
};

void checkAll(const std::string &Code, llvm::ArrayRef<Expect> Expected,
              const model::RequestPathOptions &Opts = {}, Lang L = Lang::Cxx) {
  auto AST = parse(Code, L);
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  ASSERT_FALSE(Ctx.getDiagnostics().hasErrorOccurred());
  auto Marks = markers(Ctx);
  for (const Expect &E : Expected) {
    SCOPED_TRACE("marker(" + std::to_string(E.Id) + ")");
    ASSERT_EQ(Marks.count(E.Id), 1u);
    auto Why = model::whyPerRequest(*Marks[E.Id], Ctx, Opts);
    if (!*E.Phrase) {
      EXPECT_FALSE(Why) << phrase(*Why);
      continue;
    }
    ASSERT_TRUE(Why);
    EXPECT_EQ(phrase(*Why), E.Phrase);
    if (E.Via) {
      ASSERT_EQ(Why->What, Kind::Handler);
      EXPECT_EQ(Why->Via, *E.Via);
      EXPECT_NE(Why->Handler, nullptr);
    } else {
      EXPECT_EQ(Why->What, Kind::Loop);
      EXPECT_NE(Why->Loop, nullptr);
    }
  }
}

TEST(RequestPath, Loops) {
  checkAll(
      R"cpp(
#include <vector>
#include <string>
void marker(int);
int next();
struct Conn { int fd; };
#define EACH(x, xs) for (auto &x : xs)
void loops(std::vector<Conn> &jobs, int n, std::vector<std::string> names) {
  marker(1);
  for (auto &j : jobs) marker(2);
  for (int i = (marker(3), 0); i < static_cast<int>(jobs.size()); ++i) marker(4);
  for (;;) { marker(5); break; }
  while (true) { marker(6); if (n) break; }
  while (int x = next()) { marker(7); }
  do { marker(8); } while (1);
  do { marker(9); } while (n-- > 0);
  for (auto &s : names) {
    for (int k = 0; k < 3; ++k) marker(10);  // innermost loop first
  }
  EACH(j, jobs) marker(11);
  for (auto &j : (marker(12), jobs)) {}    // the range runs once
  for (int i = 0; i < n; ++i) {
    static int once = (marker(13), 1);     // a static is built once
    auto later = [] { marker(14); };       // a lambda is its own function
    later();
  }
  while (n > 0 && next() != 42 && next() != 43 && next() != 44) marker(15);
}
)cpp",
      {{1, ""},
       {2, "per iteration of 'jobs'"},
       {3, ""},
       {4, "per iteration of 'i < static_cast<int>(jobs.size())'"},
       {5, "per iteration of 'for (;;)'"},
       {6, "per iteration of 'while (true)'"},
       {7, "per iteration of 'next()'"},
       {8, "per iteration of 'do ... while (1)'"},
       {9, "per iteration of 'n-- > 0'"},
       {10, "per iteration of 'k < 3'"},
       {11, "per iteration of 'jobs'"},
       {12, ""},
       {13, ""},
       {14, ""},
       {15, "per iteration of 'n > 0 && next() != 42 && next() != 43...'"}});
}

// C servers: a function is a handler because its address is registered with
// libevent or libmicrohttpd, or because it is the entry of a thread started
// per accepted connection. Timers, signals and threads started once are not.
TEST(RequestPath, CCallbackHandlers) {
  checkAll(
      R"c(
    #include <event2/event.h>
    #include <event2/event_struct.h>
    #include <event2/http.h>
    #include <event2/bufferevent.h>
    #include <event2/listener.h>
    #include <microhttpd.h>
    #include <pthread.h>
    #include <sys/socket.h>
    void marker(int);
    static void on_route(struct evhttp_request *r, void *a) { marker(1); }
    static void on_any(struct evhttp_request *r, void *a) { marker(2); }
    static void on_io(evutil_socket_t fd, short w, void *a) { marker(3); }
    static void on_tick(evutil_socket_t fd, short w, void *a) { marker(4); }
    static void on_signal(evutil_socket_t fd, short w, void *a) { marker(5); }
    static void on_read(struct bufferevent *b, void *a) { marker(6); }
    static void on_conn(struct evconnlistener *l, evutil_socket_t fd,
                        struct sockaddr *sa, int n, void *a) { marker(7); }
    static enum MHD_Result on_access(void *cls, struct MHD_Connection *c,
        const char *url, const char *method, const char *version,
        const char *data, size_t *size, void **state) {
      marker(8);
      return MHD_NO;
    }
    static void *serve(void *fd) { marker(9); return 0; }
    static void *background(void *a) { marker(10); return 0; }
    static void unregistered(void) { marker(11); }
    void setup(struct event_base *base, struct evhttp *http,
               struct bufferevent *bev, evutil_socket_t fd, int lfd) {
      struct event ev;
      evhttp_set_cb(http, "/x", on_route, 0);
      evhttp_set_gencb(http, &on_any, 0);
      event_new(base, fd, EV_READ | EV_PERSIST, on_io, 0);
      event_assign(&ev, base, -1, 0, on_tick, 0);
      evsignal_new(base, 15, on_signal, 0);
      bufferevent_setcb(bev, on_read, 0, 0, 0);
      evconnlistener_new_bind(base, on_conn, 0, 0, -1, 0, 0);
      MHD_start_daemon(0, 8080, 0, 0, on_access, 0, MHD_OPTION_END);
      pthread_t t;
      pthread_create(&t, 0, background, 0);
      while (1) {
        int c = accept(lfd, 0, 0);
        pthread_create(&t, 0, serve, (void *)(long)c);
      }
    }
  )c",
      {{1, "per request in 'on_route'",
        HandlerVia::CallbackRegistration},
       {2, "per request in 'on_any'", HandlerVia::CallbackRegistration},
       {3, "per request in 'on_io'", HandlerVia::CallbackRegistration},
       {4, ""},
       {5, ""},
       {6, "per request in 'on_read'",
        HandlerVia::CallbackRegistration},
       {7, "per request in 'on_conn'",
        HandlerVia::CallbackRegistration},
       {8, "per request in 'on_access'",
        HandlerVia::CallbackRegistration},
       {9, "per request in 'serve'", HandlerVia::ConnectionThread},
       {10, ""},
       {11, ""}},
      {}, Lang::C);
}

TEST(RequestPath, AllReasonsInnermostFirst) {
  auto AST = parse(R"cpp(
#include <vector>
void marker(int);
void f(std::vector<int> &jobs) {
  for (int j : jobs)
    for (int k = 0; k < 2; ++k) marker(1);
}
)cpp");
  ASSERT_TRUE(AST);
  ASTContext &Ctx = AST->getASTContext();
  auto Reasons = model::perRequestReasons(*markers(Ctx)[1], Ctx,
                                          model::RequestPathOptions());
  ASSERT_EQ(Reasons.size(), 2u);
  EXPECT_EQ(Reasons[0].LoopText, "k < 2");
  EXPECT_TRUE(isa<ForStmt>(Reasons[0].Loop));
  EXPECT_EQ(Reasons[1].LoopText, "jobs");
  EXPECT_TRUE(isa<CXXForRangeStmt>(Reasons[1].Loop));
}

TEST(RequestPath, HttplibHandlers) {
  checkAll(
      R"cpp(
#include <httplib.h>
void marker(int);
void onOrder(const httplib::Request &req, httplib::Response &res) {
  marker(1);
}
void setup(httplib::Server &svr) {
  marker(2);
  svr.Get("/users", [](const httplib::Request &, httplib::Response &res) {
    marker(3);
    auto helper = [] { marker(4); }; // not itself a handler
    helper();
  });
  svr.Post("/orders", onOrder);
  auto stored = [](const httplib::Request &req, httplib::Response &) {
    marker(5);
  };
  svr.Put("/stored", stored);
  svr.Delete(R"(/items/(\d+))", [&](const auto &req, auto &res) {
    marker(6);
  });
  httplib::Client cli("localhost", 8080);
  cli.Get("/remote"); // a client call, not a registration
  svr.set_logger([](const httplib::Request &, const httplib::Response &) {
    marker(7); // takes a request: per request too
  });
  svr.set_error_handler([](const auto &, auto &) { marker(8); });
}
)cpp",
      {{1, "per request in 'onOrder'", HandlerVia::RequestParameter},
       {2, ""},
       {3, "per request in 'Get \"/users\"'", HandlerVia::RouteRegistration},
       {4, ""},
       {5, "per request in 'lambda'", HandlerVia::RequestParameter},
       {6, "per request in 'Delete \"/items/(\\d+)\"'",
        HandlerVia::RouteRegistration},
       {7, "per request in 'lambda'", HandlerVia::RequestParameter},
       // A generic lambda passed to a non-route setter: its pattern's
       // parameters are `auto`, so the model stays silent.
       {8, ""}});
}

TEST(RequestPath, GrpcServiceMethods) {
  checkAll(
      R"cpp(
#include <grpcpp/grpcpp.h>
#include <vector>
void marker(int);
class Greeter {
public:
  grpc::Status SayHello(grpc::ServerContext *ctx, const std::string *in,
                        std::string *out) {
    marker(1);
    for (char c : *in) marker(2); // the loop is the innermost reason
    return grpc::Status::OK;
  }
  void Callback(grpc::CallbackServerContext *ctx) { marker(3); }
  void helper(grpc::ClientContext *ctx) { marker(4); } // a client context
};
using Ctx = grpc::ServerContext;
void aliased(Ctx &c) { marker(5); }
)cpp",
      {{1, "per request in 'Greeter::SayHello'", HandlerVia::RequestParameter},
       {2, "per iteration of '*in'"},
       {3, "per request in 'Greeter::Callback'", HandlerVia::RequestParameter},
       {4, ""},
       {5, "per request in 'aliased'", HandlerVia::RequestParameter}});
}

TEST(RequestPath, BeastRequestAndOptions) {
  const std::string Code = R"cpp(
#include <boost/beast/http.hpp>
void marker(int);
namespace http = boost::beast::http;
void serve(const http::request<http::string_body> &req) { marker(1); }
void handleLogin(int) { marker(2); }
namespace app { struct Req {}; }
void custom(app::Req *r) { marker(3); }
)cpp";
  checkAll(Code, {{1, "per request in 'serve'", HandlerVia::RequestParameter},
                  {2, ""},
                  {3, ""}});
  // RequestTypes replaces the defaults; HandlerNamePattern adds names.
  model::RequestPathOptions Opts(" ::app::Req * ; ", "^handle");
  ASSERT_TRUE(Opts.isPatternValid());
  EXPECT_EQ(Opts.requestTypes(), std::vector<std::string>{"app::Req"});
  checkAll(Code,
           {{1, ""},
            {2, "per request in 'handleLogin'", HandlerVia::NamePattern},
            {3, "per request in 'custom'", HandlerVia::RequestParameter}},
           Opts);
}

TEST(RequestPath, OptionDefaults) {
  model::RequestPathOptions Defaults;
  EXPECT_TRUE(Defaults.isRequestTypeName("httplib::Request"));
  EXPECT_TRUE(Defaults.isRequestTypeName("grpc::ServerContext"));
  EXPECT_FALSE(Defaults.matchesHandlerName("handle"));
  model::RequestPathOptions Empty("", "");
  EXPECT_EQ(Empty.requestTypes(),
            model::RequestPathOptions::defaultRequestTypes());
  model::RequestPathOptions Bad("", "([");
  EXPECT_FALSE(Bad.isPatternValid());
  EXPECT_FALSE(Bad.matchesHandlerName("handle"));
}

} // namespace
} // namespace loadcheck::testing
