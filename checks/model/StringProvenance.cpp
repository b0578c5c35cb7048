//===--- StringProvenance.cpp ---------------------------------------------===//
#include "checks/model/StringProvenance.h"
#include "checks/utils/ConstantString.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Regex.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::model {
namespace {

using Found = std::optional<RuntimePart>;

/// The functions that build a string from all of their arguments.
const auto FormatFunction = functionDecl(
    hasAnyName("::std::format", "::fmt::format", "::fmt::sprintf",
               "::absl::StrCat", "::absl::StrFormat", "::absl::Substitute"));
/// Calls whose result is a value escaped for SQL.
const auto EscapingFunction = functionDecl(
    anyOf(hasAnyName("::PQescapeLiteral", "::PQescapeIdentifier"),
          cxxMethodDecl(hasAnyName("quote", "quote_name", "quote_raw",
                                   "quote_table", "esc", "esc_raw"),
                        ofClass(cxxRecordDecl(matchesName("^::pqxx::"))))));

/// What happens to a local string at one place in the function.
struct Source {
  const Expr *Value; ///< the expression that flows in
  const Expr *At;    ///< where
  bool Whole;        ///< replaces the value (init, =, strcpy) or joins a part
};

class Provenance {
public:
  Provenance(const Stmt *Body, ASTContext &Ctx) : Body(Body), Ctx(Ctx) {}

  /// A run-time value the query-level expression \p E was built from.
  Found query(const Expr *E);
  /// \p E used as a part of a string being built: null when constant.
  Found join(const Expr *E, const Expr *JoinedAt) { return part(E, JoinedAt); }
  /// The function or member a whole query \p E comes from.
  const NamedDecl *source(const Expr *E);
  /// The member \p S joins a run-time value into.
  std::optional<MemberJoin> memberJoin(const Stmt &S);

private:
  /// Whether an expression is the whole query or one part joined into it.
  enum class Role { Query, Part };

  /// \p E used as a part of a string being built: null when constant.
  Found part(const Expr *E, const Expr *JoinedAt);
  Found walk(const Expr *E, const Expr *JoinedAt, Role R) {
    return R == Role::Query ? query(E) : part(E, JoinedAt);
  }
  /// Concatenations, format calls and conditionals are taken apart the same
  /// way for a whole query and for a part: true when \p E is one of them,
  /// with the run-time part found in \p Out.
  bool builtFromParts(const Expr *E, const Expr *JoinedAt, Role R, Found &Out);
  /// The stream that `oss.str()` reads what was streamed into; \p E itself
  /// otherwise.
  static const Expr *streamOf(const Expr *E);
  Found joinParts(llvm::ArrayRef<const Expr *> Parts, const Expr *JoinedAt);
  /// The parts of a string concatenation `a + b + c`, flattened.
  static bool concatenationParts(const Expr *E,
                                 llvm::SmallVectorImpl<const Expr *> &Out);
  bool isFormatCall(const Expr *E) const;
  bool isEscapingCall(const Expr *E) const;
  /// Every write to local \p Var in the function; \p Unknown is set when it
  /// is also handed to a call that may write it.
  std::vector<Source> sourcesOf(const VarDecl *Var, bool &Unknown);
  bool isEscapeDestination(const VarDecl *Var);
  static bool isStringStream(QualType T);
  static const VarDecl *localVar(const Expr *E);

  const Stmt *Body;
  ASTContext &Ctx;
  llvm::DenseSet<const VarDecl *> Visiting;
};

const VarDecl *Provenance::localVar(const Expr *E) {
  const auto *Ref =
      dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var || isa<ParmVarDecl>(Var) || !Var->hasLocalStorage() ||
      Var->getType()->isReferenceType())
    return nullptr;
  return Var;
}

bool Provenance::isStringStream(QualType T) {
  const auto *Record = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!Record || !Record->getIdentifier() || !Record->isInStdNamespace())
    return false;
  return Record->getName() == "basic_ostringstream" ||
         Record->getName() == "basic_stringstream";
}

bool Provenance::concatenationParts(const Expr *E,
                                    llvm::SmallVectorImpl<const Expr *> &Out) {
  const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
  if (!Op || Op->getOperator() != OO_Plus || Op->getNumArgs() != 2)
    return false;
  for (const Expr *Arg : Op->arguments()) {
    const Expr *Inner = utils::ignoreStringWrappers(Arg);
    if (!concatenationParts(Inner, Out))
      Out.push_back(Inner);
  }
  return true;
}

bool Provenance::isFormatCall(const Expr *E) const {
  return isa<CallExpr>(E) &&
         !match(callExpr(callee(FormatFunction)), *E, Ctx).empty();
}

bool Provenance::isEscapingCall(const Expr *E) const {
  return isa<CallExpr>(E) &&
         !match(callExpr(callee(EscapingFunction)), *E, Ctx).empty();
}

Found Provenance::joinParts(llvm::ArrayRef<const Expr *> Parts,
                            const Expr *JoinedAt) {
  for (const Expr *P : Parts)
    if (Found F = part(P, JoinedAt))
      return F;
  return std::nullopt;
}

bool Provenance::builtFromParts(const Expr *E, const Expr *JoinedAt, Role R,
                                Found &Out) {
  llvm::SmallVector<const Expr *, 8> Parts;
  if (concatenationParts(E, Parts)) {
    Out = joinParts(Parts, E);
    return true;
  }
  if (isFormatCall(E)) {
    const auto *Call = cast<CallExpr>(E);
    Out = joinParts({Call->getArgs(), Call->getNumArgs()}, E);
    return true;
  }
  if (const auto *Cond = dyn_cast<ConditionalOperator>(E)) {
    Out = walk(Cond->getTrueExpr(), JoinedAt, R);
    if (!Out)
      Out = walk(Cond->getFalseExpr(), JoinedAt, R);
    return true;
  }
  return false;
}

const Expr *Provenance::streamOf(const Expr *E) {
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E))
    if (const CXXMethodDecl *Method = Member->getMethodDecl())
      if (Method->getIdentifier() && Method->getName() == "str" &&
          Member->getNumArgs() == 0 &&
          isStringStream(Member->getImplicitObjectArgument()->getType()))
        return Member->getImplicitObjectArgument()->IgnoreParenImpCasts();
  return E;
}

Found Provenance::query(const Expr *E) {
  E = utils::ignoreStringWrappers(E);
  if (!E || E->isTypeDependent() || E->isValueDependent())
    return std::nullopt;
  Found Built;
  if (builtFromParts(E, E, Role::Query, Built))
    return Built;
  const VarDecl *Var = localVar(streamOf(E));
  if (!Var)
    return std::nullopt; // arrives whole: built elsewhere, not judged here
  if (!Visiting.insert(Var).second)
    return std::nullopt;
  bool Unknown = false;
  Found Result;
  for (const Source &S : sourcesOf(Var, Unknown)) {
    Result = S.Whole ? query(S.Value) : part(S.Value, S.At);
    if (Result)
      break;
  }
  Visiting.erase(Var);
  return Result;
}

Found Provenance::part(const Expr *E, const Expr *JoinedAt) {
  const Expr *Original = E;
  E = utils::ignoreStringWrappers(E);
  if (!E || E->isTypeDependent() || E->isValueDependent())
    return std::nullopt;
  if (isa<StringLiteral, CXXNullPtrLiteralExpr, GNUNullExpr>(E))
    return std::nullopt;
  if (!E->getType().isNull() && !E->getType()->isDependentType() &&
      (E->getType()->isIntegralOrEnumerationType() ||
       E->getType()->isRealFloatingType()) &&
      E->isEvaluatable(Ctx))
    return std::nullopt;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    if (isa<FunctionDecl, EnumConstantDecl>(Ref->getDecl()))
      return std::nullopt; // std::endl, an enumerator
  if (isEscapingCall(E))
    return std::nullopt;
  Found Built;
  if (builtFromParts(E, JoinedAt, Role::Part, Built))
    return Built;
  E = streamOf(E);
  const RuntimePart Here{Original, JoinedAt};
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    if (!Var)
      return Here;
    // const/constexpr with a constant initialiser, wherever declared.
    if ((Var->isConstexpr() || Var->getType().isConstant(Ctx)) &&
        !isa<ParmVarDecl>(Var) && Var->getAnyInitializer())
      return part(Var->getAnyInitializer(), JoinedAt);
    if (!localVar(E))
      return Here; // a parameter, a global or static that can change
    if (isEscapeDestination(Var))
      return std::nullopt;
    if (!Visiting.insert(Var).second)
      return std::nullopt;
    bool Unknown = false;
    Found Result;
    for (const Source &S : sourcesOf(Var, Unknown))
      if ((Result = part(S.Value, S.Whole ? JoinedAt : S.At)))
        break;
    Visiting.erase(Var);
    // Name the local that was joined, not where its value came from.
    return Result || Unknown ? Found(Here) : std::nullopt;
  }
  return Here; // a call result, a member, an element: known only at run time
}

bool Provenance::isEscapeDestination(const VarDecl *Var) {
  // PQescapeStringConn(conn, to, from, n, &err), PQescapeString(to, from, n),
  // mysql_real_escape_string(db, to, from, n): `to` holds an escaped value.
  const auto Names = ignoringParenImpCasts(declRefExpr(to(equalsNode(Var))));
  return !match(stmt(hasDescendant(callExpr(anyOf(
                    allOf(callee(functionDecl(
                              hasAnyName("::PQescapeStringConn",
                                         "::mysql_real_escape_string",
                                         "::mysql_real_escape_string_quote",
                                         "::mysql_escape_string"))),
                          hasArgument(1, Names)),
                    allOf(callee(functionDecl(hasName("::PQescapeString"))),
                          hasArgument(0, Names)))))),
                *Body, Ctx)
              .empty();
}

/// A number formatted into \p Format (`snprintf(buf, n, "... %d", id)`)
/// cannot carry a quote or a keyword: not injectable. A character (`%c`) can,
/// so a format that has one keeps every argument.
static bool printsOnlyDigits(const CallExpr &Format, const Expr &Arg) {
  QualType T = Arg.IgnoreParenImpCasts()->getType();
  if (T.isNull() || T->isAnyCharacterType() ||
      !(T->isIntegerType() || T->isRealFloatingType()))
    return false;
  for (const Expr *A : Format.arguments())
    if (const auto *Literal = dyn_cast<StringLiteral>(A->IgnoreParenImpCasts()))
      if (Literal->isOrdinary() &&
          llvm::Regex("%[-+ #0-9.*hlLjzt]*c").match(Literal->getString()))
        return false;
  return true;
}

std::vector<Source> Provenance::sourcesOf(const VarDecl *Var, bool &Unknown) {
  std::vector<Source> Out;
  if (const Expr *Init = Var->getInit())
    if (!isStringStream(Var->getType()))
      Out.push_back({Init, Init, true});
  if (!Body)
    return Out;
  const auto Names = ignoringParenImpCasts(declRefExpr(to(equalsNode(Var))));
  static constexpr llvm::StringRef Node = "node";

  // q = x (std::string) and p = x (char pointer): the whole value.
  for (const BoundNodes &B : match(
           findAll(
               expr(anyOf(cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                                              hasArgument(0, Names)),
                          binaryOperator(hasOperatorName("="), hasLHS(Names))))
                   .bind(Node)),
           *Body, Ctx)) {
    const auto *E = B.getNodeAs<Expr>(Node);
    const Expr *RHS = isa<BinaryOperator>(E)
                          ? cast<BinaryOperator>(E)->getRHS()
                          : cast<CXXOperatorCallExpr>(E)->getArg(1);
    Out.push_back({RHS, E, true});
  }
  // buf[i] = c: a buffer filled element by element (a field copied out of
  // the request one character at a time) holds what its elements were.
  for (const BoundNodes &B :
       match(findAll(binaryOperator(hasOperatorName("="),
                                    hasLHS(ignoringParenImpCasts(
                                        arraySubscriptExpr(hasBase(Names)))))
                         .bind(Node)),
             *Body, Ctx)) {
    const auto *E = B.getNodeAs<BinaryOperator>(Node);
    Out.push_back({E->getRHS(), E, false});
  }
  // q += x
  for (const BoundNodes &B :
       match(findAll(cxxOperatorCallExpr(hasOverloadedOperatorName("+="),
                                         hasArgument(0, Names))
                         .bind(Node)),
             *Body, Ctx)) {
    const auto *E = B.getNodeAs<CXXOperatorCallExpr>(Node);
    Out.push_back({E->getArg(1), E, false});
  }
  // q.append(x), q.insert(0, x), q.assign(x), q.append(a).append(b)
  const auto Appending = cxxMethodDecl(
      hasAnyName("append", "insert", "replace", "push_back", "assign"));
  for (const BoundNodes &B :
       match(findAll(cxxMemberCallExpr(callee(Appending)).bind(Node)), *Body,
             Ctx)) {
    const auto *E = B.getNodeAs<CXXMemberCallExpr>(Node);
    const Expr *Root = E->getImplicitObjectArgument();
    while (Root) {
      Root = Root->IgnoreParenImpCasts();
      const auto *Inner = dyn_cast<CXXMemberCallExpr>(Root);
      if (!Inner ||
          match(cxxMemberCallExpr(callee(Appending)), *Inner, Ctx).empty())
        break;
      Root = Inner->getImplicitObjectArgument();
    }
    if (!Root || match(expr(Names), *Root, Ctx).empty())
      continue;
    const bool Assign =
        E->getMethodDecl()->getName() == "assign" && E->getNumArgs() == 1;
    for (const Expr *Arg : E->arguments())
      if (!isa<CXXDefaultArgExpr>(Arg))
        Out.push_back({Arg, E, Assign});
  }
  // snprintf(buf, n, fmt, ...), sprintf(buf, fmt, ...), strcat(buf, x),
  // strcpy(buf, x)
  for (const BoundNodes &B :
       match(findAll(callExpr(callee(functionDecl(hasAnyName(
                                  "::snprintf", "::sprintf", "::strcat",
                                  "::strncat", "::strcpy", "::strncpy"))),
                              hasArgument(0, Names))
                         .bind(Node)),
             *Body, Ctx)) {
    const auto *E = B.getNodeAs<CallExpr>(Node);
    const llvm::StringRef Name = E->getDirectCallee()->getName();
    const unsigned First = Name == "snprintf" ? 2 : 1;
    const bool Copy = Name.starts_with("strcpy") || Name.starts_with("strncpy");
    const bool Format = Name.ends_with("printf");
    for (unsigned I = First; I < E->getNumArgs(); ++I)
      if (!(Name.starts_with("strn") && I == 2) && // the length
          !(Format && I > First && printsOnlyDigits(*E, *E->getArg(I))))
        Out.push_back({E->getArg(I), E, Copy});
  }
  // oss << "SELECT " << id: every operand of a chain rooted at the stream.
  for (const BoundNodes &B :
       match(findAll(cxxOperatorCallExpr(hasOverloadedOperatorName("<<"),
                                         argumentCountIs(2))
                         .bind(Node)),
             *Body, Ctx)) {
    const auto *E = B.getNodeAs<CXXOperatorCallExpr>(Node);
    const Expr *Root = E->getArg(0)->IgnoreParenImpCasts();
    while (const auto *Inner = dyn_cast<CXXOperatorCallExpr>(Root)) {
      if (Inner->getOperator() != OO_LessLess || Inner->getNumArgs() != 2)
        break;
      Root = Inner->getArg(0)->IgnoreParenImpCasts();
    }
    if (!match(expr(Names), *Root, Ctx).empty())
      Out.push_back({E->getArg(1), E, false});
  }
  // std::cin >> q, getline(in, q), read(fd, buf, n), fill(&q): may write it.
  static constexpr llvm::StringRef Arg = "arg", Param = "param";
  for (const BoundNodes &B : match(
           findAll(callExpr(unless(cxxOperatorCallExpr(
                                hasAnyOverloadedOperatorName("<<", "=", "+="))),
                            forEachArgumentWithParamType(
                                expr(anyOf(Names, unaryOperator(
                                                      hasOperatorName("&"),
                                                      hasUnaryOperand(Names))))
                                    .bind(Arg),
                                qualType().bind(Param)))
                       .bind(Node)),
           *Body, Ctx)) {
    const auto *E = B.getNodeAs<CallExpr>(Node);
    const FunctionDecl *Callee = E->getDirectCallee();
    if (Callee && Callee->getIdentifier() &&
        llvm::is_contained(
            {"snprintf", "sprintf", "strcat", "strncat", "strcpy", "strncpy"},
            Callee->getName()))
      continue;
    const QualType *ParamType = B.getNodeAs<QualType>(Param);
    if (!ParamType || ParamType->isNull())
      continue;
    const bool AddressOf =
        isa<UnaryOperator>(B.getNodeAs<Expr>(Arg)->IgnoreParenImpCasts());
    QualType Pointee;
    if ((*ParamType)->isReferenceType())
      Pointee = (*ParamType)->getPointeeType();
    else if ((*ParamType)->isPointerType() &&
             (AddressOf || Var->getType()->isArrayType()))
      Pointee = (*ParamType)->getPointeeType(); // &q, or a buffer's elements
    if (!Pointee.isNull() && !Pointee.isConstQualified())
      Unknown = true;
  }
  // Report the first run-time part as written, whatever order the AST had.
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::stable_sort(Out, [&](const Source &A, const Source &B) {
    return SM.isBeforeInTranslationUnit(A.Value->getBeginLoc(),
                                        B.Value->getBeginLoc());
  });
  return Out;
}

/// The member holding text that \p E names: `m_sql`, `this->m_buf` (a
/// std::string, a string stream, a character array or pointer).
static const FieldDecl *textMember(const Expr *E) {
  const auto *Member =
      dyn_cast_or_null<MemberExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  const auto *Field =
      Member ? dyn_cast<FieldDecl>(Member->getMemberDecl()) : nullptr;
  if (!Field)
    return nullptr;
  QualType T = Field->getType();
  if (T->isArrayType() || T->isPointerType())
    return T->getPointeeOrArrayElementType()->isAnyCharacterType() ? Field
                                                                   : nullptr;
  const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
  return Record && Record->isInStdNamespace() && Record->getIdentifier() &&
                 llvm::is_contained({"basic_string", "basic_ostringstream",
                                     "basic_stringstream"},
                                    Record->getName())
             ? Field
             : nullptr;
}

const NamedDecl *Provenance::source(const Expr *E) {
  E = utils::ignoreStringWrappers(E);
  if (!E)
    return nullptr;
  E = streamOf(E);
  if (const FieldDecl *Field = textMember(E))
    return Field;
  if (const auto *Call = dyn_cast<CallExpr>(E->IgnoreParenImpCasts()))
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (!Ctx.getSourceManager().isInSystemHeader(
              Ctx.getSourceManager().getFileLoc(Callee->getLocation())))
        return Callee;
  const VarDecl *Var = localVar(E);
  if (!Var || !Visiting.insert(Var).second)
    return nullptr;
  bool Unknown = false;
  const NamedDecl *Found = nullptr;
  for (const Source &S : sourcesOf(Var, Unknown))
    if (S.Whole && (Found = source(S.Value)))
      break;
  Visiting.erase(Var);
  return Found;
}

std::optional<MemberJoin> Provenance::memberJoin(const Stmt &S) {
  auto Joined = [](const FieldDecl *Member,
                   Found Part) -> std::optional<MemberJoin> {
    if (!Member || !Part)
      return std::nullopt;
    return MemberJoin{Member, *Part};
  };
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(&S)) {
    if (Op->getNumArgs() != 2)
      return std::nullopt;
    const FieldDecl *Target = textMember(Op->getArg(0));
    switch (Op->getOperator()) {
    case OO_Equal: // m_sql = "SELECT ... '" + name + "'"
      return Target ? Joined(Target, query(Op->getArg(1))) : std::nullopt;
    case OO_PlusEqual: // m_sql += name
      return Target ? Joined(Target, part(Op->getArg(1), Op)) : std::nullopt;
    case OO_LessLess: { // m_sql << "INSERT ... " << name: every operand
      const Expr *Root = Op->getArg(0)->IgnoreParenImpCasts();
      while (const auto *Inner = dyn_cast<CXXOperatorCallExpr>(Root)) {
        if (Inner->getOperator() != OO_LessLess || Inner->getNumArgs() != 2)
          break;
        Root = Inner->getArg(0)->IgnoreParenImpCasts();
      }
      Target = textMember(Root);
      if (!Target || !isStringStream(Target->getType()))
        return std::nullopt;
      return Joined(Target, part(Op->getArg(1), Op));
    }
    default:
      return std::nullopt;
    }
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(&S)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (!Method || !Method->getIdentifier() ||
        !llvm::is_contained({"append", "insert", "assign"}, Method->getName()))
      return std::nullopt;
    const FieldDecl *Target = textMember(Call->getImplicitObjectArgument());
    if (!Target)
      return std::nullopt;
    for (const Expr *Arg : Call->arguments())
      if (!isa<CXXDefaultArgExpr>(Arg))
        if (Found F = part(Arg, Call))
          return Joined(Target, F);
    return std::nullopt;
  }
  const auto *Call = dyn_cast<CallExpr>(&S);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || !Callee->getIdentifier() || Call->getNumArgs() < 2 ||
      !llvm::is_contained({"snprintf", "sprintf", "strcat", "strncat"},
                          Callee->getName()))
    return std::nullopt;
  const FieldDecl *Target = textMember(Call->getArg(0));
  if (!Target)
    return std::nullopt;
  const llvm::StringRef Name = Callee->getName();
  const unsigned First = Name == "snprintf" ? 2 : 1;
  const bool Format = Name.ends_with("printf");
  for (unsigned I = First; I < Call->getNumArgs(); ++I)
    if (!(Name == "strncat" && I == 2) &&
        !(Format && I > First && printsOnlyDigits(*Call, *Call->getArg(I))))
      if (Found F = part(Call->getArg(I), Call))
        return Joined(Target, F);
  return std::nullopt;
}

} // namespace

const NamedDecl *wholeQuerySource(const Expr *Arg, const Stmt *Body,
                                  ASTContext &Ctx) {
  if (!Arg)
    return nullptr;
  return Provenance(Body, Ctx).source(Arg);
}

std::optional<MemberJoin> findMemberJoin(const Stmt &S, const Stmt *Body,
                                         ASTContext &Ctx) {
  return Provenance(Body, Ctx).memberJoin(S);
}

bool looksLikeSql(llvm::StringRef Text) {
  std::string Upper = Text.ltrim().upper();
  llvm::StringRef T(Upper);
  for (llvm::StringRef Start :
       {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "REPLACE "})
    if (T.starts_with(Start))
      return true;
  return T.contains(" WHERE ") || T.contains(" VALUES");
}

std::optional<RuntimePart> findRuntimePart(const Expr *Arg, const Stmt *Body,
                                           ASTContext &Ctx) {
  if (!Arg)
    return std::nullopt;
  return Provenance(Body, Ctx).query(Arg);
}

} // namespace loadcheck::model
