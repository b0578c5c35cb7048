//===--- PerRequestCandidate.cpp ------------------------------------------===//
#include "checks/model/PerRequestCandidate.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ProgramGraph.h"
#include "checks/model/SharedAccess.h"
#include "checks/model/ThreadEntry.h"
#include "clang/AST/ASTLambda.h"

using namespace clang;

namespace loadcheck::model {

std::optional<LinkVerdict>
decidePerRequestCandidate(llvm::StringRef Check, SourceLocation Loc,
                          const FunctionDecl &Function, ASTContext &Ctx) {
  ProgramFactsIndex &Index = ProgramFactsIndex::of(Ctx);
  CandidateFact Candidate = Index.addCandidate(Check, Loc, Function);
  if (programVerdictsDeferred())
    return LinkVerdict{};
  std::optional<LinkVerdict> Verdict = Index.tuGraph().judge(Candidate);
  if (!Verdict || !Verdict->Report)
    return std::nullopt;
  return Verdict;
}

void noteLinkVerdict(tidy::ClangTidyCheck &Check, const LinkVerdict &Verdict,
                     ASTContext &Ctx) {
  ProgramFactsIndex &Index = ProgramFactsIndex::of(Ctx);
  for (const LinkNote &Note : Verdict.Notes)
    if (SourceLocation At = Index.locationOf(Note); At.isValid())
      Check.diag(At, "%0", DiagnosticIDs::Note) << Note.Message;
}

std::string callableName(const FunctionDecl &Function) {
  return isLambdaCallOperator(&Function)
             ? "lambda in " + functionDisplayName(Function)
             : displayName(Function);
}

} // namespace loadcheck::model
