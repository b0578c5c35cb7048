//===--- ZeroWaitTest.cpp - blocking calls that return at once ------------===//
//
// Small snippets parsed on their own: zero timeouts handed down through
// helpers, and reads of a descriptor a zero-timeout probe found ready, in
// the facts (CallFact::AtOnce, no blocking site) and in the TU's may-block
// fixpoint; their lookalikes (a non-zero or caller-given timeout, a fixed
// timeout, another descriptor, no probe, a probe after the read). And the
// facts' JSON round trip and the fixpoint on hand-built facts.
//
//===----------------------------------------------------------------------===//
#include "checks/model/FactExtractor.h"
#include "checks/model/ProgramGraph.h"
#include "tests/unit/HandBuiltFacts.h"

#include "clang/AST/ASTContext.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include <gtest/gtest.h>

using namespace clang;

namespace loadcheck::model {
namespace {

/// cpp-httplib's shape: a readiness probe whose timeout is computed from
/// its caller's seconds and microseconds two helpers down, and a read
/// retried on EINTR through a lambda.
constexpr llvm::StringRef Helpers = R"(
  template <typename T> long handle_EINTR(T fn) {
    long res = 0;
    while (true) {
      res = fn();
      if (res < 0 && errno == EINTR) {
        std::this_thread::sleep_for(std::chrono::microseconds{1});
        continue;
      }
      break;
    }
    return res;
  }
  long read_socket(int sock, void *ptr, size_t size, int flags) {
    return handle_EINTR([&]() { return recv(sock, ptr, size, flags); });
  }
  int poll_wrapper(struct pollfd *fds, nfds_t nfds, int timeout) {
    return ::poll(fds, nfds, timeout);
  }
  long select_impl(int sock, short events, long sec, long usec) {
    struct pollfd pfd;
    pfd.fd = sock;
    pfd.events = events;
    pfd.revents = 0;
    auto timeout = static_cast<int>(sec * 1000 + usec / 1000);
    return handle_EINTR([&]() { return poll_wrapper(&pfd, 1, timeout); });
  }
  long select_read(int sock, long sec, long usec) {
    return select_impl(sock, POLLIN, sec, usec);
  }
)";

std::unique_ptr<ASTUnit> parse(llvm::StringRef Code) {
  std::string Full = "#include <cerrno>\n#include <chrono>\n#include <thread>\n"
                     "#include <poll.h>\n#include <sys/select.h>\n"
                     "#include <sys/socket.h>\n#include <unistd.h>\n" +
                     Helpers.str() + Code.str();
  auto AST = tooling::buildASTFromCodeWithArgs(
      Full,
      {"-std=c++17", "-Wno-unused",
       "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR},
      "input.cpp");
  EXPECT_TRUE(AST);
  EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  return AST;
}

struct Facts {
  std::unique_ptr<ASTUnit> AST;
  ProgramFactsIndex *Index;
  explicit Facts(llvm::StringRef Code)
      : AST(parse(Code)), Index(&ProgramFactsIndex::of(AST->getASTContext())) {}

  const FunctionFacts *fn(llvm::StringRef Name) {
    for (const FunctionFacts &F : Index->facts().Functions)
      if (F.Name == Name)
        return &F;
    ADD_FAILURE() << "no facts for " << Name.str();
    return nullptr;
  }
  /// "callee" or "callee:at-once" for each call of \p Name, in order.
  std::vector<std::string> calls(llvm::StringRef Name) {
    std::vector<std::string> Out;
    if (const FunctionFacts *F = fn(Name))
      for (const CallFact &C : F->Calls)
        Out.push_back(C.CalleeName + (C.AtOnce ? ":at-once" : ""));
    return Out;
  }
  std::vector<std::string> blocking(llvm::StringRef Name) {
    std::vector<std::string> Out;
    if (const FunctionFacts *F = fn(Name))
      for (const SiteFact &S : F->Blocking)
        Out.push_back(S.What);
    return Out;
  }
  /// Whether the TU's may-block fixpoint finds a way down from \p Name.
  bool mayBlock(llvm::StringRef Name) {
    const FunctionFacts *F = fn(Name);
    return F && !Index->tuGraph().blockingPath(F->Id).empty();
  }
};

using Names = std::vector<std::string>;

TEST(ZeroWaitTest, ZeroTimeoutsThroughTwoHelperLevelsReturnAtOnce) {
  Facts TU(R"(
    bool readable_now(int sock) { return select_read(sock, 0, 0) > 0; }
    bool writable_now(int sock) {
      const long none = 0;
      return select_impl(sock, POLLOUT, none, 0L) > 0;
    }
  )");
  EXPECT_EQ(TU.calls("readable_now"), Names{"select_read:at-once"});
  EXPECT_EQ(TU.calls("writable_now"), Names{"select_impl:at-once"});
  EXPECT_FALSE(TU.mayBlock("readable_now"));
  EXPECT_FALSE(TU.mayBlock("writable_now"));
  // The helpers themselves still may block: their callers choose.
  EXPECT_TRUE(TU.mayBlock("select_read"));
}

TEST(ZeroWaitTest, NonZeroOrCallerGivenTimeoutsMayWait) {
  Facts TU(R"(
    bool readable_soon(int sock) { return select_read(sock, 1, 0) > 0; }
    bool readable_within(int sock, long ms) {
      return select_read(sock, 0, ms * 1000) > 0;
    }
    bool changed_timeout(int sock) {
      long sec = 0;
      sec = 5;
      return select_read(sock, sec, 0) > 0;
    }
  )");
  EXPECT_EQ(TU.calls("readable_soon"), Names{"select_read"});
  EXPECT_EQ(TU.calls("readable_within"), Names{"select_read"});
  EXPECT_EQ(TU.calls("changed_timeout"), Names{"select_read"});
  EXPECT_TRUE(TU.mayBlock("readable_soon"));
  EXPECT_TRUE(TU.mayBlock("readable_within"));
  EXPECT_TRUE(TU.mayBlock("changed_timeout"));
}

TEST(ZeroWaitTest, FixedTimeoutsOtherBlockingCallsAndRecursionMayWait) {
  Facts TU(R"(
    int poll_fixed(int sock, int unused) {
      struct pollfd p = {sock, POLLIN, 0};
      return poll(&p, 1, 5000 + unused);
    }
    int probe_then_pause(int sock, int ms) {
      struct pollfd p = {sock, POLLIN, 0};
      int n = poll(&p, 1, ms);
      usleep(5000);
      return n;
    }
    int retry_probe(int sock, int ms) {
      struct pollfd p = {sock, POLLIN, 0};
      return poll(&p, 1, ms) < 0 ? retry_probe(sock, ms) : 1;
    }
    void caller(int sock) {
      poll_fixed(sock, 0);
      probe_then_pause(sock, 0);
      retry_probe(sock, 0);
    }
  )");
  EXPECT_EQ(TU.calls("caller"),
            (Names{"poll_fixed", "probe_then_pause", "retry_probe"}));
  EXPECT_TRUE(TU.mayBlock("caller"));
}

TEST(ZeroWaitTest, HelpersNotKnownHereAreNotAtOnce) {
  Facts TU(R"(
    long remote_probe(int sock, int ms); // defined in another file
    struct Prober {
      virtual int probe(int sock, int ms) {
        struct pollfd p = {sock, POLLIN, 0};
        return poll(&p, 1, ms);
      }
    };
    int (*probe_fn)(int, int);
    int through_pointer(int sock, int ms) {
      select_read(sock, 0, 0);
      return probe_fn(sock, ms);
    }
    void caller(int sock, Prober &p) {
      remote_probe(sock, 0);
      p.probe(sock, 0);
      through_pointer(sock, 0);
    }
  )");
  std::vector<std::string> Calls = TU.calls("caller");
  EXPECT_EQ(Calls.size(), 3u);
  for (const std::string &Call : Calls)
    EXPECT_EQ(Call.find(":at-once"), std::string::npos) << Call;
}

TEST(ZeroWaitTest, ReadOfTheDescriptorAProbeFoundReadyDoesNotWait) {
  Facts TU(R"(
    bool is_socket_alive(int sock) {
      const auto val = select_read(sock, 0, 0);
      if (val == 0)
        return true;
      else if (val < 0 && errno == EBADF)
        return false;
      char buf[1];
      return read_socket(sock, &buf[0], sizeof(buf), MSG_PEEK) > 0;
    }
    long peek_direct(int fd) {
      struct pollfd p;
      p.fd = fd;
      p.events = POLLIN;
      if (poll(&p, 1, 0) <= 0)
        return 0;
      char c;
      return recv(fd, &c, 1, MSG_PEEK);
    }
    long drain_selected(int fd) {
      fd_set readable;
      FD_ZERO(&readable);
      FD_SET(fd, &readable);
      struct timeval tv = {0, 0};
      if (select(fd + 1, &readable, nullptr, nullptr, &tv) <= 0)
        return 0;
      char buf[64];
      return read(fd, buf, sizeof buf);
    }
  )");
  EXPECT_EQ(TU.calls("is_socket_alive"),
            (Names{"select_read:at-once", "read_socket:at-once"}));
  EXPECT_FALSE(TU.mayBlock("is_socket_alive"));
  EXPECT_EQ(TU.blocking("peek_direct"), Names{});
  EXPECT_EQ(TU.blocking("drain_selected"), Names{});
  // read_socket on its own still reads a descriptor nobody probed.
  EXPECT_TRUE(TU.mayBlock("read_socket"));
}

TEST(ZeroWaitTest, ReadOfAnotherDescriptorWithoutOrBeforeAProbeMayWait) {
  Facts TU(R"(
    long other_fd(int sock, int peer) {
      if (select_read(sock, 0, 0) <= 0)
        return 0;
      char c;
      read_socket(peer, &c, 1, 0);
      return recv(peer, &c, 1, 0);
    }
    long no_probe(int sock) {
      char c;
      read_socket(sock, &c, 1, 0);
      return recv(sock, &c, 1, 0);
    }
    long probe_after(int sock) {
      char c;
      long n = recv(sock, &c, 1, 0);
      select_read(sock, 0, 0);
      return n;
    }
    long slow_probe(int sock) {
      if (select_read(sock, 2, 0) <= 0)
        return 0;
      char c;
      return recv(sock, &c, 1, 0);
    }
  )");
  EXPECT_EQ(TU.calls("other_fd"),
            (Names{"select_read:at-once", "read_socket"}));
  EXPECT_EQ(TU.blocking("other_fd"), Names{"recv"});
  EXPECT_EQ(TU.calls("no_probe"), Names{"read_socket"});
  EXPECT_EQ(TU.blocking("no_probe"), Names{"recv"});
  EXPECT_EQ(TU.blocking("probe_after"), Names{"recv"});
  EXPECT_EQ(TU.blocking("slow_probe"), Names{"recv"});
  EXPECT_TRUE(TU.mayBlock("other_fd"));
  EXPECT_TRUE(TU.mayBlock("no_probe"));
  EXPECT_TRUE(TU.mayBlock("slow_probe"));
}

TEST(ZeroWaitTest, AtOnceSurvivesTheJsonRoundTripAndStopsTheFixpoint) {
  handbuilt::TU Net("net.cpp");
  Net.blocks(Net.fn("select_read"), "poll");
  Net.fn("is_socket_alive");
  Net.call("is_socket_alive", "select_read");
  Net.get("is_socket_alive").Calls.back().AtOnce = true;
  Net.fn("wait_readable");
  Net.call("wait_readable", "select_read");

  std::string Error;
  std::optional<TUFacts> Back = fromJSON(toJSON(Net.Facts), Error);
  ASSERT_TRUE(Back) << Error;
  EXPECT_TRUE(Back->Functions[1].Calls[0].AtOnce);
  EXPECT_FALSE(Back->Functions[2].Calls[0].AtOnce);

  ProgramGraph G;
  G.add(*Back);
  G.link();
  EXPECT_TRUE(G.blockingPath("c:@F@is_socket_alive").empty());
  EXPECT_EQ(G.blockingPath("c:@F@wait_readable").size(), 2u);
}

} // namespace
} // namespace loadcheck::model
