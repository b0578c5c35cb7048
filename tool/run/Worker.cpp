#include "tool/run/Worker.h"
#include "checks/model/ProgramLink.h"
#include "tool/Paths.h"
#include "tool/front/Database.h"
#include "tool/run/Cache.h"
#include "tool/run/ResultCodec.h"
#include "tool/run/WorkerFailure.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/core.h>
#include <map>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace json = llvm::json;

namespace loadcheck {

namespace {

/// One running worker.
struct Child {
  size_t Index;
  std::string Output; ///< its result file
  std::string Log;    ///< its stderr
  int PidFd = -1;     ///< readable once it has ended; -1 if unavailable
  std::chrono::steady_clock::time_point Deadline;
  bool Stopping = false; ///< asked to stop at its deadline
};

using Clock = std::chrono::steady_clock;

/// After SIGQUIT at the deadline, the worker has this long to print its
/// stack dump (which names the check) before SIGKILL.
constexpr std::chrono::seconds StopGrace(2);

/// The last part of a worker's stderr: a crash report ends there.
std::string logTail(const std::string &Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return "";
  return (*Buffer)->getBuffer().take_back(64 * 1024).str();
}

/// A descriptor that polls readable when \p Pid ends (Linux >= 5.3), or -1.
int openPidFd(pid_t Pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, Pid, 0));
#else
  return -1;
#endif
}

/// Sleeps until a child ends or until the nearest deadline, whichever
/// comes first, without spinning.
void waitForAChild(const std::map<pid_t, Child> &Running, bool HasDeadlines) {
  std::vector<pollfd> Fds;
  bool AllPollable = true;
  Clock::time_point Next = Clock::time_point::max();
  for (const auto &[Pid, C] : Running) {
    if (C.PidFd < 0)
      AllPollable = false;
    else
      Fds.push_back({C.PidFd, POLLIN, 0});
    if (HasDeadlines)
      Next = std::min(Next, C.Stopping ? C.Deadline + StopGrace : C.Deadline);
  }
  int TimeoutMs = -1;
  if (HasDeadlines) {
    auto Left = std::chrono::duration_cast<std::chrono::milliseconds>(
        Next - Clock::now());
    TimeoutMs = static_cast<int>(std::max<long long>(0, Left.count()) + 1);
  }
  if (!AllPollable) // no pidfd: look again every 20 ms
    TimeoutMs = TimeoutMs < 0 ? 20 : std::min(TimeoutMs, 20);
  if (Fds.empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(TimeoutMs));
  else
    ::poll(Fds.data(), Fds.size(), TimeoutMs);
}

/// Worker-side hardening, before any analysis.
void prepareWorkerProcess() {
  // A crash must not leave a core file in the user's build directory
  // (clang-tidy runs in the compile command's directory).
  rlimit NoCore{0, 0};
  setrlimit(RLIMIT_CORE, &NoCore);
  // When the driver dies (CI job cancelled), its workers go too.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // LLVM's crash handler runs on an alternate stack (SA_ONSTACK) if there
  // is one; make sure there is, so that a stack overflow still prints the
  // stack dump that names the check.
  stack_t Current{};
  if (sigaltstack(nullptr, &Current) == 0 && !Current.ss_sp) {
    static constexpr size_t Size = 256 * 1024;
    stack_t Alt{};
    Alt.ss_sp = std::malloc(Size);
    Alt.ss_size = Size;
    if (Alt.ss_sp)
      sigaltstack(&Alt, nullptr);
  }
}

/// The hand-started worker's compile commands: the database loaded as the
/// driver loads it.
std::unique_ptr<clang::tooling::CompilationDatabase>
workerDatabase(const std::string &File, const DriverOptions &Opts,
               std::string &Error) {
  DriverOptions WorkerOpts = Opts;
  WorkerOpts.Inputs = {File};
  std::unique_ptr<InputSet> Inputs = loadInputs(WorkerOpts, Error);
  return Inputs ? std::move(Inputs->Database) : nullptr;
}

/// Analyses \p File (through the cache when there is one) for the link
/// stage, and writes the result to \p Output. Returns the exit code.
int analyseAndWrite(const std::string &File,
                    const clang::tooling::CompilationDatabase *Database,
                    const std::string &DatabaseError, const std::string &Output,
                    const DriverOptions &Opts) {
  // Findings that depend on the whole program are decided by the driver's
  // link stage, over the facts every worker returns.
  model::setProgramVerdictsDeferred(true);
  FileResult Result;
  Result.File = File;
  if (!Database)
    Result.Failure = DatabaseError;
  else
    Result = Opts.CacheDir.empty() ? analyzeFile(File, *Database, Opts)
                                   : analyzeFileCached(File, *Database, Opts);
  std::error_code EC;
  llvm::raw_fd_ostream OS(Output, EC);
  if (EC)
    return 1;
  OS << resultToJSON(std::move(Result));
  OS.close();
  return OS.has_error() ? 1 : 0;
}

/// The child's side of a fork: its stdout goes nowhere, its stderr to \p
/// LogFD, it analyses its file with the driver's options and database, and
/// leaves with _exit so that nothing of the driver's (buffered output,
/// static destructors, the LLVM libraries' teardown) runs twice.
[[noreturn]] void
runForkedWorker(const std::string &File,
                const clang::tooling::CompilationDatabase &Database, int LogFD,
                const std::string &Output, const DriverOptions &Opts,
                pid_t Driver) {
  int Null = ::open("/dev/null", O_WRONLY);
  if (Null < 0 || ::dup2(Null, 1) < 0 || ::dup2(LogFD, 2) < 0)
    ::_exit(1);
  ::close(Null);
  ::close(LogFD);
  ::setenv("LLVM_DISABLE_SYMBOLIZATION", "1", 1);
  prepareWorkerProcess();
  if (::getppid() != Driver) // the driver ended before PR_SET_PDEATHSIG
    ::_exit(1);
  ::_exit(analyseAndWrite(File, &Database, "", Output, Opts));
}

} // namespace

int runWorker(const std::string &File, const std::string &Output,
              const DriverOptions &Opts) {
  prepareWorkerProcess();
  std::string Error;
  std::unique_ptr<clang::tooling::CompilationDatabase> Database =
      workerDatabase(File, Opts, Error);
  return analyseAndWrite(File, Database.get(), Error, Output, Opts);
}

std::vector<FileResult>
runWorkers(const std::vector<std::string> &Files,
           const clang::tooling::CompilationDatabase &Database, unsigned Jobs,
           const DriverOptions &Opts,
           const std::function<void(size_t, const std::string &)> &OnDone,
           double TimeoutSeconds) {
  std::vector<FileResult> Results(Files.size());
  std::map<pid_t, Child> Running;
  size_t Next = 0, Done = 0;
  Jobs = std::max(1u, Jobs);
  bool HasDeadlines = TimeoutSeconds > 0;
  auto Timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(HasDeadlines ? TimeoutSeconds : 0));
  pid_t Driver = ::getpid();

  auto Fail = [&](size_t Index, std::string Reason) {
    Results[Index].File = Files[Index];
    Results[Index].Failure = std::move(Reason);
    OnDone(++Done, Files[Index]);
  };

  auto Finish = [&](const Child &C, int Status) {
    FileResult &R = Results[C.Index];
    R.File = Files[C.Index];
    bool Parsed = false;
    if (WIFEXITED(Status) && WEXITSTATUS(Status) == 0) {
      if (auto Buffer = llvm::MemoryBuffer::getFile(C.Output)) {
        if (auto Value = json::parse((*Buffer)->getBuffer()))
          Parsed = resultFromJSON(std::move(*Value), R);
        else
          llvm::consumeError(Value.takeError());
      }
    }
    if (!Parsed) {
      R = FileResult();
      R.File = Files[C.Index];
      R.Failure = describeWorkerFailure(
          R.File, {Status, C.Stopping, TimeoutSeconds}, logTail(C.Log));
    }
    bestEffort(llvm::sys::fs::remove(C.Output));
    bestEffort(llvm::sys::fs::remove(C.Log));
    if (C.PidFd >= 0)
      ::close(C.PidFd);
    OnDone(++Done, R.File);
  };

  auto Start = [&](size_t Index) {
    llvm::SmallString<128> Output, Log;
    int OutputFD = -1, LogFD = -1;
    std::error_code EC = llvm::sys::fs::createTemporaryFile(
        "loadcheck_worker", "json", OutputFD, Output);
    if (!EC) {
      ::close(OutputFD);
      EC = llvm::sys::fs::createTemporaryFile("loadcheck_worker", "log", LogFD,
                                              Log);
    }
    if (EC) {
      if (!Output.empty())
        bestEffort(llvm::sys::fs::remove(Output));
      return Fail(Index,
                  fmt::format("cannot create a temporary file for '{}': {}",
                              Files[Index], EC.message()));
    }
    // A fork, not an exec: the child has the driver's options and database
    // already, and the LLVM libraries already loaded and relocated, which
    // costs a new process as much as a small file's analysis.
    pid_t Pid = ::fork();
    if (Pid == 0)
      runForkedWorker(Files[Index], Database, LogFD, std::string(Output), Opts,
                      Driver);
    int Err = errno;
    ::close(LogFD);
    if (Pid < 0) {
      bestEffort(llvm::sys::fs::remove(Output));
      bestEffort(llvm::sys::fs::remove(Log));
      return Fail(Index, fmt::format("cannot start a worker for '{}': {}",
                                     Files[Index], strerror(Err)));
    }
    Running.emplace(Pid, Child{Index, std::string(Output), std::string(Log),
                               openPidFd(Pid), Clock::now() + Timeout});
  };

  // Past its deadline a worker gets SIGQUIT, on which LLVM's handler prints
  // the stack dump naming the running check; SIGKILL if it is still there
  // after the grace period.
  auto EnforceDeadlines = [&] {
    Clock::time_point Now = Clock::now();
    for (auto &[Pid, C] : Running) {
      if (!C.Stopping && Now >= C.Deadline) {
        C.Stopping = true;
        ::kill(Pid, SIGQUIT);
      } else if (C.Stopping && Now >= C.Deadline + StopGrace) {
        ::kill(Pid, SIGKILL);
      }
    }
  };

  while (Next < Files.size() || !Running.empty()) {
    while (Next < Files.size() && Running.size() < Jobs)
      Start(Next++);
    if (Running.empty())
      continue;
    int Status = 0;
    pid_t Pid = ::waitpid(-1, &Status, HasDeadlines ? WNOHANG : 0);
    if (Pid < 0) {
      if (errno == EINTR)
        continue;
      break; // no children left: cannot happen while Running is not empty
    }
    if (Pid == 0) { // all still running
      waitForAChild(Running, HasDeadlines);
      EnforceDeadlines();
      continue;
    }
    auto It = Running.find(Pid);
    if (It == Running.end())
      continue;
    Child C = std::move(It->second);
    Running.erase(It);
    Finish(C, Status);
  }
  return Results;
}

} // namespace loadcheck
