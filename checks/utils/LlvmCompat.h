//===--- LlvmCompat.h - where LLVM versions differ ----------*- C++ -*-===//
//
// loadcheck builds against several LLVM/Clang major versions from one tree
// (LOADCHECK_LLVM_MAJOR, docs/llvm-versions.md). Every place where their APIs
// differ is wrapped here, behind LLVM_VERSION_MAJOR, so the checks and the
// driver have a single spelling. Adding a version means adding its branches
// here, nowhere else.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_UTILS_LLVMCOMPAT_H
#define LOADCHECK_CHECKS_UTILS_LLVMCOMPAT_H

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Basic/Diagnostic.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include <memory>
#include <string>
#include <vector>

// The module registry moved into ClangTidyModule.h in LLVM 22; the old header
// warns there and goes away in LLVM 24.
#if LLVM_VERSION_MAJOR >= 22
#include "clang-tidy/ClangTidyModule.h"
#else
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

namespace loadcheck::compat {

/// The range to give a diagnostic whose reported expression is spelled in a
/// macro's argument (\p Spelled), so that clang prints no backtrace of that
/// macro: clang 22 leaves it out when every range maps into the argument, and
/// counts an empty range as one that does not; clang 19 counts a range
/// spelled there as one that does not, and ignores an empty one.
inline clang::CharSourceRange
rangeInMacroArgument(clang::CharSourceRange Spelled) {
#if LLVM_VERSION_MAJOR >= 22
  return Spelled;
#else
  (void)Spelled;
  return {};
#endif
}

/// The type of an object of class \p Record (`Ctx.getRecordType` until LLVM
/// 21, the canonical tag type since).
inline clang::QualType recordType(const clang::ASTContext &Ctx,
                                  const clang::CXXRecordDecl *Record) {
#if LLVM_VERSION_MAJOR >= 22
  return Ctx.getCanonicalTagType(Record);
#else
  return Ctx.getRecordType(Record);
#endif
}

/// \p TL without the `std::`-style qualification sugar: until LLVM 21 a
/// qualified name is an ElaboratedTypeLoc around the named type; since LLVM
/// 22 the qualifier is part of the named type's own TypeLoc.
inline clang::TypeLoc withoutElaboration(clang::TypeLoc TL) {
#if LLVM_VERSION_MAJOR < 22
  if (auto Elaborated = TL.getAs<clang::ElaboratedTypeLoc>())
    return Elaborated.getNamedTypeLoc();
#endif
  return TL;
}

/// One exception type \p Info says may escape, the same on every run: the
/// first one registered until LLVM 21 (an ordered set); since LLVM 22 (a
/// hash map keyed by pointers, whose order changes between runs) the one
/// thrown first in the translation unit, then the first by name; null when
/// none is known. \p Info is an ExceptionAnalyzer::ExceptionInfo.
template <typename ExceptionInfo>
const clang::Type *firstThrownType(const ExceptionInfo &Info) {
#if LLVM_VERSION_MAJOR >= 22
  const clang::Type *First = nullptr;
  clang::SourceLocation FirstLoc;
  auto Before = [&](const clang::Type *T, clang::SourceLocation Loc) {
    if (Loc.getRawEncoding() != FirstLoc.getRawEncoding())
      return Loc.getRawEncoding() < FirstLoc.getRawEncoding();
    return clang::QualType(T, 0).getAsString() <
           clang::QualType(First, 0).getAsString();
  };
  for (const auto &[Type, Where] : Info.getExceptions())
    if (!First || Before(Type, Where.Loc)) {
      First = Type;
      FirstLoc = Where.Loc;
    }
  return First;
#else
  const auto &Types = Info.getExceptionTypes();
  return Types.empty() ? nullptr : *Types.begin();
#endif
}

// ---- the driver's side: clang-tidy's library API ----

/// Every check and every check option clang-tidy and the loaded modules know.
struct KnownChecks {
  llvm::StringSet<> Checks;
  llvm::StringSet<> Options;
};

inline KnownChecks allChecksAndOptions() {
#if LLVM_VERSION_MAJOR >= 22
  clang::tidy::ChecksAndOptions All = clang::tidy::getAllChecksAndOptions(
      /*AllowEnablingAnalyzerAlphaCheckers=*/true,
      /*ExperimentalCustomChecks=*/false);
  return {std::move(All.Checks), std::move(All.Options)};
#else
  clang::tidy::NamesAndOptions All = clang::tidy::getAllChecksAndOptions();
  return {std::move(All.Names), std::move(All.Options)};
#endif
}

/// The checks \p Options enables (no alpha analyzer checks, no custom
/// checks from configuration).
inline std::vector<std::string>
enabledCheckNames(const clang::tidy::ClangTidyOptions &Options) {
#if LLVM_VERSION_MAJOR >= 22
  return clang::tidy::getCheckNames(
      Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false,
      /*ExperimentalCustomChecks=*/false);
#else
  return clang::tidy::getCheckNames(
      Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false);
#endif
}

/// Every option, with its value, of the checks \p Options enables (as
/// clang-tidy's --dump-config lists them).
inline clang::tidy::ClangTidyOptions::OptionMap
enabledCheckOptions(const clang::tidy::ClangTidyOptions &Options) {
#if LLVM_VERSION_MAJOR >= 22
  return clang::tidy::getCheckOptions(
      Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false,
      /*ExperimentalCustomChecks=*/false);
#else
  return clang::tidy::getCheckOptions(
      Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false);
#endif
}

/// The DiagnosticsEngine a ClangTidyContext reports through, set on the
/// context for this object's lifetime. Since LLVM 22 the engine refers to
/// its options, which the context owns.
class ContextDiagnostics {
public:
  ContextDiagnostics(clang::tidy::ClangTidyContext &Context,
                     clang::DiagnosticConsumer &Consumer)
#if LLVM_VERSION_MAJOR >= 22
      : Options(std::make_unique<clang::DiagnosticOptions>()),
        Engine(new clang::DiagnosticIDs(), *Options, &Consumer,
               /*ShouldOwnClient=*/false) {
    Context.setDiagnosticsEngine(std::move(Options), &Engine);
  }
#else
      : Engine(new clang::DiagnosticIDs(), new clang::DiagnosticOptions(),
               &Consumer, /*ShouldOwnClient=*/false) {
    Context.setDiagnosticsEngine(&Engine);
  }
#endif

private:
#if LLVM_VERSION_MAJOR >= 22
  std::unique_ptr<clang::DiagnosticOptions> Options; // before Engine
#endif
  clang::DiagnosticsEngine Engine;
};

} // namespace loadcheck::compat

#endif // LOADCHECK_CHECKS_UTILS_LLVMCOMPAT_H
