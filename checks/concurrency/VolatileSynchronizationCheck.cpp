//===--- VolatileSynchronizationCheck.cpp ---------------------------------===//
#include "checks/concurrency/VolatileSynchronizationCheck.h"
#include "checks/model/SyncFacts.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {
namespace {

constexpr llvm::StringRef UseBinding = "use";
constexpr llvm::StringRef DeclBinding = "decl";
constexpr llvm::StringRef HandlerBinding = "handler";

/// The parent of \p S, looking through parentheses.
DynTypedNode parentOf(const Stmt &S, ASTContext &Ctx, const Stmt *&Child) {
  const Stmt *Current = &S;
  while (true) {
    DynTypedNodeList Parents = Ctx.getParents(*Current);
    if (Parents.empty())
      return DynTypedNode();
    if (const auto *Paren = Parents[0].get<ParenExpr>()) {
      Current = Paren;
      continue;
    }
    Child = Current;
    return Parents[0];
  }
}

/// Whether the value loaded by \p Load (an lvalue-to-rvalue cast) can come
/// from a std::atomic unchanged: not deduced into `auto`, a template
/// argument or a by-copy lambda capture, which would copy the atomic.
bool plainLoad(const ImplicitCastExpr &Load, ASTContext &Ctx) {
  const Stmt *Child = nullptr;
  DynTypedNode Parent = parentOf(Load, Ctx, Child);
  if (const auto *Var = Parent.get<VarDecl>())
    return !Var->getType()->getContainedDeducedType();
  if (Parent.get<LambdaExpr>())
    return false;
  if (const auto *Call = Parent.get<CallExpr>())
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      return !Callee->getPrimaryTemplate();
  return true;
}

/// Whether the value of the assignment \p Assign is used only as a value
/// (std::atomic's operator= returns a copy, not a reference).
bool plainStore(const BinaryOperator &Assign, ASTContext &Ctx) {
  const Stmt *Child = nullptr;
  DynTypedNode Parent = parentOf(Assign, Ctx, Child);
  if (const auto *Cast = Parent.get<ImplicitCastExpr>())
    return Cast->getCastKind() == CK_LValueToRValue;
  return !Parent.get<Expr>();
}

/// Whether \p Use is (inside) the condition of a loop, or of an
/// `if (...) break;` or `if (...) return;` directly in a loop body.
bool inLoopCondition(const Expr &Use, ASTContext &Ctx) {
  const Stmt *Current = &Use;
  while (true) {
    DynTypedNodeList Parents = Ctx.getParents(*Current);
    if (Parents.empty())
      return false;
    const Stmt *Parent = Parents[0].get<Stmt>();
    if (!Parent)
      return false;
    if (const auto *E = dyn_cast<Expr>(Parent); E && !isa<LambdaExpr>(E)) {
      Current = Parent;
      continue;
    }
    if (const auto *While = dyn_cast<WhileStmt>(Parent))
      return While->getCond() == Current;
    if (const auto *Do = dyn_cast<DoStmt>(Parent))
      return Do->getCond() == Current;
    if (const auto *For = dyn_cast<ForStmt>(Parent))
      return For->getCond() == Current;
    if (const auto *If = dyn_cast<IfStmt>(Parent)) {
      const Stmt *Then = If->getThen();
      if (const auto *Block = dyn_cast<CompoundStmt>(Then);
          Block && Block->size() == 1)
        Then = Block->body_front();
      if (If->getCond() != Current || !isa<BreakStmt, ReturnStmt>(Then))
        return false;
      DynTypedNodeList Up = Ctx.getParents(*If);
      const auto *Body = Up.empty() ? nullptr : Up[0].get<CompoundStmt>();
      if (!Body)
        return false;
      DynTypedNodeList Loop = Ctx.getParents(*Body);
      return !Loop.empty() && (Loop[0].get<WhileStmt>() ||
                               Loop[0].get<DoStmt>() || Loop[0].get<ForStmt>());
    }
    return false;
  }
}

bool isSigAtomic(QualType T) {
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl()->getName() == "sig_atomic_t")
      return true;
    T = TT->desugar();
  }
  return false;
}

/// Another declarator of the same declaration: `volatile bool a, b;`.
bool sharesDeclaration(const ValueDecl &D) {
  const DeclContext *DC = D.getDeclContext();
  return llvm::any_of(DC->decls(), [&](const Decl *Other) {
    return Other != &D && isa<DeclaratorDecl>(Other) &&
           Other->getBeginLoc() == D.getBeginLoc();
  });
}

/// Whether a defaulted copy or move of \p Class is used: a std::atomic
/// member would delete it.
bool copiedOrMoved(const CXXRecordDecl &Class) {
  for (const CXXConstructorDecl *Ctor : Class.ctors())
    if (Ctor->isCopyOrMoveConstructor() && Ctor->isDefaulted() &&
        Ctor->isUsed())
      return true;
  for (const CXXMethodDecl *Method : Class.methods())
    if ((Method->isCopyAssignmentOperator() ||
         Method->isMoveAssignmentOperator()) &&
        Method->isDefaulted() && Method->isUsed())
      return true;
  return false;
}

} // namespace

VolatileSynchronizationCheck::VolatileSynchronizationCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : ClangTidyCheck(Name, Ctx),
      Inserter(Options.getLocalOrGlobal("IncludeStyle",
                                        tidy::utils::IncludeSorter::IS_LLVM),
               areDiagsSelfContained()) {}

void VolatileSynchronizationCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "IncludeStyle", Inserter.getStyle());
}

void VolatileSynchronizationCheck::registerPPCallbacks(const SourceManager &,
                                                       Preprocessor *PP,
                                                       Preprocessor *) {
  Inserter.registerPreprocessor(PP);
}

void VolatileSynchronizationCheck::onStartOfTranslationUnit() {
  Uses.clear();
  SignalHandlers.clear();
  Context = nullptr;
}

void VolatileSynchronizationCheck::registerMatchers(MatchFinder *Finder) {
  // A volatile scalar object: `volatile bool stop;`, not `volatile int *p`
  // (pointer to volatile: not volatile itself), not `int *volatile p`.
  const auto VolatileScalar =
      qualType(isVolatileQualified(),
               hasCanonicalType(anyOf(builtinType(), enumType())));
  // Every use as written (template patterns, not their instantiations).
  Finder->addMatcher(
      declRefExpr(to(varDecl(hasType(VolatileScalar)).bind(DeclBinding)),
                  utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(UseBinding),
      this);
  Finder->addMatcher(
      memberExpr(member(fieldDecl(hasType(VolatileScalar)).bind(DeclBinding)),
                 utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(UseBinding),
      this);
  // Signal handlers: signal(SIGTERM, onTerm), sa.sa_handler = onTerm.
  const auto Handler = expr(ignoringParenImpCasts(
      anyOf(declRefExpr(to(functionDecl().bind(HandlerBinding))),
            unaryOperator(hasOperatorName("&"),
                          hasUnaryOperand(declRefExpr(
                              to(functionDecl().bind(HandlerBinding))))))));
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasAnyName(
                   "::signal", "::sigset", "::bsd_signal", "::sysv_signal"))),
               hasArgument(1, Handler)),
      this);
  Finder->addMatcher(
      binaryOperator(
          isAssignmentOperator(),
          hasLHS(memberExpr(member(hasAnyName("sa_handler", "sa_sigaction")))),
          hasRHS(Handler)),
      this);
}

void VolatileSynchronizationCheck::check(
    const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  Context = &Ctx;
  if (const auto *Handler =
          Result.Nodes.getNodeAs<FunctionDecl>(HandlerBinding)) {
    SignalHandlers.insert(Handler->getCanonicalDecl());
    return;
  }
  const auto *Use = Result.Nodes.getNodeAs<Expr>(UseBinding);
  const auto *D = Result.Nodes.getNodeAs<ValueDecl>(DeclBinding);
  if (!Use || !D)
    return;

  UseKind Kind = UseKind::Other;
  bool Plain = false;
  const Stmt *Child = nullptr;
  DynTypedNode Parent = parentOf(*Use, Ctx, Child);
  if (const auto *Op = Parent.get<BinaryOperator>();
      Op && Op->isAssignmentOp() && Op->getLHS()->IgnoreParens() == Use) {
    Kind = UseKind::Write;
    Plain = Op->getOpcode() == BO_Assign && plainStore(*Op, Ctx);
  } else if (const auto *Op = Parent.get<UnaryOperator>();
             Op && Op->isIncrementDecrementOp()) {
    Kind = UseKind::Write;
  } else if (const auto *Lambda = Parent.get<LambdaExpr>()) {
    // `[&done]`: a reference to a std::atomic is as good; a copy is not.
    Plain = llvm::any_of(Lambda->captures(), [&](const LambdaCapture &C) {
      return C.capturesVariable() && C.getCapturedVar() == D &&
             C.getCaptureKind() == LCK_ByRef;
    });
  } else if (const auto *Cast = Parent.get<ImplicitCastExpr>();
             Cast && Cast->getCastKind() == CK_LValueToRValue) {
    Kind = inLoopCondition(*Use, Ctx) ? UseKind::LoopRead : UseKind::Read;
    Plain = plainLoad(*Cast, Ctx);
  }
  const FunctionDecl *Function = model::enclosingFunction(*Use, Ctx);
  // A read anywhere in a thread entry (thread-entry model) is a
  // cross-thread read, loop or not.
  if (Kind == UseKind::Read && Function &&
      model::ThreadEntryIndex::get(Ctx).isThreadEntry(Function))
    Kind = UseKind::EntryRead;
  Uses[D].push_back({Use, Function, Kind, Plain});
}

void VolatileSynchronizationCheck::onEndOfTranslationUnit() {
  if (!Context)
    return;
  for (const auto &[D, DeclUses] : Uses)
    reportIfShared(*D, DeclUses);
}

void VolatileSynchronizationCheck::reportIfShared(
    const ValueDecl &D, llvm::ArrayRef<Use> DeclUses) {
  const SourceManager &SM = Context->getSourceManager();
  if (SM.isInSystemHeader(D.getLocation()))
    return;
  // volatile sig_atomic_t is the one type the standard allows a signal
  // handler to write; a handler's flag is not a thread flag.
  if (isSigAtomic(D.getType()))
    return;
  if (llvm::any_of(DeclUses, [&](const Use &U) {
        return U.Kind == UseKind::Write && U.Function &&
               SignalHandlers.contains(U.Function->getCanonicalDecl());
      }))
    return;
  // A write in one function, a loop-condition read in another.
  const Use *Write = nullptr, *Read = nullptr;
  for (const Use &R : DeclUses) {
    if (R.Kind != UseKind::LoopRead && R.Kind != UseKind::EntryRead)
      continue;
    for (const Use &W : DeclUses)
      if (W.Kind == UseKind::Write && W.Function && R.Function &&
          W.Function->getCanonicalDecl() != R.Function->getCanonicalDecl()) {
        Write = &W;
        Read = &R;
        break;
      }
    if (Write)
      break;
  }
  if (!Write)
    return;

  SourceLocation Loc = SM.getFileLoc(D.getLocation());
  {
    auto Diag = diag(Loc, "volatile %0 signals between threads but orders "
                          "nothing, so readers miss it; use "
                          "%select{std::atomic|_Atomic}1")
                << &D << !getLangOpts().CPlusPlus
                << utils::fileRange(D.getSourceRange(), SM, getLangOpts());
    if (auto Fixes = atomicFix(D, DeclUses))
      for (const FixItHint &Fix : *Fixes)
        Diag << Fix;
  }
  diag(SM.getFileLoc(Write->E->getExprLoc()), "%0 written here",
       DiagnosticIDs::Note)
      << &D;
  diag(SM.getFileLoc(Read->E->getExprLoc()),
       "%0 read %select{in a loop condition|by a thread entry}1 here",
       DiagnosticIDs::Note)
      << &D << (Read->Kind == UseKind::EntryRead);
}

std::optional<llvm::SmallVector<FixItHint, 2>>
VolatileSynchronizationCheck::atomicFix(const ValueDecl &D,
                                        llvm::ArrayRef<Use> DeclUses) {
  const SourceManager &SM = Context->getSourceManager();
  const LangOptions &LangOpts = getLangOpts();
  if (!LangOpts.CPlusPlus) // std::atomic is C++; C is told to use _Atomic
    return std::nullopt;
  if (llvm::any_of(DeclUses, [](const Use &U) { return !U.Plain; }))
    return std::nullopt;
  QualType T = D.getType();
  QualType Unqualified = T.getUnqualifiedType();
  if (T.isConstQualified() || !Unqualified->isIntegerType() ||
      Unqualified->isEnumeralType())
    return std::nullopt;
  const auto *Declarator = dyn_cast<DeclaratorDecl>(&D);
  if (!Declarator || !Declarator->getTypeSourceInfo())
    return std::nullopt;
  // Spelled as a builtin (`bool`, `unsigned long`), not through an alias.
  if (!Declarator->getTypeSourceInfo()
           ->getTypeLoc()
           .getUnqualifiedLoc()
           .getAs<BuiltinTypeLoc>())
    return std::nullopt;
  SourceLocation Begin = Declarator->getBeginLoc();
  SourceLocation Name = D.getLocation();
  if (Begin.isMacroID() || Name.isMacroID() || !SM.isInMainFile(Name) ||
      sharesDeclaration(D))
    return std::nullopt;
  if (const auto *Var = dyn_cast<VarDecl>(&D)) {
    // Parameters belong to their callers; another file may declare an
    // externally visible global `extern volatile bool`.
    if (isa<ParmVarDecl>(Var) || Var->getPreviousDecl() ||
        (!Var->isLocalVarDecl() && Var->isExternallyVisible()))
      return std::nullopt;
    if (!LangOpts.CPlusPlus17 && Var->getInit() &&
        Var->getInitStyle() == VarDecl::CInit)
      return std::nullopt; // `std::atomic<bool> x = false;` needs C++17
  } else if (const auto *Field = dyn_cast<FieldDecl>(&D)) {
    const auto *Class = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Class || Class->isDependentContext() || copiedOrMoved(*Class))
      return std::nullopt;
    if (!LangOpts.CPlusPlus17 && Field->hasInClassInitializer() &&
        Field->getInClassInitStyle() == ICIS_CopyInit)
      return std::nullopt;
  } else {
    return std::nullopt;
  }

  // Rewrite the decl-specifiers before the name: keep `static`, `inline`,
  // `thread_local`, `mutable`; the type keywords and `volatile` become one
  // `std::atomic<T>`. Anything else (attributes, alignas) is not rewritten.
  static constexpr llvm::StringRef Keep[] = {"static", "inline", "thread_local",
                                             "mutable"};
  static constexpr llvm::StringRef TypeWords[] = {
      "volatile", "bool",     "char",    "short",   "int",      "long",
      "signed",   "unsigned", "wchar_t", "char8_t", "char16_t", "char32_t"};
  std::string Text;
  bool TypeWritten = false;
  SourceLocation Loc = Begin;
  while (SM.isBeforeInTranslationUnit(Loc, Name)) {
    Token Tok;
    if (Lexer::getRawToken(Loc, Tok, SM, LangOpts, /*IgnoreWhiteSpace=*/true) ||
        Tok.isNot(tok::raw_identifier))
      return std::nullopt;
    if (!SM.isBeforeInTranslationUnit(Tok.getLocation(), Name))
      break; // the whitespace before the name led to the name itself
    llvm::StringRef Word = Tok.getRawIdentifier();
    if (llvm::is_contained(Keep, Word)) {
      Text += Word.str() + " ";
    } else if (llvm::is_contained(TypeWords, Word)) {
      if (!TypeWritten)
        Text += "std::atomic<" +
                Unqualified.getAsString(PrintingPolicy(LangOpts)) + "> ";
      TypeWritten = true;
    } else {
      return std::nullopt;
    }
    Loc = Tok.getEndLoc();
  }
  if (!TypeWritten)
    return std::nullopt;
  llvm::SmallVector<FixItHint, 2> Fixes;
  Fixes.push_back(FixItHint::CreateReplacement(
      CharSourceRange::getCharRange(Begin, Name), Text));
  if (auto Include = Inserter.createMainFileIncludeInsertion("<atomic>"))
    Fixes.push_back(*Include);
  return Fixes;
}

} // namespace loadcheck::concurrency
