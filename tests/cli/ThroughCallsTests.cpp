//===--- ThroughCallsTests.cpp - hazards split over functions and files ---===//
//
// Small multi-file projects run through the driver, where the link stage
// decides with every TU's facts:
//  - blocking-under-lock through calls: a function of another file that
//    may block (a socket writer with retries: poll + write), called while a
//    lock is held, with the way down to the blocking call as notes; its
//    lookalikes (a helper that does not block, the same helper called
//    without the lock, a helper that waits on a condition variable with the
//    lock, one that releases the caller's lock before it blocks);
//  - sql-concatenation across functions: a query returned by a helper of
//    another file, and one built into a string-stream member in one method
//    and executed in another; their lookalikes (a helper returning a
//    constant query or one with a number formatted safely, a member
//    holding a prepared statement's placeholders).
//
//===----------------------------------------------------------------------===//
#include "tests/cli/ProjectRuns.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <set>

namespace loadcheck::testing {
namespace {

/// C++ sources under src/ compiled with -I src (and MySQL's headers).
FileMap cxxProject(FileMap Sources) {
  return withCompileDatabase(std::move(Sources), ".cpp",
                             "-x c++ -std=c++17 -I@DIR@/src "
                             "-I/usr/include/mysql");
}

/// The findings of \p Check over \p Dir: "file:line" -> their notes, each
/// "file:line message".
std::map<std::string, std::vector<std::string>>
findingsWithNotes(const Workspace &Dir, const std::string &Check) {
  runChecks(Dir, Check);
  std::map<std::string, std::vector<std::string>> Out;
  for (const ReportedFinding &F : reportedFindingsOf(Dir))
    if (F.Check == Check)
      Out[F.Place] = F.Notes;
  return Out;
}

const std::string BUL = "loadcheck-blocking-under-lock";
const std::string SQL = "loadcheck-sql-concatenation";

TEST(ThroughCalls, BlockingHelperOfAnotherFileCalledUnderALock) {
  Workspace Dir(cxxProject({{"src/net.h", R"(#include <cstddef>
#include <mutex>
bool send_all(int fd, const char *data, size_t n);
bool reply(int fd, const char *msg);
int count_items();
void wait_ready(std::unique_lock<std::mutex> &lock);
extern std::mutex mu;
void unlock_and_back_off();
)"},
                            {"src/net.cpp", R"(#include <condition_variable>
#include <poll.h>
#include <unistd.h>
#include "net.h"
bool send_all(int fd, const char *data, size_t n) {
  while (n > 0) {
    struct pollfd p = {fd, POLLOUT, 0};
    if (poll(&p, 1, 60000) <= 0)
      return false;
    ssize_t w = write(fd, data, n);
    if (w < 0)
      return false;
    data += w;
    n -= size_t(w);
  }
  return true;
}
bool reply(int fd, const char *msg) { return send_all(fd, msg, 5); }
int items;
int count_items() { return items; }
std::condition_variable ready_cv;
bool ready;
void wait_ready(std::unique_lock<std::mutex> &lock) {
  ready_cv.wait(lock, [] { return ready; });
}
void unlock_and_back_off() {
  mu.unlock();
  usleep(1000);
}
)"},
                            {"src/server.cpp", R"(#include <mutex>
#include "net.h"
std::mutex mu;
void broadcast(int fd) {
  std::lock_guard<std::mutex> guard(mu);
  reply(fd, "hello");
}
int locked_helpers() {
  std::unique_lock<std::mutex> lock(mu);
  wait_ready(lock);
  return count_items();
}
void unlocked_reply(int fd) {
  int n;
  {
    std::lock_guard<std::mutex> guard(mu);
    n = count_items();
  }
  if (n > 0)
    reply(fd, "hello");
}
void retry_later() {
  mu.lock();
  unlock_and_back_off();
}
)"}}));
  auto Found = findingsWithNotes(Dir, BUL);
  ASSERT_TRUE(Found.count("src/server.cpp:6")) << Found.size();
  const std::vector<std::string> &Notes = Found["src/server.cpp:6"];
  EXPECT_NE(std::find(Notes.begin(), Notes.end(),
                      "src/net.cpp:18 'reply' calls 'send_all' here"),
            Notes.end());
  EXPECT_NE(std::find(Notes.begin(), Notes.end(),
                      "src/net.cpp:8 'send_all' calls 'poll' here"),
            Notes.end());
  EXPECT_FALSE(Found.count("src/server.cpp:10")); // waits with the lock
  EXPECT_FALSE(Found.count("src/server.cpp:11")); // does not block
  EXPECT_FALSE(Found.count("src/server.cpp:17")); // does not block
  EXPECT_FALSE(Found.count("src/server.cpp:20")); // no lock held
  EXPECT_FALSE(Found.count("src/server.cpp:24")); // releases it first
  EXPECT_EQ(Found.size(), 1u);
}

TEST(ThroughCalls, BlockingThroughAFunctionPointerStoredInAField) {
  Workspace Dir(cxxProject({{"src/sink.h", R"(struct Sink {
  void (*flush)(int fd);
};
void file_flush(int fd);
void flush_log(Sink &s, int fd);
)"},
                            {"src/sink.cpp", R"(#include <unistd.h>
#include "sink.h"
void file_flush(int fd) { write(fd, "\n", 1); }
void flush_log(Sink &s, int fd) { s.flush(fd); }
)"},
                            {"src/log.cpp", R"(#include <mutex>
#include "sink.h"
std::mutex log_mu;
void setup(Sink &s) { s.flush = file_flush; }
void drain(Sink &s, int fd) {
  std::lock_guard<std::mutex> guard(log_mu);
  flush_log(s, fd);
}
)"}}));
  auto Found = findingsWithNotes(Dir, BUL);
  ASSERT_TRUE(Found.count("src/log.cpp:7")) << Found.size();
  const std::vector<std::string> &Notes = Found["src/log.cpp:7"];
  EXPECT_NE(std::find(Notes.begin(), Notes.end(),
                      "src/sink.cpp:4 'flush_log' calls 'file_flush' here"),
            Notes.end());
  EXPECT_NE(std::find(Notes.begin(), Notes.end(),
                      "src/sink.cpp:3 'file_flush' calls 'write' here"),
            Notes.end());
}

/// memcached's crawler calls its module's finalize under the crawler lock:
/// the metadump module's writes to the client (poll, up to a second), the
/// expiry module's counts. With \p DumpBlocks false, no module blocks.
FileMap crawlerProject(bool DumpBlocks) {
  return cxxProject({{"src/crawler.h", R"(struct Module {
  void (*finalize)(int fd);
};
extern Module dump_module, expired_module;
)"},
                     {"src/modules.cpp", std::string(R"(#include <poll.h>
#include "crawler.h"
static long expired;
static void dump_finalize(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  )") + (DumpBlocks ? "poll(&p, 1, 1000);" : "expired += p.fd;") +
                                             R"(
}
static void expired_finalize(int fd) { expired += fd; }
Module dump_module = {dump_finalize};
Module expired_module = {expired_finalize};
)"},
                     {"src/crawler.cpp", R"(#include <mutex>
#include "crawler.h"
std::mutex crawler_mu;
void finish_crawl(Module *mod, int fd) {
  std::lock_guard<std::mutex> guard(crawler_mu);
  mod->finalize(fd);
}
)"}});
}

TEST(ThroughCalls, PointerFieldCalledUnderALockBlocksWhenAnyTargetMay) {
  Workspace Blocking(crawlerProject(/*DumpBlocks=*/true));
  auto Found = findingsWithNotes(Blocking, BUL);
  ASSERT_TRUE(Found.count("src/crawler.cpp:6")) << Found.size();
  EXPECT_NE(std::find(Found["src/crawler.cpp:6"].begin(),
                      Found["src/crawler.cpp:6"].end(),
                      "src/modules.cpp:6 'dump_finalize' calls 'poll' here"),
            Found["src/crawler.cpp:6"].end());
  Workspace Quiet(crawlerProject(/*DumpBlocks=*/false));
  EXPECT_EQ(findingsWithNotes(Quiet, BUL).size(), 0u);
}

// Lookalikes from curl: a list's element destructor stored for many lists
// (one of them writes to a wakeup socket), and a trace helper that writes
// and flushes its line to a FILE* under the pool's lock.
TEST(ThroughCalls, PointerOfManyTargetsAndBufferedLogWriteDoNotBlock) {
  Workspace Dir(cxxProject({{"src/list.h", R"(struct List {
  void (*dtor)(void *item);
};
void list_remove(List &l, void *item);
void trace(const char *line);
)"},
                            {"src/list.cpp", R"(#include <cstdio>
#include <unistd.h>
#include "list.h"
void list_remove(List &l, void *item) { l.dtor(item); }
void wake_owner(void *item) { write(3, item, 8); }
void free_item(void *item) { (void)item; }
void trace(const char *line) {
  fwrite(line, 1, 8, stderr);
  fflush(stderr);
}
)"},
                            {"src/pool.cpp", R"(#include <mutex>
#include "list.h"
void wake_owner(void *item);
void free_item(void *item);
std::mutex pool_mu;
void setup(List &jobs, List &done) {
  jobs.dtor = wake_owner;
  done.dtor = free_item;
}
void reap(List &done, void *item) {
  std::lock_guard<std::mutex> guard(pool_mu);
  list_remove(done, item);
  trace("reaped\n");
}
)"}}));
  auto Found = findingsWithNotes(Dir, BUL);
  EXPECT_FALSE(Found.count("src/pool.cpp:12")); // dtor: two targets
  EXPECT_FALSE(Found.count("src/pool.cpp:13")); // a FILE* written, flushed
  EXPECT_EQ(Found.size(), 0u);
}

TEST(ThroughCalls, QueryReturnedByAHelperOfAnotherFile) {
  Workspace Dir(cxxProject({{"src/queries.h", R"(#include <string>
std::string build_query(const std::string &name);
std::string constant_query();
std::string page_query(int page);
)"},
                            {"src/queries.cpp", R"(#include <cstdio>
#include "queries.h"
std::string build_query(const std::string &name) {
  return "SELECT id FROM users WHERE name = '" + name + "'";
}
std::string constant_query() { return "SELECT id, name FROM users"; }
std::string page_query(int page) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "SELECT id FROM users LIMIT 20 OFFSET %d", page * 20);
  return buf;
}
)"},
                            {"src/users.cpp", R"(#include <mysql.h>
#include "queries.h"
int find_user(MYSQL *conn, const std::string &name) {
  return mysql_query(conn, build_query(name).c_str());
}
int list_users(MYSQL *conn, int page) {
  mysql_query(conn, constant_query().c_str());
  std::string q = page_query(page);
  return mysql_query(conn, q.c_str());
}
)"}}));
  auto Found = findingsWithNotes(Dir, SQL);
  ASSERT_TRUE(Found.count("src/users.cpp:4")) << Found.size();
  EXPECT_EQ(Found["src/users.cpp:4"],
            std::vector<std::string>{"src/queries.cpp:4 'name' is joined "
                                     "into the query in 'build_query' here"});
  EXPECT_FALSE(Found.count("src/users.cpp:7")); // a constant query
  EXPECT_FALSE(Found.count("src/users.cpp:9")); // a number, formatted
  EXPECT_EQ(Found.size(), 1u);
}

TEST(ThroughCalls, QueryBuiltIntoAMemberAndExecutedInAnotherFile) {
  Workspace Dir(cxxProject({{"src/store.h", R"(#include <mysql.h>
#include <sstream>
#include <string>
class UserStore {
public:
  void prepare_insert(const std::string &name);
  int flush();
  void prepare_lookup();
  int lookup();
private:
  MYSQL *m_conn = nullptr;
  std::ostringstream m_sql;
  std::string m_lookup;
};
)"},
                            {"src/build.cpp", R"cpp(#include "store.h"
void UserStore::prepare_insert(const std::string &name) {
  m_sql << "INSERT INTO users(name) VALUES('" << name << "')";
}
void UserStore::prepare_lookup() {
  m_lookup = "SELECT id FROM users WHERE name = ?";
}
)cpp"},
                            {"src/run.cpp", R"(#include "store.h"
int UserStore::flush() {
  return mysql_query(m_conn, m_sql.str().c_str());
}
int UserStore::lookup() {
  MYSQL_STMT *stmt = mysql_stmt_init(m_conn);
  return mysql_stmt_prepare(stmt, m_lookup.c_str(), m_lookup.size());
}
)"}}));
  auto Found = findingsWithNotes(Dir, SQL);
  ASSERT_TRUE(Found.count("src/run.cpp:3")) << Found.size();
  EXPECT_EQ(Found["src/run.cpp:3"],
            std::vector<std::string>{
                "src/build.cpp:3 'name' is joined into the query in "
                "'UserStore::prepare_insert' here"});
  EXPECT_FALSE(Found.count("src/run.cpp:7")); // placeholders
  EXPECT_EQ(Found.size(), 1u);
}

} // namespace
} // namespace loadcheck::testing
