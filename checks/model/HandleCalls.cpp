//===--- HandleCalls.cpp - calls made on a handle, through helpers --------===//
#include "checks/model/HandleCalls.h"
#include "checks/utils/NamedEntity.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace loadcheck::model {

namespace {

/// Depth-first search of one body; recursion into helpers is bounded.
class HandleCallSearch {
public:
  HandleCallSearch(HandleCallPredicate IsWanted, const SourceManager &SM)
      : IsWanted(IsWanted), SM(SM) {}

  bool search(const Stmt *S, const NamedDecl &Handle, SourceLocation Before,
              unsigned Depth) {
    if (!S)
      return false;
    if (const auto *Call = dyn_cast<CallExpr>(S))
      if (isBefore(Call->getBeginLoc(), Before) &&
          (IsWanted(*Call, Handle) || viaHelper(*Call, Handle, Depth)))
        return true;
    for (const Stmt *Child : S->children())
      if (search(Child, Handle, Before, Depth))
        return true;
    return false;
  }

private:
  bool isBefore(SourceLocation Loc, SourceLocation Before) const {
    return Before.isInvalid() || SM.isBeforeInTranslationUnit(
                                     SM.getFileLoc(Loc), SM.getFileLoc(Before));
  }

  /// `helper(h)`, `obj.helper(&ctx)`, `lambda(h)`: searches the callee's
  /// body with the parameter that receives the handle.
  bool viaHelper(const CallExpr &Call, const NamedDecl &Handle,
                 unsigned Depth) {
    static constexpr unsigned MaxDepth = 3;
    if (Depth >= MaxDepth)
      return false;
    const FunctionDecl *Callee = Call.getDirectCallee();
    const FunctionDecl *Definition = nullptr;
    if (!Callee || !Callee->hasBody(Definition) || !Definition)
      return false;
    // A call operator's first argument is the object (the lambda itself).
    unsigned Offset =
        isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Definition) ? 1
                                                                         : 0;
    for (unsigned I = Offset; I < Call.getNumArgs(); ++I) {
      unsigned Param = I - Offset;
      if (Param >= Definition->getNumParams())
        break;
      if (utils::namedEntity(Call.getArg(I)) != &Handle)
        continue;
      const ParmVarDecl *Receiver = Definition->getParamDecl(Param);
      if (Receiver && search(Definition->getBody(), *Receiver, {}, Depth + 1))
        return true;
    }
    return false;
  }

  HandleCallPredicate IsWanted;
  const SourceManager &SM;
};

} // namespace

bool callsOnHandle(const Stmt *Body, const NamedDecl &Handle,
                   HandleCallPredicate IsWanted, const SourceManager &SM,
                   SourceLocation Before) {
  return HandleCallSearch(IsWanted, SM).search(Body, Handle, Before, 0);
}

} // namespace loadcheck::model
