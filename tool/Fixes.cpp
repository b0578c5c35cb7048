#include "tool/Fixes.h"
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

FixOutcome applyFixes(const std::vector<Finding> &Findings) {
  FixOutcome Outcome;
  std::vector<Replacement> Accepted;
  for (const Finding &F : Findings) {
    if (F.Fixes.empty())
      continue;
    bool Conflict = llvm::any_of(F.Fixes, [&](const Replacement &R) {
      return llvm::any_of(Accepted,
                          [&](const Replacement &A) { return overlaps(R, A); });
    });
    if (Conflict) {
      Outcome.Conflicts.push_back(fmt::format(
          "{}:{}:{}: fix-it of [{}] conflicts with another fix-it; not "
          "applied",
          F.Where.File, F.Where.Line, F.Where.Column, F.Check));
      continue;
    }
    for (const Replacement &R : F.Fixes)
      if (!llvm::any_of(Accepted, [&](const Replacement &A) {
            return A.File == R.File && A.Offset == R.Offset &&
                   A.Length == R.Length && A.Text == R.Text;
          }))
        Accepted.push_back(R);
    ++Outcome.Applied;
  }

  std::map<std::string, std::vector<Replacement>> PerFile;
  for (const Replacement &R : Accepted)
    PerFile[R.File].push_back(R);
  for (auto &[File, Replacements] : PerFile) {
    auto Buffer = llvm::MemoryBuffer::getFile(File);
    if (!Buffer) {
      Outcome.Errors.push_back(fmt::format("cannot read '{}': {}", File,
                                           Buffer.getError().message()));
      continue;
    }
    std::string Text = (*Buffer)->getBuffer().str();
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
      Outcome.Errors.push_back(fmt::format(
          "'{}' changed while it was analysed; fix-its not applied", File));
      continue;
    }
    if (Text == (*Buffer)->getBuffer())
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
