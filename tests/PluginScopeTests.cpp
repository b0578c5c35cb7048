//===--- PluginScopeTests.cpp - the plugin walks only the user's code -----===//
//
// Inside clang-tidy every loadcheck check restricts the traversal to the
// top-level declarations outside system headers (checks/model/
// TraversalScope.h). That restriction also applies to the other modules'
// checks of the same run, so these cases pin that it changes no finding:
// the upstream check reports exactly what it reports without the plugin, in
// the main file and in a user header, and with --system-headers (where
// findings inside system headers are wanted) in the system header too.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/ADT/StringRef.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

// The same code in a library header (-isystem), a user header (-I) and the
// main file: a finding of an upstream check and of a loadcheck check each.
const char *Code = R"(#include <thread>
inline void fireAndForget@N@() {
  std::thread T([] {});
  T.detach();
}
inline int *nothing@N@() { return 0; }
)";

std::string code(llvm::StringRef Suffix) {
  std::string Text = Code;
  for (size_t At; (At = Text.find("@N@")) != std::string::npos;)
    Text.replace(At, 3, Suffix.str());
  return Text;
}

/// The warning lines of \p Output that name \p Check.
std::vector<std::string> warningsOf(const std::string &Output,
                                    llvm::StringRef Check) {
  std::vector<std::string> Lines;
  llvm::SmallVector<llvm::StringRef> All;
  llvm::StringRef(Output).split(All, '\n');
  for (llvm::StringRef L : All)
    if (L.contains(": warning: ") && L.ends_with("[" + Check.str() + "]"))
      Lines.push_back(L.str());
  return Lines;
}

bool anyIn(const std::vector<std::string> &Lines, llvm::StringRef File) {
  return llvm::any_of(Lines, [&](const std::string &L) {
    return llvm::StringRef(L).contains(File);
  });
}

class PluginScope : public ::testing::TestWithParam<bool> {};

TEST_P(PluginScope, UpstreamFindingsAreThoseWithoutThePlugin) {
  const bool SystemHeaders = GetParam();
  Workspace Dir({{"sys/library.h", code("InLibrary")},
                 {"lib/user.h", code("InUserHeader")},
                 {"main.cpp", "#include <library.h>\n#include \"user.h\"\n" +
                                  code("InMain")}});
  auto Args = [&](const std::string &Checks, bool Load) {
    std::vector<std::string> A;
    if (Load)
      A.push_back(std::string("-load=") + LOADCHECK_PLUGIN_PATH);
    A.insert(A.end(), {"--checks=" + Checks, "--header-filter=.*", "--quiet"});
    if (SystemHeaders)
      A.push_back("--system-headers");
    A.insert(A.end(), {Dir.path("main.cpp"), "--", "-std=c++17",
                       "-isystem" + Dir.path("sys"), "-I" + Dir.path("lib")});
    return A;
  };
  const std::string Upstream = "modernize-use-nullptr";
  ProcessResult Alone =
      runProcess(LOADCHECK_CLANG_TIDY, Args("-*," + Upstream, false));
  ProcessResult WithPlugin =
      runProcess(LOADCHECK_CLANG_TIDY,
                 Args("-*," + Upstream + ",loadcheck-detached-thread", true));
  ASSERT_EQ(Alone.ExitCode, 0) << Alone.Err;
  ASSERT_EQ(WithPlugin.ExitCode, 0) << WithPlugin.Err;

  std::vector<std::string> Expected = warningsOf(Alone.Out, Upstream);
  EXPECT_TRUE(anyIn(Expected, "main.cpp:8:")) << Alone.Out;
  EXPECT_TRUE(anyIn(Expected, "user.h:6:")) << Alone.Out;
  // With --system-headers, also the library's and the standard library's.
  EXPECT_EQ(anyIn(Expected, "library.h:6:"), SystemHeaders) << Alone.Out;
  EXPECT_EQ(warningsOf(WithPlugin.Out, Upstream), Expected) << WithPlugin.Out;

  // The loadcheck check itself: the user's code, never the library.
  std::vector<std::string> Detached =
      warningsOf(WithPlugin.Out, "loadcheck-detached-thread");
  EXPECT_TRUE(anyIn(Detached, "main.cpp:6:")) << WithPlugin.Out;
  EXPECT_TRUE(anyIn(Detached, "user.h:4:")) << WithPlugin.Out;
  EXPECT_FALSE(anyIn(Detached, "library.h")) << WithPlugin.Out;
}

INSTANTIATE_TEST_SUITE_P(Cases, PluginScope, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &Info) {
                           return Info.param ? "WithSystemHeaders"
                                             : "UserCodeOnly";
                         });

} // namespace
} // namespace loadcheck::testing
