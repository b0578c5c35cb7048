//===--- LoggingPathTests.cpp - prints reached from handlers and threads --===//
//
// Small multi-file projects run through the driver: unstructured-logging
// reports a print in a helper of one file when a request handler or a thread
// entry of another file calls it, directly or through other functions, with
// notes from the handler or the thread's start down to the helper.
// Lookalikes: a helper called only from main, or in a loop of main (a
// command-line tool's output), the program's own logger (a variadic
// function, or one taking a va_list) called from a handler and what only it
// calls, and a logging sink (the callback installed with set_logger) and
// what it calls. A thread pool template's calls are those of the file that
// instantiates it, whichever file is linked first.
//
//===----------------------------------------------------------------------===//
#include "tests/cli/ProjectRuns.h"

#include <gtest/gtest.h>
#include <map>

namespace loadcheck::testing {
namespace {

/// C++ sources under src/, C++17, with -I src.
FileMap cppProject(FileMap Sources) {
  return withCompileDatabase(std::move(Sources), ".cpp",
                             "-std=c++17 -I@DIR@/src");
}

/// The findings of unstructured-logging over \p Dir, as "file:line" mapped
/// to their message and notes ("file:line message").
struct Report {
  std::map<std::string, std::string> Messages;
  std::map<std::string, std::vector<std::string>> Notes;
};

Report run(const Workspace &Dir) {
  runChecks(Dir, "loadcheck-unstructured-logging");
  Report Out;
  for (const ReportedFinding &F : reportedFindingsOf(Dir)) {
    Out.Messages[F.Place] = F.Message;
    Out.Notes[F.Place] = F.Notes;
  }
  return Out;
}

const char *DumpHeader =
    "#include <string>\n"
    "void dump_request(const std::string &path);\n"
    "void trace_body(const std::string &body);\n"
    "void log_msg(const char *fmt, ...);\n"
    "void write_access(const std::string &path, int st);\n";

const char *DumpSource = R"(#include <cstdarg>
#include <cstdio>
#include <iostream>
#include "dump.h"
void trace_body(const std::string &body) {
  std::cout << "body " << body << '\n';
}
void dump_request(const std::string &path) {
  std::fprintf(stderr, "request %s\n", path.c_str());
  trace_body(path);
}
static void emit_line(const char *line) { std::fputs(line, stderr); }
void log_msg(const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  emit_line(line);
}
void write_access(const std::string &path, int st) {
  std::printf("%s %d\n", path.c_str(), st);
}
)";

TEST(LoggingPathThroughCalls, HelperOfAnotherFileCalledByAHandler) {
  Workspace Dir(cppProject({{"src/dump.h", DumpHeader},
                            {"src/dump.cpp", DumpSource},
                            {"src/server.cpp", R"(#include <httplib.h>
#include "dump.h"
void handle_users(const httplib::Request &req, httplib::Response &res) {
  dump_request(req.path);
  res.status = 200;
}
int main() {
  httplib::Server svr;
  svr.Get("/users", handle_users);
  svr.listen("0.0.0.0", 8080);
}
)"}}));
  Report R = run(Dir);
  EXPECT_EQ(R.Messages["src/dump.cpp:9"],
            "'fprintf' in 'dump_request', called by handlers or threads, "
            "interleaves lines; use a structured logger");
  EXPECT_EQ(R.Notes["src/dump.cpp:9"],
            (std::vector<std::string>{
                "src/server.cpp:4 'dump_request' is called per request here, "
                "in handler 'handle_users'"}));
  // Two calls down: the notes give both.
  EXPECT_EQ(R.Messages["src/dump.cpp:6"],
            "'std::cout' in 'trace_body', called by handlers or threads, "
            "interleaves lines; use a structured logger");
  EXPECT_EQ(R.Notes["src/dump.cpp:6"],
            (std::vector<std::string>{
                "src/server.cpp:4 'dump_request' is called per request here, "
                "in handler 'handle_users'",
                "src/dump.cpp:10 'trace_body' is called from 'dump_request' "
                "here"}));
  // Nothing else: the logger and the access writer have no caller.
  EXPECT_EQ(R.Messages.size(), 2u);
}

TEST(LoggingPathThroughCalls, TheProgramsLoggerAndTheLoggingSinkAreSilent) {
  Workspace Dir(cppProject({{"src/dump.h", DumpHeader},
                            {"src/dump.cpp", DumpSource},
                            {"src/server.cpp", R"(#include <httplib.h>
#include "dump.h"
void handle_orders(const httplib::Request &req, httplib::Response &res) {
  log_msg("order %s", req.path.c_str());
  res.status = 201;
}
int main() {
  httplib::Server svr;
  svr.Post("/orders", handle_orders);
  svr.set_logger([](const httplib::Request &req, const httplib::Response &res) {
    write_access(req.path, res.status);
  });
  svr.listen("0.0.0.0", 8080);
}
)"}}));
  // log_msg formats for its callers: its own print (through emit_line) is
  // the log; write_access is called only by the access-log sink.
  EXPECT_TRUE(run(Dir).Messages.empty());
}

const char *ReportHeader = "void report_progress(int done);\n"
                           "void print_row(int i);\n"
                           "void print_summary(void);\n"
                           "void *worker(void *arg);\n";

const char *ReportSource = R"(#include <stdio.h>
#include "report.h"
void report_progress(int done) {
  printf("done %d\n", done);
}
void print_row(int i) {
  printf("row %d\n", i);
}
void print_summary(void) {
  fprintf(stdout, "summary\n");
}
)";

TEST(LoggingPathThroughCalls, HelperCalledByAThreadStartedInAnotherFile) {
  Workspace Dir(cProject({{"src/report.h", ReportHeader},
                          {"src/report.c", ReportSource},
                          {"src/worker.c", R"(#include "report.h"
void *worker(void *arg) {
  for (int i = 0; i < 100; i++)
    report_progress(i);
  return arg;
}
)"},
                          {"src/main.c", R"(#include <pthread.h>
#include "report.h"
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  return 0;
}
)"}}));
  Report R = run(Dir);
  EXPECT_EQ(R.Messages["src/report.c:4"],
            "'printf' in 'report_progress', called by handlers or threads, "
            "interleaves lines; use a structured logger");
  EXPECT_EQ(R.Notes["src/report.c:4"],
            (std::vector<std::string>{
                "src/main.c:5 'worker' runs on the thread started here",
                "src/worker.c:4 'report_progress' is called from 'worker' "
                "here"}));
  EXPECT_EQ(R.Messages.size(), 1u);
}

TEST(LoggingPathThroughCalls, HelpersOfMainAndOfItsLoopsAreSilent) {
  Workspace Dir(cProject({{"src/report.h", ReportHeader},
                          {"src/report.c", ReportSource},
                          {"src/main.c", R"(#include "report.h"
int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++)
    print_row(i);
  print_summary();
  return 0;
}
)"}}));
  // A command-line tool's output: main's straight-line code and its loops
  // are no request's.
  EXPECT_TRUE(run(Dir).Messages.empty());
}

TEST(LoggingPathThroughCalls, ThreadPoolTemplateInstantiatedInALaterFile) {
  // main.cpp, linked first, includes the pool without instantiating it: its
  // run() has no call of process() there; pool.cpp's instantiation has.
  Workspace Dir(cppProject(
      {{"src/pool.h", R"(#include <pthread.h>
#include <list>
template <typename T> class threadpool {
public:
  explicit threadpool(int n);
  void append(T *request) { queue_.push_back(request); }
private:
  static void *worker(void *arg);
  void run();
  std::list<T *> queue_;
};
template <typename T> threadpool<T>::threadpool(int n) {
  for (int i = 0; i < n; ++i) {
    pthread_t t;
    pthread_create(&t, nullptr, worker, this);
  }
}
template <typename T> void *threadpool<T>::worker(void *arg) {
  static_cast<threadpool *>(arg)->run();
  return arg;
}
template <typename T> void threadpool<T>::run() {
  while (true) {
    T *request = queue_.front();
    queue_.pop_front();
    request->process();
  }
}
)"},
       {"src/conn.h", "struct conn {\n  void process();\n  void close_conn();\n"
                      "  int fd = -1;\n};\nvoid start_pool();\n"},
       {"src/a_main.cpp", R"(#include "pool.h"
#include "conn.h"
int main() { start_pool(); }
)"},
       {"src/b_pool.cpp", R"(#include "pool.h"
#include "conn.h"
void start_pool() { new threadpool<conn>(4); }
)"},
       {"src/c_conn.cpp", R"(#include <cstdio>
#include "conn.h"
void conn::close_conn() { std::printf("close %d\n", fd); }
void conn::process() {
  if (fd < 0)
    close_conn();
}
)"}}));
  Report R = run(Dir);
  EXPECT_EQ(R.Messages["src/c_conn.cpp:3"],
            "'printf' in 'conn::close_conn', called by handlers or threads, "
            "interleaves lines; use a structured logger");
  EXPECT_EQ(R.Notes["src/c_conn.cpp:3"],
            (std::vector<std::string>{
                "src/pool.h:15 'threadpool<conn>::worker' runs on the thread "
                "started here",
                "src/pool.h:19 'threadpool<conn>::run' is called from "
                "'threadpool<conn>::worker' here",
                "src/pool.h:26 'conn::process' is called from "
                "'threadpool<conn>::run' here",
                "src/c_conn.cpp:6 'conn::close_conn' is called from "
                "'conn::process' here"}));
}

} // namespace
} // namespace loadcheck::testing
