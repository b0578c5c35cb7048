#include "tool/front/Profile.h"
#include "checks/CheckRegistry.h"

#include <fmt/core.h>

namespace loadcheck {

const char *const HighTrafficChecks =
    "-*,loadcheck-*,"
    "performance-inefficient-vector-operation,"
    "performance-inefficient-string-concatenation,"
    "performance-unnecessary-copy-initialization,"
    "performance-unnecessary-value-param,"
    "performance-avoid-endl,"
    "bugprone-unused-return-value,"
    "bugprone-empty-catch,"
    "bugprone-spuriously-wake-up-functions,"
    "concurrency-mt-unsafe,"
    "bugprone-signal-handler,"
    "-clang-analyzer-unix.BlockInCriticalSection";

llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>>
highTrafficCheckOptions() {
  static const std::pair<llvm::StringRef, llvm::StringRef> Options[] = {
      // By-value std::stop_token is the idiom (it is a shared handle).
      {"performance-unnecessary-value-param.AllowedTypes",
       "std::stop_token;std::stop_source"},
      {"bugprone-unused-return-value.CheckedReturnTypes",
       "::std::error_code;::std::error_condition;::std::errc;"
       "::std::expected;::grpc::Status;::absl::Status;::absl::StatusOr;"
       "::CURLcode;::CURLMcode"},
  };
  return Options;
}

llvm::ArrayRef<llvm::StringRef> checklistSections() {
  static const llvm::StringRef Sections[] = {"Concurrency",   "Memory",
                                             "Connections",   "Resilience",
                                             "Observability", "Security"};
  return Sections;
}

namespace {
struct Upstream {
  llvm::StringRef Name, Section, Summary;
};
// The upstream checks of the profile; other upstream checks a user enables
// fall back to their module's section below.
const Upstream UpstreamChecks[] = {
    {"performance-inefficient-vector-operation", "Memory",
     "Flags push_back/emplace_back in a loop into a vector that could be "
     "reserved first."},
    {"performance-inefficient-string-concatenation", "Memory",
     "Flags string concatenation with operator+ in a loop, which allocates a "
     "temporary per iteration."},
    {"performance-unnecessary-copy-initialization", "Memory",
     "Flags local copies of objects that are never modified and could be "
     "const references."},
    {"performance-unnecessary-value-param", "Memory",
     "Flags expensive parameters passed by value that are only read."},
    {"performance-avoid-endl", "Memory",
     "Flags std::endl, which flushes the stream on every line."},
    {"bugprone-unused-return-value", "Resilience",
     "Flags discarded results of functions and types that report errors "
     "(std::error_code, std::expected, grpc::Status, absl::Status, "
     "CURLcode)."},
    {"bugprone-empty-catch", "Observability",
     "Flags catch blocks that swallow exceptions silently."},
    {"bugprone-spuriously-wake-up-functions", "Concurrency",
     "Flags condition-variable waits without a predicate or loop, which "
     "break on spurious wake-ups."},
    {"concurrency-mt-unsafe", "Concurrency",
     "Flags calls to functions that are not thread-safe (strtok, localtime, "
     "getenv...)."},
    {"bugprone-signal-handler", "Resilience",
     "Flags signal handlers that call functions that are not "
     "async-signal-safe."},
};
} // namespace

std::string sectionOf(llvm::StringRef Check) {
  if (const CheckInfo *Info = findCheck(Check))
    return Info->Section.str();
  for (const Upstream &U : UpstreamChecks)
    if (U.Name == Check)
      return U.Section.str();
  if (Check.starts_with("clang-diagnostic-"))
    return "Compiler";
  if (Check.starts_with("performance-"))
    return "Memory";
  if (Check.starts_with("concurrency-"))
    return "Concurrency";
  if (Check.starts_with("bugprone-"))
    return "Resilience";
  return "Other";
}

std::string summaryOf(llvm::StringRef Check) {
  if (const CheckInfo *Info = findCheck(Check))
    return Info->Summary.str();
  for (const Upstream &U : UpstreamChecks)
    if (U.Name == Check)
      return U.Summary.str();
  return "";
}

std::string helpUri(llvm::StringRef Check) {
  if (Check.starts_with("loadcheck-"))
    return fmt::format("{}/{}.md", LOADCHECK_DOCS_URL, Check.str());
  if (Check.starts_with("clang-diagnostic-"))
    return "https://clang.llvm.org/docs/DiagnosticsReference.html";
  auto [Module, Name] = Check.split('-');
  return fmt::format(
      "https://releases.llvm.org/19.1.0/tools/clang/tools/extra/docs/"
      "clang-tidy/checks/{}/{}.html",
      Module.str(), Name.str());
}

} // namespace loadcheck
