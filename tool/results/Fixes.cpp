#include "tool/results/Fixes.h"
#include "tool/Paths.h"

#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include <fmt/core.h>
#include <map>

namespace loadcheck {

namespace {

bool overlaps(const Replacement &A, const Replacement &B) {
  if (A.File != B.File)
    return false;
  // Two insertions at the same point conflict too (their order is unclear).
  if (A.Offset == B.Offset)
    return !(A.Offset == B.Offset && A.Length == B.Length && A.Text == B.Text);
  return A.Offset < B.Offset + B.Length && B.Offset < A.Offset + A.Length;
}

/// Writes \p Text to \p File atomically: a temporary in the same directory,
/// then rename, keeping the file's permissions.
std::string writeAtomically(const std::string &File, llvm::StringRef Text) {
  llvm::SmallString<256> Temp;
  int FD = -1;
  llvm::SmallString<256> Model(File);
  Model += ".loadcheck-%%%%%%";
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Temp))
    return fmt::format("cannot write '{}': {}", File, EC.message());
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      bestEffort(llvm::sys::fs::remove(Temp));
      return fmt::format("cannot write '{}': {}", File, OS.error().message());
    }
  }
  if (auto Perms = llvm::sys::fs::getPermissions(File))
    bestEffort(llvm::sys::fs::setPermissions(Temp, *Perms));
  if (std::error_code EC = llvm::sys::fs::rename(Temp, File)) {
    bestEffort(llvm::sys::fs::remove(Temp));
    return fmt::format("cannot replace '{}': {}", File, EC.message());
  }
  return "";
}

} // namespace

FixOutcome applyFixes(const std::vector<Finding> &Findings,
                      const FileDigests *Analysed) {
  FixOutcome Outcome;
  // Every file a fix touches, read once: the bytes checked against the
  // analysis are the bytes the fixes are applied to.
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Sources;
  struct Unusable {
    bool Stale = false; ///< readable, but not what was analysed
    size_t Fixes = 0;   ///< findings whose fix it blocks
  };
  std::map<std::string, Unusable> Blocking;
  for (const Finding &F : Findings)
    for (const Replacement &R : F.Fixes) {
      if (Sources.count(R.File) || Blocking.count(R.File))
        continue;
      auto Buffer = llvm::MemoryBuffer::getFile(R.File, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/
                                                false, /*IsVolatile=*/true);
      if (!Buffer) {
        Outcome.Errors.push_back(fmt::format("cannot read '{}': {}", R.File,
                                             Buffer.getError().message()));
        Blocking[R.File] = {};
        continue;
      }
      if (Analysed) {
        auto It = Analysed->find(R.File);
        if (It == Analysed->end() ||
            It->second != FileDigest::of((*Buffer)->getBuffer())) {
          Blocking[R.File] = {/*Stale=*/true};
          continue;
        }
      }
      Sources[R.File] = std::move(*Buffer);
    }

  std::vector<std::pair<Replacement, const Finding *>> Accepted;
  for (const Finding &F : Findings) {
    if (F.Fixes.empty())
      continue;
    // All or nothing: a fix that also touches a refused file is not applied.
    bool Blocked = false;
    for (const Replacement &R : F.Fixes)
      if (auto It = Blocking.find(R.File); It != Blocking.end()) {
        ++It->second.Fixes;
        Blocked = true;
        break;
      }
    if (Blocked)
      continue;
    const Finding *Other = nullptr;
    for (const Replacement &R : F.Fixes)
      for (const auto &[A, By] : Accepted)
        if (!Other && overlaps(R, A))
          Other = By;
    if (Other) {
      Outcome.Conflicts.push_back(fmt::format(
          "{}:{}:{}: fix-it of [{}] conflicts with the fix-it of [{}] at "
          "{}:{}; not applied",
          F.Where.File, F.Where.Line, F.Where.Column, F.Check, Other->Check,
          Other->Where.Line, Other->Where.Column));
      continue;
    }
    for (const Replacement &R : F.Fixes)
      if (!llvm::any_of(Accepted, [&](const auto &A) {
            return A.first.File == R.File && A.first.Offset == R.Offset &&
                   A.first.Length == R.Length && A.first.Text == R.Text;
          }))
        Accepted.push_back({R, &F});
    ++Outcome.Applied;
  }
  for (const auto &[File, Why] : Blocking)
    if (Why.Stale)
      Outcome.Refused.push_back(fmt::format(
          "'{}' changed on disk since it was analysed; {} fix-it{} not "
          "applied (run loadcheck again)",
          File, Why.Fixes, Why.Fixes == 1 ? "" : "s"));

  std::map<std::string, std::vector<Replacement>> PerFile;
  for (const auto &[R, By] : Accepted)
    PerFile[R.File].push_back(R);
  for (auto &[File, Replacements] : PerFile) {
    llvm::StringRef Original = Sources[File]->getBuffer();
    std::string Text = Original.str();
    // From the end, so earlier offsets stay valid.
    llvm::sort(Replacements, [](const Replacement &A, const Replacement &B) {
      return A.Offset > B.Offset;
    });
    bool Valid = true;
    for (const Replacement &R : Replacements) {
      if (R.Offset + R.Length > Text.size()) {
        Valid = false;
        break;
      }
      Text.replace(R.Offset, R.Length, R.Text);
    }
    if (!Valid) {
      Outcome.Refused.push_back(fmt::format(
          "'{}' changed on disk since it was analysed; fix-its not applied",
          File));
      continue;
    }
    if (Text == Original)
      continue;
    std::string Error = writeAtomically(File, Text);
    if (!Error.empty())
      Outcome.Errors.push_back(Error);
    else
      ++Outcome.FilesChanged;
  }
  return Outcome;
}

std::string exportFixes(const std::string &Path,
                        const std::vector<Finding> &Findings) {
  clang::tooling::TranslationUnitDiagnostics TU;
  for (const Finding &F : Findings) {
    if (F.Fixes.empty())
      continue;
    clang::tooling::DiagnosticMessage Message;
    Message.Message = F.Message;
    Message.FilePath = F.Where.File;
    Message.FileOffset = F.Where.Offset;
    for (const Replacement &R : F.Fixes) {
      llvm::Error Err = Message.Fix[R.File].add(
          clang::tooling::Replacement(R.File, R.Offset, R.Length, R.Text));
      if (Err)
        llvm::consumeError(std::move(Err)); // overlaps within one fix: skip
    }
    TU.Diagnostics.emplace_back(
        F.Check, Message,
        llvm::SmallVector<clang::tooling::DiagnosticMessage, 1>(),
        clang::tooling::Diagnostic::Warning,
        /*BuildDirectory=*/"");
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return fmt::format("cannot write '{}': {}", Path, EC.message());
  llvm::yaml::Output YAML(OS);
  YAML << TU;
  return "";
}

} // namespace loadcheck
