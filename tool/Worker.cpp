#include "tool/Worker.h"
#include "tool/Cache.h"
#include "tool/Database.h"
#include "tool/Paths.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>
#include <fcntl.h>
#include <fmt/core.h>
#include <map>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace json = llvm::json;

namespace loadcheck {

namespace {

json::Value locationToJSON(const Location &L) {
  return json::Array{L.File, L.Offset, L.Line, L.Column};
}

bool locationFromJSON(const json::Value *V, Location &L) {
  const json::Array *A = V ? V->getAsArray() : nullptr;
  if (!A || A->size() != 4)
    return false;
  auto File = (*A)[0].getAsString();
  auto Offset = (*A)[1].getAsUINT64(), Line = (*A)[2].getAsUINT64(),
       Column = (*A)[3].getAsUINT64();
  if (!File || !Offset || !Line || !Column)
    return false;
  L = {File->str(), unsigned(*Offset), unsigned(*Line), unsigned(*Column)};
  return true;
}

json::Value findingToJSON(const Finding &F) {
  json::Array Notes, Fixes;
  for (const Note &N : F.Notes)
    Notes.push_back(json::Object{{"where", locationToJSON(N.Where)},
                                 {"message", N.Message}});
  for (const Replacement &R : F.Fixes)
    Fixes.push_back(json::Array{R.File, R.Offset, R.Length, R.Text});
  return json::Object{{"check", F.Check},
                      {"error", F.Level == Severity::Error},
                      {"asError", F.WarningAsError},
                      {"where", locationToJSON(F.Where)},
                      {"end", locationToJSON(F.End)},
                      {"message", F.Message},
                      {"notes", std::move(Notes)},
                      {"fixes", std::move(Fixes)}};
}

bool findingFromJSON(const json::Value &V, Finding &F) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return false;
  auto Check = O->getString("check");
  auto Message = O->getString("message");
  auto IsError = O->getBoolean("error");
  auto AsError = O->getBoolean("asError");
  if (!Check || !Message || !IsError || !AsError ||
      !locationFromJSON(O->get("where"), F.Where) ||
      !locationFromJSON(O->get("end"), F.End))
    return false;
  F.Check = Check->str();
  F.Message = Message->str();
  F.Level = *IsError ? Severity::Error : Severity::Warning;
  F.WarningAsError = *AsError;
  if (const json::Array *Notes = O->getArray("notes"))
    for (const json::Value &NV : *Notes) {
      const json::Object *NO = NV.getAsObject();
      Note N;
      auto Message = NO ? NO->getString("message") : std::nullopt;
      if (!Message || !locationFromJSON(NO->get("where"), N.Where))
        return false;
      N.Message = Message->str();
      F.Notes.push_back(std::move(N));
    }
  if (const json::Array *Fixes = O->getArray("fixes"))
    for (const json::Value &RV : *Fixes) {
      const json::Array *R = RV.getAsArray();
      if (!R || R->size() != 4)
        return false;
      auto File = (*R)[0].getAsString(), Text = (*R)[3].getAsString();
      auto Offset = (*R)[1].getAsUINT64(), Length = (*R)[2].getAsUINT64();
      if (!File || !Offset || !Length || !Text)
        return false;
      F.Fixes.push_back(
          {File->str(), unsigned(*Offset), unsigned(*Length), Text->str()});
    }
  return true;
}

/// One running worker.
struct Child {
  size_t Index;
  std::string Output;
};

std::string describeStatus(int Status) {
  if (WIFSIGNALED(Status))
    return fmt::format("crashed (signal {}: {})", WTERMSIG(Status),
                       strsignal(WTERMSIG(Status)));
  return fmt::format("failed (worker exit code {})", WEXITSTATUS(Status));
}

} // namespace

json::Value resultToJSON(const FileResult &Result) {
  json::Array Findings;
  for (const Finding &F : Result.Findings)
    Findings.push_back(findingToJSON(F));
  json::Object Out{{"file", Result.File},
                   {"failure", Result.Failure},
                   {"findings", std::move(Findings)}};
  // issue 8 (result cache): what the cache did, for the driver's summary.
  if (Result.Cache != FileResult::CacheStatus::Off) {
    Out["cache"] = Result.Cache == FileResult::CacheStatus::Hit ? "hit"
                   : Result.Cache == FileResult::CacheStatus::DirectHit
                       ? "direct"
                       : "miss";
    Out["cacheWarnings"] = json::Array(Result.CacheWarnings);
  }
  return Out;
}

bool resultFromJSON(const json::Value &Value, FileResult &Result) {
  const json::Object *O = Value.getAsObject();
  if (!O)
    return false;
  auto File = O->getString("file"), Failure = O->getString("failure");
  const json::Array *Findings = O->getArray("findings");
  if (!File || !Failure || !Findings)
    return false;
  Result.File = File->str();
  Result.Failure = Failure->str();
  for (const json::Value &V : *Findings) {
    Finding F;
    if (!findingFromJSON(V, F))
      return false;
    Result.Findings.push_back(std::move(F));
  }
  // issue 8 (result cache): optional, absent when the cache is off.
  if (auto Cache = O->getString("cache"))
    Result.Cache = *Cache == "hit"      ? FileResult::CacheStatus::Hit
                   : *Cache == "direct" ? FileResult::CacheStatus::DirectHit
                                        : FileResult::CacheStatus::Miss;
  if (const json::Array *Warnings = O->getArray("cacheWarnings"))
    for (const json::Value &W : *Warnings)
      if (auto Text = W.getAsString())
        Result.CacheWarnings.push_back(Text->str());
  return true;
}

int runWorker(const std::string &File, const std::string &Output,
              const DriverOptions &Opts) {
  DriverOptions WorkerOpts = Opts;
  WorkerOpts.Inputs = {File};
  std::string Error;
  std::unique_ptr<InputSet> Inputs = loadInputs(WorkerOpts, Error);
  FileResult Result;
  Result.File = File;
  if (!Inputs)
    Result.Failure = Error;
  else
    Result = Opts.CacheDir.empty() // issue 8: --cache-dir
                 ? analyzeFile(File, *Inputs->Database, Opts)
                 : analyzeFileCached(File, *Inputs->Database, Opts);

  std::error_code EC;
  llvm::raw_fd_ostream OS(Output, EC);
  if (EC)
    return 1;
  OS << resultToJSON(Result);
  OS.close();
  return OS.has_error() ? 1 : 0;
}

std::vector<FileResult>
runWorkers(const std::vector<std::string> &Files, unsigned Jobs,
           const std::string &Executable,
           const std::vector<std::string> &OwnArgs, bool HasCompilerArgs,
           const std::vector<std::string> &CompilerArgs,
           const std::function<void(size_t, const std::string &)> &OnDone) {
  std::vector<FileResult> Results(Files.size());
  std::map<pid_t, Child> Running;
  size_t Next = 0, Done = 0;
  Jobs = std::max(1u, Jobs);

  auto Finish = [&](const Child &C, int Status) {
    FileResult &R = Results[C.Index];
    R.File = Files[C.Index];
    bool Parsed = false;
    if (WIFEXITED(Status) && WEXITSTATUS(Status) == 0)
      if (auto Buffer = llvm::MemoryBuffer::getFile(C.Output))
        if (auto Value = json::parse((*Buffer)->getBuffer()))
          Parsed = resultFromJSON(*Value, R);
        else
          llvm::consumeError(Value.takeError());
    if (!Parsed) {
      R.Findings.clear();
      R.Failure =
          fmt::format("analysis of '{}' {}", R.File, describeStatus(Status));
    }
    bestEffort(llvm::sys::fs::remove(C.Output));
    OnDone(++Done, R.File);
  };

  posix_spawn_file_actions_t Actions;
  posix_spawn_file_actions_init(&Actions);
  // The worker prints nothing the user needs: its result is the JSON file.
  posix_spawn_file_actions_addopen(&Actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&Actions, 2, "/dev/null", O_WRONLY, 0);

  while (Next < Files.size() || !Running.empty()) {
    while (Next < Files.size() && Running.size() < Jobs) {
      size_t Index = Next++;
      llvm::SmallString<128> Output;
      int FD = -1;
      if (std::error_code EC = llvm::sys::fs::createTemporaryFile(
              "loadcheck_worker", "json", FD, Output)) {
        Results[Index].File = Files[Index];
        Results[Index].Failure =
            fmt::format("cannot create a temporary file for '{}': {}",
                        Files[Index], EC.message());
        OnDone(++Done, Files[Index]);
        continue;
      }
      ::close(FD);
      std::vector<std::string> Args = {Executable};
      Args.insert(Args.end(), OwnArgs.begin(), OwnArgs.end());
      Args.push_back("--internal-worker=" + Files[Index]);
      Args.push_back("--internal-output=" + std::string(Output));
      if (HasCompilerArgs) {
        Args.push_back("--");
        Args.insert(Args.end(), CompilerArgs.begin(), CompilerArgs.end());
      }
      std::vector<char *> Argv;
      Argv.reserve(Args.size() + 1);
      for (std::string &A : Args)
        Argv.push_back(A.data());
      Argv.push_back(nullptr);
      pid_t Pid = 0;
      if (int Err = posix_spawn(&Pid, Executable.c_str(), &Actions, nullptr,
                                Argv.data(), environ)) {
        Results[Index].File = Files[Index];
        Results[Index].Failure = fmt::format(
            "cannot start a worker for '{}': {}", Files[Index], strerror(Err));
        bestEffort(llvm::sys::fs::remove(Output));
        OnDone(++Done, Files[Index]);
        continue;
      }
      Running.emplace(Pid, Child{Index, std::string(Output)});
    }
    if (Running.empty())
      continue;
    int Status = 0;
    pid_t Pid = ::waitpid(-1, &Status, 0);
    if (Pid < 0) {
      if (errno == EINTR)
        continue;
      break; // no children left: cannot happen while Running is not empty
    }
    auto It = Running.find(Pid);
    if (It == Running.end())
      continue;
    Child C = std::move(It->second);
    Running.erase(It);
    Finish(C, Status);
  }
  posix_spawn_file_actions_destroy(&Actions);
  return Results;
}

} // namespace loadcheck
