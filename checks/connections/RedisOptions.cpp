//===--- RedisOptions.cpp -------------------------------------------------===//
#include "checks/connections/RedisOptions.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace loadcheck::connections {

namespace {

/// The timeout fields, and the endpoints that do not wait on a network.
bool isTimeoutField(llvm::StringRef Name) {
  return Name == "connect_timeout" || Name == "command_timeout";
}
bool isLocalEndpoint(llvm::StringRef Name) {
  return Name == "unix_socket" || Name == "fd";
}

/// What the function does with the options.
struct Use {
  bool SetsTimeout = false;
  bool LocalEndpoint = false;
  bool Escapes = false; ///< a helper or a pointer may set anything

  void touch(llvm::StringRef Field) {
    SetsTimeout |= isTimeoutField(Field);
    LocalEndpoint |= isLocalEndpoint(Field);
  }
  bool decided() const { return SetsTimeout || LocalEndpoint || Escapes; }
};

/// `opts` or `&opts`, through parentheses and casts.
bool designates(const Expr *E, const VarDecl &Options) {
  E = E->IgnoreParenImpCasts();
  if (const auto *AddressOf = dyn_cast<UnaryOperator>(E);
      AddressOf && AddressOf->getOpcode() == UO_AddrOf)
    E = AddressOf->getSubExpr()->IgnoreParenImpCasts();
  const auto *Ref = dyn_cast<DeclRefExpr>(E);
  return Ref && Ref->getDecl() == &Options;
}

/// Calls that read the options, or only clear them.
bool isHarmlessCall(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return false;
  return llvm::is_contained({"redisConnectWithOptions",
                             "redisAsyncConnectWithOptions", "memset",
                             "__builtin_memset", "bzero"},
                            Callee->getName());
}

/// The fields an initializer list sets (nested structs and unions too).
void scanInitializer(const InitListExpr *List, Use &U) {
  if (!List)
    return;
  if (List->isSyntacticForm() && List->getSemanticForm())
    List = List->getSemanticForm();
  const RecordDecl *Record = List->getType()->getAsRecordDecl();
  if (!Record)
    return;
  if (Record->isUnion()) {
    if (const FieldDecl *Field = List->getInitializedFieldInUnion()) {
      if (Field->getIdentifier())
        U.touch(Field->getName());
      if (List->getNumInits() == 1)
        scanInitializer(dyn_cast<InitListExpr>(List->getInit(0)), U);
    }
    return;
  }
  unsigned Index = 0;
  for (const FieldDecl *Field : Record->fields()) {
    if (Index >= List->getNumInits())
      break;
    const Expr *Init = List->getInit(Index++);
    if (!Init || isa<ImplicitValueInitExpr>(Init))
      continue;
    if (Field->getIdentifier() && isTimeoutField(Field->getName()) &&
        !Init->isNullPointerConstant(Field->getASTContext(),
                                     Expr::NPC_ValueDependentIsNotNull))
      U.SetsTimeout = true;
    scanInitializer(dyn_cast<InitListExpr>(Init->IgnoreImpCasts()), U);
  }
}

/// Walks \p S: member accesses on the options are fields touched, the
/// options handed to the connect are read, any other mention escapes.
void scan(const Stmt *S, const VarDecl &Options, Use &U) {
  if (!S || U.decided())
    return;
  if (isa<UnaryExprOrTypeTraitExpr>(S))
    return; // sizeof(opts) reads nothing
  if (const auto *Member = dyn_cast<MemberExpr>(S)) {
    // opts.endpoint.unix_socket touches endpoint and unix_socket.
    llvm::SmallVector<llvm::StringRef, 4> Fields;
    const Expr *Base = Member;
    while (const auto *Access =
               dyn_cast<MemberExpr>(Base->IgnoreParenImpCasts())) {
      if (const IdentifierInfo *Name = Access->getMemberDecl()->getIdentifier())
        Fields.push_back(Name->getName());
      Base = Access->getBase();
    }
    if (designates(Base, Options)) {
      for (llvm::StringRef Field : Fields)
        U.touch(Field);
      return;
    }
  } else if (const auto *Call = dyn_cast<CallExpr>(S);
             Call && isHarmlessCall(*Call)) {
    for (const Expr *Arg : Call->arguments())
      if (!designates(Arg, Options))
        scan(Arg, Options, U);
    return;
  } else if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
    U.Escapes |= Ref->getDecl() == &Options;
    return;
  }
  for (const Stmt *Child : S->children())
    scan(Child, Options, U);
}

} // namespace

bool isRedisOptions(const VarDecl &Options) {
  QualType T = Options.getType().getUnqualifiedType();
  if (const auto *Typedef = T->getAs<TypedefType>())
    if (Typedef->getDecl()->getName() == "redisOptions")
      return true;
  const RecordDecl *Record = T->getAsRecordDecl();
  if (!Record)
    return false;
  if (const TypedefNameDecl *Name = Record->getTypedefNameForAnonDecl())
    return Name->getName() == "redisOptions";
  return Record->getName() == "redisOptions";
}

bool redisOptionsLackTimeout(const VarDecl &Options, const Stmt *Body) {
  if (!Body)
    return false;
  Use U;
  if (const Expr *Init = Options.getInit()) {
    const Expr *Plain = Init->IgnoreImplicit();
    if (const auto *List = dyn_cast<InitListExpr>(Plain))
      scanInitializer(List, U);
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Plain);
             !Construct || Construct->getNumArgs() != 0)
      return false; // copied from options made elsewhere
  }
  scan(Body, Options, U);
  return !U.decided();
}

} // namespace loadcheck::connections
