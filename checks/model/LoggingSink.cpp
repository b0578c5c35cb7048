//===--- LoggingSink.cpp --------------------------------------------------===//
#include "checks/model/LoggingSink.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

using namespace clang;

namespace loadcheck::model {

/// The words of an identifier, lower case: `set_error_logger` and
/// `setErrorLogger` both give {set, error, logger}.
static llvm::SmallVector<std::string, 4> wordsOf(llvm::StringRef Name) {
  llvm::SmallVector<std::string, 4> Words;
  std::string Word;
  for (size_t I = 0; I < Name.size(); ++I) {
    const char C = Name[I];
    const bool Boundary =
        C == '_' || (isUppercase(C) && I > 0 && isLowercase(Name[I - 1]));
    if (Boundary && !Word.empty())
      Words.push_back(std::move(Word)), Word.clear();
    if (C != '_')
      Word += toLowercase(C);
  }
  if (!Word.empty())
    Words.push_back(std::move(Word));
  return Words;
}

static bool anyLoggerWord(llvm::ArrayRef<std::string> Words) {
  return llvm::any_of(Words, [](llvm::StringRef W) {
    return W == "log" || W == "logger" || W == "logging";
  });
}

bool namesLogger(llvm::StringRef Name) { return anyLoggerWord(wordsOf(Name)); }

bool registersLogger(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return false;
  auto Words = wordsOf(Callee->getName());
  return anyLoggerWord(Words) && llvm::any_of(Words, [](llvm::StringRef W) {
           return W == "set" || W == "add" || W == "register" || W == "install";
         });
}

const CallExpr *callTaking(const Expr &E, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(E);
  for (unsigned Step = 0; Step < 8; ++Step) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    const Stmt *Parent = Parents[0].get<Stmt>();
    if (const auto *Call = dyn_cast_or_null<CallExpr>(Parent))
      return Call->getCallee() == Node.get<Stmt>() ? nullptr : Call;
    const auto *Op = dyn_cast_or_null<UnaryOperator>(Parent);
    if (!Parent || (Op && Op->getOpcode() != UO_AddrOf) ||
        !(Op || isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
                    CXXBindTemporaryExpr, ExprWithCleanups, CXXConstructExpr,
                    CXXFunctionalCastExpr>(Parent)))
      return nullptr;
    Node = Parents[0];
  }
  return nullptr;
}

bool installsLoggingSink(const FunctionDecl &Fn, const CallExpr &Call) {
  return (Fn.getIdentifier() && namesLogger(Fn.getName())) ||
         registersLogger(Call);
}

bool formatsForCaller(const FunctionDecl &F) {
  // A template's instantiation has its packs expanded: ask the pattern.
  const FunctionDecl *Pattern = F.getTemplateInstantiationPattern();
  if (!Pattern)
    Pattern = &F;
  if (Pattern->isVariadic())
    return true;
  ASTContext &Ctx = F.getASTContext();
  const QualType VaList = Ctx.getBuiltinVaListType();
  return llvm::any_of(Pattern->parameters(), [&](const ParmVarDecl *P) {
    return P->isParameterPack() ||
           (!VaList.isNull() && Ctx.hasSameType(P->getOriginalType(), VaList));
  });
}

} // namespace loadcheck::model
