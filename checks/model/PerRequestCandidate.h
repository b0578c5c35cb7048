//===--- PerRequestCandidate.h - costs paid on every call -------*- C++ -*-===//
//
// Some costs are paid on every call of a function: a client made and
// closed, a large heap buffer allocated and freed. When nothing in the
// function itself repeats it (no loop, no handler), it is a hazard only if a
// caller calls the function per request or per loop iteration, in any file:
// the program model's request path through calls (ProgramGraph.h). Such a
// finding is a candidate of the program model:
//
//   if (auto Verdict = model::decidePerRequestCandidate(Check, Loc, *F, Ctx)) {
//     diag(Loc, "... on every call of '%0', which runs per request ...")
//         << model::callableName(*F);
//     model::noteLinkVerdict(*this, *Verdict, Ctx);
//   }
//
// In the driver every candidate is reported and the link stage keeps it with
// notes (the calls that make the function per request) or drops it; in the
// plugin the TU's own callers decide (silence without evidence).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_PERREQUESTCANDIDATE_H
#define LOADCHECK_CHECKS_MODEL_PERREQUESTCANDIDATE_H

#include "checks/model/ProgramLink.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <optional>
#include <string>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace loadcheck::model {

/// Records a candidate of \p Check at \p Loc, made on every call of
/// \p Function, and decides it: the verdict to report with, or std::nullopt
/// to stay silent.
std::optional<LinkVerdict>
decidePerRequestCandidate(llvm::StringRef Check, clang::SourceLocation Loc,
                          const clang::FunctionDecl &Function,
                          clang::ASTContext &Ctx);

/// Adds the notes of \p Verdict to \p Check's last diagnostic.
void noteLinkVerdict(clang::tidy::ClangTidyCheck &Check,
                     const LinkVerdict &Verdict, clang::ASTContext &Ctx);

/// A function for a message: `Inventory::stock`, `fetch_json`, a lambda as
/// `lambda in main`.
std::string callableName(const clang::FunctionDecl &Function);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_PERREQUESTCANDIDATE_H
