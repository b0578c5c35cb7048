//===--- RequestPathTests.cpp - the request path through calls and files --===//
//
// Small multi-file projects run through the driver: a helper that creates a
// client (client-per-request) or allocates a large buffer
// (hot-path-allocation) on every call is reported when a caller in another file
// calls it per request (in a handler) or per iteration (in a loop), directly or
// through other functions, with a note at the call that makes it per
// request; C and C++ (route lambdas of cpp-httplib named by their route).
// Lookalikes: the same helper called once at startup from main, a
// helper that takes the client as a parameter, a redis helper called from
// an init function, a helper no one calls.
//
//===----------------------------------------------------------------------===//
#include "tests/cli/ProjectRuns.h"

#include <gtest/gtest.h>
#include <map>
#include <set>

namespace loadcheck::testing {
namespace {

const std::string CPR = "loadcheck-client-per-request";
const std::string HPA = "loadcheck-hot-path-allocation";

FileMap project(FileMap Sources) { return cProject(std::move(Sources)); }

/// Runs client-per-request over \p Dir; its findings as "file:line" mapped
/// to their message and notes ("file:line message").
struct Report {
  std::map<std::string, std::string> Messages;
  std::map<std::string, std::set<std::string>> Notes;
};

Report run(const Workspace &Dir, const std::string &Check = CPR) {
  runChecks(Dir, Check);
  Report Out;
  for (const ReportedFinding &F : reportedFindingsOf(Dir)) {
    Out.Messages[F.Place] = F.Message;
    if (!F.Notes.empty())
      Out.Notes[F.Place].insert(F.Notes.begin(), F.Notes.end());
  }
  return Out;
}

const char *ApiHeader = "long fetch_json(const char *url);\n"
                        "long fetch_with(void *client, const char *url);\n"
                        "void cache_set(const char *key);\n"
                        "void cache_warm(void);\n";

const char *ApiSource = R"(#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include "api.h"
long fetch_json(const char *url) {
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  return rc;
}
long fetch_with(void *client, const char *url) {
  curl_easy_setopt((CURL *)client, CURLOPT_URL, url);
  return curl_easy_perform((CURL *)client);
}
void cache_set(const char *key) {
  redisContext *r = redisConnect("cache.internal", 6379);
  freeReplyObject(redisCommand(r, "SET %s 1", key));
  redisFree(r);
}
void cache_warm(void) {
  redisContext *r = redisConnect("cache.internal", 6379);
  freeReplyObject(redisCommand(r, "PING"));
  redisFree(r);
}
)";

TEST(RequestPathThroughCalls, HelperCalledInAHandlerOfAnotherFileIsPerRequest) {
  Workspace Dir(project({{"src/api.h", ApiHeader},
                         {"src/api.c", ApiSource},
                         {"src/server.c", R"(#include <event2/http.h>
#include <stddef.h>
#include "api.h"
static void on_user(struct evhttp_request *req, void *arg) {
  fetch_json("http://users.internal/1");
  evhttp_send_reply(req, 200, "OK", NULL);
}
void serve(struct evhttp *http) { evhttp_set_cb(http, "/u", on_user, NULL); }
)"}}));
  Report R = run(Dir);
  ASSERT_TRUE(R.Messages.count("src/api.c:5"));
  EXPECT_EQ(R.Messages["src/api.c:5"],
            "'curl_easy_init' on each call of per-request 'fetch_json' pays "
            "connection setup every time; reuse one client");
  EXPECT_TRUE(R.Notes["src/api.c:5"].count(
      "src/server.c:5 'fetch_json' is called per request here, in handler "
      "'on_user'"));
  // Nothing else: the redis helpers have no caller.
  EXPECT_EQ(R.Messages.size(), 1u);
}

TEST(RequestPathThroughCalls, HelperCalledOnceAtStartupIsSilent) {
  Workspace Dir(project({{"src/api.h", ApiHeader},
                         {"src/api.c", ApiSource},
                         {"src/main.c", R"(#include "api.h"
int main(void) {
  cache_warm();
  return (int)fetch_json("http://config.internal/");
}
)"}}));
  EXPECT_TRUE(run(Dir).Messages.empty());
}

TEST(RequestPathThroughCalls, HelperCalledInALoopOfAnotherFileIsPerIteration) {
  Workspace Dir(project({{"src/api.h", ApiHeader},
                         {"src/api.c", ApiSource},
                         {"src/main.c", R"(#include "api.h"
static void refresh(const char **urls, int n) {
  for (int i = 0; i < n; i++)
    fetch_json(urls[i]);
}
int main(int argc, const char **argv) {
  refresh(argv, argc);
  return 0;
}
)"}}));
  Report R = run(Dir);
  ASSERT_TRUE(R.Messages.count("src/api.c:5"));
  EXPECT_TRUE(R.Notes["src/api.c:5"].count(
      "src/main.c:4 'fetch_json' is called per iteration of a loop here"));
}

TEST(RequestPathThroughCalls, HelperTakingTheClientIsSilent) {
  Workspace Dir(project({{"src/api.h", ApiHeader},
                         {"src/api.c", ApiSource},
                         {"src/server.c", R"(#include <event2/http.h>
#include <stddef.h>
#include "api.h"
static void on_price(struct evhttp_request *req, void *client) {
  fetch_with(client, "http://prices.internal/1");
  evhttp_send_reply(req, 200, "OK", NULL);
}
void serve(struct evhttp *http, void *client) {
  evhttp_set_cb(http, "/p", on_price, client);
}
)"}}));
  EXPECT_TRUE(run(Dir).Messages.empty());
}

TEST(RequestPathThroughCalls, RedisHelperPerCommandThroughAnotherFunction) {
  Workspace Dir(
      project({{"src/api.h", ApiHeader},
               {"src/api.c", ApiSource},
               {"src/session.h", "void session_touch(const char *);\n"},
               {"src/session.c", R"(#include "api.h"
#include "session.h"
void session_touch(const char *id) {
  cache_set(id);
}
)"},
               {"src/server.c", R"(#include <event2/http.h>
#include <stddef.h>
#include "session.h"
static void on_login(struct evhttp_request *req, void *arg) {
  session_touch("s1");
  evhttp_send_reply(req, 200, "OK", NULL);
}
void serve(struct evhttp *http) { evhttp_set_cb(http, "/l", on_login, NULL); }
)"},
               {"src/main.c", R"(#include "api.h"
static void init(void) { cache_warm(); }
int main(void) {
  init();
  return 0;
}
)"}}));
  Report R = run(Dir);
  ASSERT_TRUE(R.Messages.count("src/api.c:16"));
  EXPECT_EQ(R.Notes["src/api.c:16"],
            (std::set<std::string>{
                "src/server.c:5 'session_touch' is called per request here, "
                "in handler 'on_login'",
                "src/session.c:4 'cache_set' is called from 'session_touch' "
                "here"}));
  // The init function's connection is made once.
  EXPECT_FALSE(R.Messages.count("src/api.c:21"));
  EXPECT_EQ(R.Messages.size(), 1u);
}

TEST(RequestPathThroughCalls, OnePerRequestCallerIsEnough) {
  Workspace Dir(project({{"src/api.h", ApiHeader},
                         {"src/api.c", ApiSource},
                         {"src/main.c", R"(#include <event2/http.h>
#include <stddef.h>
#include "api.h"
static void on_user(struct evhttp_request *req, void *arg) {
  fetch_json("http://users.internal/1");
  evhttp_send_reply(req, 200, "OK", NULL);
}
int main(void) {
  fetch_json("http://config.internal/");
  evhttp_set_cb(NULL, "/u", on_user, NULL);
  return 0;
}
)"}}));
  Report R = run(Dir);
  EXPECT_TRUE(R.Notes["src/api.c:5"].count(
      "src/main.c:5 'fetch_json' is called per request here, in handler "
      "'on_user'"));
}

TEST(RequestPathThroughCalls, CppHelpersCalledFromRouteLambdas) {
  FileMap Sources = {{"src/api.h",
                      "#include <string>\n"
                      "std::string fetch_json(const std::string &url);\n"
                      "struct Inventory {\n"
                      "  std::string stock(const std::string &sku);\n"
                      "  std::string config();\n"
                      "};\n"},
                     {"src/api.cpp", R"(#include <curl/curl.h>
#include <httplib.h>
#include "api.h"
std::string fetch_json(const std::string &url) {
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_perform(c);
  curl_easy_cleanup(c);
  return "";
}
std::string Inventory::stock(const std::string &sku) {
  httplib::Client cli("http://inventory.internal");
  auto r = cli.Get("/stock/" + sku);
  return r ? r->body : "";
}
std::string Inventory::config() {
  httplib::Client cli("http://config.internal");
  auto r = cli.Get("/");
  return r ? r->body : "";
}
)"},
                     {"src/main.cpp", R"(#include <httplib.h>
#include "api.h"
int main() {
  httplib::Server svr;
  Inventory inv;
  inv.config();
  svr.Get("/users", [&](const httplib::Request &, httplib::Response &res) {
    res.set_content(fetch_json("http://users.internal/1"), "text/plain");
  });
  svr.Get("/stock", [&](const httplib::Request &req, httplib::Response &res) {
    res.set_content(inv.stock(req.get_param_value("sku")), "text/plain");
  });
  svr.listen("0.0.0.0", 8080);
}
)"}};
  Sources["build/compile_commands.json"] = compileDatabase(
      {"src/api.cpp", "src/main.cpp"}, "-std=c++17 -I@DIR@/src");
  Workspace Dir(Sources);
  Report R = run(Dir);
  EXPECT_TRUE(R.Notes["src/api.cpp:5"].count(
      "src/main.cpp:8 'fetch_json' is called per request here, in handler "
      "'Get \"/users\"'"));
  EXPECT_EQ(R.Messages["src/api.cpp:12"],
            "client 'cli' ('httplib::Client') made on each call of "
            "'Inventory::stock', which runs per request; reuse one");
  EXPECT_TRUE(R.Notes["src/api.cpp:12"].count(
      "src/main.cpp:11 'Inventory::stock' is called per request here, in "
      "handler 'Get \"/stock\"'"));
  // Called once, from main.
  EXPECT_FALSE(R.Messages.count("src/api.cpp:17"));
  EXPECT_EQ(R.Messages.size(), 2u);
}

TEST(RequestPathThroughCalls, HotPathBufferOfAHelperCalledPerRequest) {
  Workspace Dir(project({{"src/render.h", "unsigned long render_page(const "
                                          "char *);\nvoid load_table(void);\n"},
                         {"src/render.c", R"(#include <stdlib.h>
#include <string.h>
#include "render.h"
unsigned long render_page(const char *name) {
  char *page = malloc(65536);
  strncpy(page, name, 65535);
  unsigned long n = strlen(page);
  free(page);
  return n;
}
void load_table(void) {
  int *table = calloc(4096, sizeof(int));
  free(table);
}
)"},
                         {"src/server.c", R"(#include <event2/http.h>
#include <stddef.h>
#include "render.h"
static void on_page(struct evhttp_request *req, void *arg) {
  render_page("index");
  evhttp_send_reply(req, 200, "OK", NULL);
}
int main(void) {
  load_table();
  evhttp_set_cb(NULL, "/page", on_page, NULL);
  return 0;
}
)"}}));
  Report R = run(Dir, HPA);
  EXPECT_EQ(R.Messages["src/render.c:5"],
            "65536-byte heap buffer per call of per-request 'render_page' "
            "contends on the allocator; reuse one");
  EXPECT_TRUE(R.Notes["src/render.c:5"].count(
      "src/server.c:5 'render_page' is called per request here, in handler "
      "'on_page'"));
  // The table is allocated once, at startup.
  EXPECT_FALSE(R.Messages.count("src/render.c:12"));
  EXPECT_EQ(R.Messages.size(), 1u);
}

} // namespace
} // namespace loadcheck::testing
