#include "tool/run/WorkerFailure.h"

#include <csignal>
#include <cstring>
#include <fmt/core.h>
#include <sys/wait.h>

namespace loadcheck {

namespace {

/// The text between \p Prefix and \p Terminator on the last line that holds
/// \p Prefix, or "".
std::string lastQuoted(llvm::StringRef Text, llvm::StringRef Prefix,
                       llvm::StringRef Terminator) {
  size_t At = Text.rfind(Prefix);
  if (At == llvm::StringRef::npos)
    return "";
  llvm::StringRef Rest = Text.drop_front(At + Prefix.size());
  Rest = Rest.take_until([](char C) { return C == '\n'; });
  size_t End = Rest.rfind(Terminator);
  return (End == llvm::StringRef::npos ? Rest : Rest.take_front(End))
      .trim()
      .str();
}

/// The reason the process gave before dying, when it gave one.
std::string statedReason(llvm::StringRef Stderr) {
  std::string Type = lastQuoted(
      Stderr, "terminate called after throwing an instance of '", "'");
  if (!Type.empty()) {
    std::string What = lastQuoted(Stderr, "what():", "\n");
    return What.empty()
               ? fmt::format("uncaught exception '{}'", Type)
               : fmt::format("uncaught exception '{}': {}", Type, What);
  }
  if (Stderr.contains("terminate called without an active exception"))
    return "std::terminate called";
  std::string Assertion = lastQuoted(Stderr, "Assertion `", "' failed.");
  if (!Assertion.empty())
    return fmt::format("assertion failed: {}", Assertion);
  std::string Fatal = lastQuoted(Stderr, "LLVM ERROR:", "\n");
  if (!Fatal.empty())
    return fmt::format("fatal error: {}", Fatal);
  return "";
}

std::string signalText(int Signal) {
  const char *Name = strsignal(Signal);
  return fmt::format("signal {}: {}", Signal, Name ? Name : "unknown");
}

} // namespace

std::string runningCheck(llvm::StringRef Stderr) {
  // clang's MatchASTVisitor::TraceReporter, one entry of the stack dump.
  size_t Processing = Stderr.rfind("ASTMatcher: Processing '");
  size_t Matching = Stderr.rfind("ASTMatcher: Matching '");
  if (Processing == llvm::StringRef::npos && Matching == llvm::StringRef::npos)
    return "";
  size_t At = Processing == llvm::StringRef::npos ? Matching
              : Matching == llvm::StringRef::npos
                  ? Processing
                  : std::max(Processing, Matching);
  llvm::StringRef Rest = Stderr.drop_front(At);
  Rest = Rest.drop_front(Rest.find('\'') + 1);
  return Rest.take_until([](char C) { return C == '\'' || C == '\n'; }).str();
}

std::string describeWorkerFailure(llvm::StringRef File, const WorkerEnd &End,
                                  llvm::StringRef Stderr) {
  std::string Check = runningCheck(Stderr);
  std::string InCheck =
      Check.empty() ? "" : fmt::format(" in check '{}'", Check);
  if (End.TimedOut)
    return fmt::format("analysis of '{}' timed out after {} s{}", File.str(),
                       End.TimeoutSeconds, InCheck);
  int Status = End.Status;
  if (WIFSIGNALED(Status) && WTERMSIG(Status) == SIGKILL)
    // Nothing in the process can react to SIGKILL, so it says nothing; the
    // usual sender is the kernel's out-of-memory killer.
    return fmt::format("analysis of '{}' was killed ({}); most likely the "
                       "system ran out of memory",
                       File.str(), signalText(SIGKILL));
  std::string Reason = statedReason(Stderr);
  if (WIFSIGNALED(Status)) {
    std::string Detail = signalText(WTERMSIG(Status));
    if (!Reason.empty())
      Detail = Reason + ", " + Detail;
    return fmt::format("analysis of '{}' crashed ({}){}", File.str(), Detail,
                       InCheck);
  }
  std::string Detail = fmt::format(
      "worker exit code {}", WIFEXITED(Status) ? WEXITSTATUS(Status) : Status);
  if (!Reason.empty())
    Detail = Reason + ", " + Detail;
  return fmt::format("analysis of '{}' failed ({}){}", File.str(), Detail,
                     InCheck);
}

} // namespace loadcheck
