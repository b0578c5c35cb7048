#include "tests/harness/FixtureRunner.h"
#include "tests/Artifacts.h"

#include "checks/CheckRegistry.h"
#include "tool/front/Options.h"
#include "tool/run/Analyzer.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include <fmt/core.h>
#include <map>

namespace loadcheck::testing {

std::string checkForFixture(llvm::StringRef FixturePath) {
  llvm::StringRef Stem = llvm::sys::path::stem(FixturePath);
  std::string Best;
  for (const CheckInfo &Info : allChecks())
    if ((Stem == Info.Name || Stem.starts_with((Info.Name + "-").str())) &&
        Info.Name.size() > Best.size())
      Best = Info.Name.str();
  return Best;
}

static std::vector<ActualDiagnostic> flatten(const std::vector<Finding> &Fs) {
  std::vector<ActualDiagnostic> Out;
  for (const Finding &F : Fs) {
    Out.push_back({false, F.Where.File, F.Where.Line, F.Where.Column, F.Check,
                   F.Message});
    for (const Note &N : F.Notes)
      Out.push_back({true, N.Where.File, N.Where.Line, N.Where.Column, F.Check,
                     N.Message});
  }
  return Out;
}

static std::vector<std::string>
compileArgs(const std::vector<std::string> &RunArgs) {
  std::vector<std::string> Args(RunArgs);
  Args.push_back("-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR);
  return Args;
}

FixtureRun runFixture(const std::string &FixturePath, const std::string &Check,
                      const std::vector<std::string> &RunArgs) {
  DriverOptions Opts;
  Opts.Checks = "-*," + Check;
  clang::tooling::FixedCompilationDatabase Database(".", compileArgs(RunArgs));
  FileResult Result = analyzeFile(FixturePath, Database, Opts);
  FixtureRun Run;
  Run.Findings = std::move(Result.Findings);
  Run.Diagnostics = flatten(Run.Findings);
  return Run;
}

ProcessResult runProcess(const std::string &Program,
                         const std::vector<std::string> &Args,
                         const std::string &WorkingDirectory,
                         const std::string &Environment) {
  ProcessResult Result;
  llvm::SmallString<128> OutPath, ErrPath;
  llvm::sys::fs::createTemporaryFile("loadcheck-test", "out", OutPath);
  llvm::sys::fs::createTemporaryFile("loadcheck-test", "err", ErrPath);
  std::vector<std::string> Argv;
  std::string Binary = Program;
  if (!WorkingDirectory.empty()) { // ExecuteAndWait has no cwd: use a shell
    std::string Command = "cd '" + WorkingDirectory + "' && exec env " +
                          Environment + " '" + Program + "'";
    for (const std::string &A : Args)
      Command += " '" + A + "'";
    Binary = "/bin/sh";
    Argv = {"/bin/sh", "-c", Command};
  } else {
    Argv.push_back(Program);
    Argv.insert(Argv.end(), Args.begin(), Args.end());
  }
  std::vector<llvm::StringRef> ArgRefs(Argv.begin(), Argv.end());
  std::optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef(""), llvm::StringRef(OutPath), llvm::StringRef(ErrPath)};
  std::string ErrMsg;
  Result.ExitCode = llvm::sys::ExecuteAndWait(Binary, ArgRefs, std::nullopt,
                                              Redirects, 0, 0, &ErrMsg);
  if (auto Out = llvm::MemoryBuffer::getFile(OutPath))
    Result.Out = (*Out)->getBuffer().str();
  if (auto Err = llvm::MemoryBuffer::getFile(ErrPath))
    Result.Err = (*Err)->getBuffer().str() + ErrMsg;
  llvm::sys::fs::remove(OutPath);
  llvm::sys::fs::remove(ErrPath);
  return Result;
}

std::vector<ActualDiagnostic> runFixtureThroughPlugin(
    const std::string &FixturePath, const std::string &Check,
    const std::vector<std::string> &RunArgs, std::string &ErrorOut) {
  std::vector<std::string> Args = {
      std::string("-load=") + LOADCHECK_PLUGIN_PATH, "-checks=-*," + Check,
      "--quiet", FixturePath, "--"};
  for (const std::string &A : RunArgs)
    Args.push_back(A);
  ProcessResult Run = runProcess(LOADCHECK_CLANG_TIDY, Args);
  if (Run.ExitCode != 0)
    ErrorOut =
        fmt::format("clang-tidy exited with {}: {}", Run.ExitCode, Run.Err);
  // file:line:col: warning|note: message [check]
  static const llvm::Regex Line(
      "^(.+):([0-9]+):([0-9]+): (warning|error|note): (.*)$");
  std::vector<ActualDiagnostic> Out;
  std::string LastCheck;
  llvm::SmallVector<llvm::StringRef> Lines;
  llvm::StringRef(Run.Out).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    llvm::SmallVector<llvm::StringRef> M;
    if (!Line.match(L, &M))
      continue;
    ActualDiagnostic D;
    D.IsNote = M[4] == "note";
    D.File = M[1].str();
    M[2].getAsInteger(10, D.Line);
    M[3].getAsInteger(10, D.Column);
    llvm::StringRef Message = M[5];
    if (!D.IsNote && Message.ends_with("]")) {
      size_t Open = Message.rfind(" [");
      LastCheck = Message.slice(Open + 2, Message.size() - 1).str();
      Message = Message.take_front(Open);
    }
    D.Check = LastCheck;
    D.Message = Message.str();
    Out.push_back(std::move(D));
  }
  return Out;
}

std::vector<std::string>
compareDiagnostics(const std::string &FixturePath,
                   const std::vector<Expectation> &Expected,
                   const std::vector<ActualDiagnostic> &Actual) {
  std::vector<std::string> Problems;
  std::vector<bool> Used(Expected.size(), false);
  auto Matches = [&](const Expectation &E, const ActualDiagnostic &D) {
    if (E.IsNote != D.IsNote || E.Line != D.Line || E.Check != D.Check)
      return false;
    if (E.Column && *E.Column != D.Column)
      return false;
    return E.MessagePattern.empty() ||
           llvm::Regex(E.MessagePattern).match(D.Message);
  };
  for (const ActualDiagnostic &D : Actual) {
    bool Found = false;
    if (D.File == FixturePath)
      for (size_t I = 0; I < Expected.size() && !Found; ++I)
        if (!Used[I] && Matches(Expected[I], D))
          Used[I] = Found = true;
    if (!Found)
      Problems.push_back(fmt::format("unexpected {} at {}:{}:{}: {} [{}]",
                                     D.IsNote ? "note" : "warning", D.File,
                                     D.Line, D.Column, D.Message, D.Check));
  }
  for (size_t I = 0; I < Expected.size(); ++I)
    if (!Used[I]) {
      const Expectation &E = Expected[I];
      Problems.push_back(fmt::format(
          "expected {} not seen: line {}{} {} (annotation on line {}, "
          "pattern '{}')",
          E.IsNote ? "note" : "warning", E.Line,
          E.Column ? fmt::format(":{}", *E.Column) : std::string(), E.Check,
          E.AnnotationLine, E.MessagePattern));
    }
  return Problems;
}

bool applyFixes(const std::string &FixturePath,
                const std::vector<Finding> &Findings, std::string &Fixed,
                std::string &Error) {
  auto Buffer = llvm::MemoryBuffer::getFile(FixturePath);
  if (!Buffer) {
    Error = "cannot read " + FixturePath;
    return false;
  }
  std::vector<Replacement> All;
  for (const Finding &F : Findings)
    for (const Replacement &R : F.Fixes) {
      if (R.File != FixturePath) {
        Error = "fix-it outside the fixture: " + R.File;
        return false;
      }
      All.push_back(R);
    }
  // Apply from the end so earlier offsets stay valid; identical duplicates
  // (one fix reported twice) are applied once, overlaps are conflicts.
  llvm::sort(All, [](const Replacement &A, const Replacement &B) {
    return std::tie(A.Offset, A.Length, A.Text) <
           std::tie(B.Offset, B.Length, B.Text);
  });
  All.erase(std::unique(All.begin(), All.end(),
                        [](const Replacement &A, const Replacement &B) {
                          return A.Offset == B.Offset && A.Length == B.Length &&
                                 A.Text == B.Text;
                        }),
            All.end());
  for (size_t I = 1; I < All.size(); ++I)
    if (All[I].Offset < All[I - 1].Offset + All[I - 1].Length) {
      Error = fmt::format("conflicting fix-its at offsets {} and {}",
                          All[I - 1].Offset, All[I].Offset);
      return false;
    }
  Fixed = (*Buffer)->getBuffer().str();
  for (auto It = All.rbegin(); It != All.rend(); ++It)
    Fixed.replace(It->Offset, It->Length, It->Text);
  return true;
}

std::string compileSource(const std::string &Source,
                          const std::vector<std::string> &RunArgs) {
  llvm::SmallString<128> Path;
  int FD = -1;
  llvm::sys::fs::createTemporaryFile("loadcheck-fixed", "cpp", FD, Path);
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Source;
  }
  std::vector<std::string> Args = {"-fsyntax-only"};
  Args.insert(Args.end(), RunArgs.begin(), RunArgs.end());
  Args.push_back(std::string(Path));
  ProcessResult Run = runProcess(LOADCHECK_CLANGXX, Args);
  llvm::sys::fs::remove(Path);
  return Run.ExitCode == 0 ? "" : Run.Err + Run.Out;
}

} // namespace loadcheck::testing
