//===--- JThreadFix.cpp - a local std::thread as a std::jthread ----------===//
#include "checks/utils/JThreadFix.h"
#include "checks/utils/LlvmCompat.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/TypeLoc.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::utils {
namespace {

using Edits = llvm::SmallVector<FixItHint, 2>;

bool jthreadIsDeclared(ASTContext &Ctx) {
  for (const NamedDecl *Std :
       Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get("std")))
    if (const auto *NS = dyn_cast<NamespaceDecl>(Std))
      if (!NS->lookup(&Ctx.Idents.get("jthread")).empty())
        return true;
  return false;
}

/// Adds the edit `thread` -> `jthread` for a type written as `std::thread`,
/// `::std::thread` or `thread` (found through a using-directive); false for
/// an alias, a using-declaration or a spelling inside a macro.
bool renameSpelledType(TypeLoc TL, ASTContext &Ctx, Edits &Out) {
  TL = compat::withoutElaboration(TL.getUnqualifiedLoc());
  auto Record = TL.getAs<RecordTypeLoc>();
  if (!Record)
    return false;
  SourceLocation Name = Record.getNameLoc();
  if (Name.isInvalid() || Name.isMacroID() ||
      Lexer::getSourceText(CharSourceRange::getTokenRange(Name),
                           Ctx.getSourceManager(),
                           Ctx.getLangOpts()) != "thread")
    return false;
  Out.push_back(FixItHint::CreateReplacement(
      CharSourceRange::getTokenRange(Name), "jthread"));
  return true;
}

/// Whether the callable of a thread construction cannot take a stop_token
/// first: jthread would then call it exactly as std::thread does.
bool callableIgnoresStopToken(const CXXConstructExpr &Construct) {
  unsigned NumArgs = Construct.getNumArgs();
  if (NumArgs == 0)
    return true;
  const Expr *Callable = Construct.getArg(0)->IgnoreImplicit()->IgnoreParens();
  if (const auto *AddrOf = dyn_cast<UnaryOperator>(Callable);
      AddrOf && AddrOf->getOpcode() == UO_AddrOf)
    Callable = AddrOf->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Callable))
    if (const auto *Fn = dyn_cast<FunctionDecl>(Ref->getDecl()))
      // A member function pointer needs the object as its first argument,
      // which a stop_token is not.
      return !Fn->isVariadic() && !Fn->getDescribedFunctionTemplate();
  if (const auto *Lambda = dyn_cast<LambdaExpr>(Callable)) {
    const CXXMethodDecl *Call = Lambda->getCallOperator();
    return !Lambda->isGenericLambda() && !Call->isVariadic() &&
           Call->getNumParams() == NumArgs - 1;
  }
  QualType Type = Callable->getType();
  if (const auto *Pointer = Type->getAs<PointerType>())
    if (const auto *Proto =
            Pointer->getPointeeType()->getAs<FunctionProtoType>())
      return !Proto->isVariadic();
  const CXXRecordDecl *Class = Type->getAsCXXRecordDecl();
  if (!Class || !Class->hasDefinition())
    return false;
  DeclarationName CallName =
      Class->getASTContext().DeclarationNames.getCXXOperatorName(OO_Call);
  bool Any = false;
  for (const NamedDecl *D : Class->lookup(CallName)) {
    const auto *Method = dyn_cast<CXXMethodDecl>(D);
    if (!Method || Method->isVariadic() || Method->getNumParams() > NumArgs - 1)
      return false; // a template, or room for one more argument
    Any = true;
  }
  return Any;
}

/// Adds the edits for a value given to the thread (its initialiser or the
/// right side of an assignment): a spelled `std::thread(...)` temporary is
/// renamed when \p MustRename, a direct construction (`std::thread t(f)`)
/// needs nothing. False for anything else, e.g. `make_thread()`, which a
/// jthread cannot be built from.
bool handleValue(const Expr *E, bool MustRename, ASTContext &Ctx, Edits &Out) {
  if (!E)
    return true;
  E = E->IgnoreImplicit()->IgnoreParens();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
    // `T t = std::thread(f)` before C++17 elision: the temporary inside.
    if (Construct->getNumArgs() == 1 &&
        Construct->getConstructor()->isCopyOrMoveConstructor())
      return isa<MaterializeTemporaryExpr>(Construct->getArg(0)) &&
             handleValue(Construct->getArg(0), MustRename, Ctx, Out);
    if (!callableIgnoresStopToken(*Construct))
      return false;
    if (const auto *Temporary = dyn_cast<CXXTemporaryObjectExpr>(Construct))
      return renameSpelledType(Temporary->getTypeSourceInfo()->getTypeLoc(),
                               Ctx, Out);
    return !MustRename; // direct construction of the declared variable
  }
  if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
    const auto *Construct =
        dyn_cast<CXXConstructExpr>(Cast->getSubExpr()->IgnoreImplicit());
    return Construct && callableIgnoresStopToken(*Construct) &&
           renameSpelledType(Cast->getTypeInfoAsWritten()->getTypeLoc(), Ctx,
                             Out);
  }
  if (const auto *List = dyn_cast<InitListExpr>(E))
    return List->getNumInits() == 0; // `t = {}`
  return false;
}

const Stmt *parentIgnoringParenImpCasts(const ParentMap &PM, const Stmt *S) {
  const Stmt *P = PM.getParent(S);
  while (P && (isa<ParenExpr>(P) || isa<ImplicitCastExpr>(P)))
    P = PM.getParent(P);
  return P;
}

/// Whether \p Ref is a use a jthread supports unchanged, adding the edits of
/// an assignment to it.
bool handleUse(const DeclRefExpr &Ref, const ParentMap &PM, ASTContext &Ctx,
               Edits &Out) {
  const Stmt *Child = &Ref;
  const Stmt *Parent = parentIgnoringParenImpCasts(PM, Child);
  if (const auto *Member = dyn_cast_or_null<MemberExpr>(Parent)) {
    const IdentifierInfo *Name = Member->getMemberDecl()->getIdentifier();
    return Name &&
           isa_and_nonnull<CXXMemberCallExpr>(
               parentIgnoringParenImpCasts(PM, Member)) &&
           llvm::is_contained(
               {"join", "detach", "joinable", "get_id", "native_handle"},
               Name->getName());
  }
  if (const auto *Assign = dyn_cast_or_null<CXXOperatorCallExpr>(Parent))
    return Assign->getOperator() == OO_Equal && Assign->getNumArgs() == 2 &&
           Assign->getArg(0)->IgnoreParenImpCasts() == Child &&
           handleValue(Assign->getArg(1), /*MustRename=*/true, Ctx, Out);
  return false;
}

} // namespace

std::optional<Edits> jthreadFixIts(const VarDecl &Thread,
                                   const Stmt &FunctionBody, ASTContext &Ctx) {
  if (!jthreadIsDeclared(Ctx) || !Thread.getTypeSourceInfo() ||
      Thread.getLocation().isMacroID())
    return std::nullopt;
  ParentMap PM(const_cast<Stmt *>(&FunctionBody));

  // `std::thread a(f), b(g);` would change both: only single declarations.
  bool SingleDecl = false;
  for (const auto &Node : Ctx.getParents(Thread))
    if (const auto *DS = Node.get<DeclStmt>())
      SingleDecl = DS->isSingleDecl();
  if (!SingleDecl)
    return std::nullopt;

  Edits Out;
  TypeLoc Declared = Thread.getTypeSourceInfo()->getTypeLoc();
  bool IsAuto = !Declared.getUnqualifiedLoc().getAs<AutoTypeLoc>().isNull();
  if (!IsAuto && !renameSpelledType(Declared, Ctx, Out))
    return std::nullopt;
  if (!handleValue(Thread.getInit(), /*MustRename=*/IsAuto, Ctx, Out))
    return std::nullopt;

  auto Uses =
      match(findAll(declRefExpr(to(varDecl(equalsNode(&Thread)))).bind("use")),
            FunctionBody, Ctx);
  for (const BoundNodes &Use : Uses)
    if (!handleUse(*Use.getNodeAs<DeclRefExpr>("use"), PM, Ctx, Out))
      return std::nullopt;
  return Out;
}

} // namespace loadcheck::utils
