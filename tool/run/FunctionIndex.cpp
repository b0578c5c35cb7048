#include "tool/run/FunctionIndex.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace loadcheck {

namespace {

std::string join(std::string Outer, llvm::StringRef Inner) {
  if (Outer.empty())
    return Inner.str();
  return Outer + "::" + Inner.str();
}

std::string lambdaName(const CXXRecordDecl &Closure);

/// The qualified name of the scope \p DC: namespaces and classes up to the
/// translation unit, or up to the function or lambda they are local to.
std::string contextName(const DeclContext *DC) {
  std::vector<std::string> Parts;
  std::string Outer;
  for (; DC; DC = DC->getParent()) {
    if (const auto *F = dyn_cast<FunctionDecl>(DC)) {
      Outer = enclosingFunctionName(*F);
      break;
    }
    if (const auto *R = dyn_cast<CXXRecordDecl>(DC); R && R->isLambda()) {
      Outer = lambdaName(*R);
      break;
    }
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      Parts.push_back(NS->isAnonymousNamespace() ? "(anonymous namespace)"
                                                 : NS->getNameAsString());
    else if (const auto *R = dyn_cast<RecordDecl>(DC))
      Parts.push_back(R->getIdentifier() ? R->getNameAsString()
                                         : "(anonymous)");
    // Linkage specifications, export and the translation unit add nothing.
  }
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It)
    Outer = join(std::move(Outer), *It);
  return Outer;
}

/// A lambda is named after what holds it: the function it is written in,
/// else the variable or field its initialiser defines, else its scope.
std::string lambdaName(const CXXRecordDecl &Closure) {
  const DeclContext *DC = Closure.getDeclContext();
  if (!isa<FunctionDecl>(DC))
    if (const auto *Holder =
            dyn_cast_or_null<NamedDecl>(Closure.getLambdaContextDecl());
        Holder && Holder->getIdentifier())
      return join(
          join(contextName(Holder->getDeclContext()), Holder->getName()),
          "(lambda)");
  return join(contextName(DC), "(lambda)");
}

/// Where a declaration begins, its template header included.
SourceLocation beginOf(const FunctionDecl &F) {
  if (const FunctionTemplateDecl *T = F.getDescribedFunctionTemplate())
    return T->getBeginLoc();
  return F.getOuterLocStart();
}

class Collector : public RecursiveASTVisitor<Collector> {
public:
  Collector(ASTContext &Ctx, FunctionIndex &Index,
            llvm::function_ref<std::string(llvm::StringRef)> NameFile)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), LangOpts(Ctx.getLangOpts()),
        Index(Index), NameFile(NameFile) {}

  bool VisitFunctionDecl(FunctionDecl *F) {
    if (F->isImplicit())
      return true;
    if (const auto *M = dyn_cast<CXXMethodDecl>(F);
        M && M->getParent()->isLambda())
      return true; // VisitLambdaExpr names the whole lambda
    record(SourceRange(beginOf(*F), F->getEndLoc()), enclosingFunctionName(*F));
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *E) {
    const CXXRecordDecl *Closure = E->getLambdaClass();
    if (!Closure)
      return true;
    std::string Name = lambdaName(*Closure);
    // Outside functions, clang records no holder for a plain variable's
    // lambda: find the variable or field it initialises.
    if (!isa<FunctionDecl>(Closure->getDeclContext()) &&
        !Closure->getLambdaContextDecl())
      if (const NamedDecl *Holder = initialised(*E))
        Name =
            join(join(contextName(Holder->getDeclContext()), Holder->getName()),
                 "(lambda)");
    record(E->getSourceRange(), std::move(Name));
    return true;
  }

private:
  /// The named variable or field whose initialiser is \p E (through the
  /// implicit nodes around it), or null.
  const NamedDecl *initialised(const LambdaExpr &E) {
    DynTypedNodeList Parents = Ctx.getParents(E);
    while (Parents.size() == 1) {
      if (const auto *D = Parents[0].get<Decl>()) {
        const auto *Named = dyn_cast<NamedDecl>(D);
        return Named && Named->getIdentifier() &&
                       (isa<VarDecl>(Named) || isa<FieldDecl>(Named))
                   ? Named
                   : nullptr;
      }
      const auto *S = Parents[0].get<Expr>();
      if (!S || !(isa<ImplicitCastExpr, ExprWithCleanups, CXXConstructExpr,
                      MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                      CXXFunctionalCastExpr>(S)))
        return nullptr;
      Parents = Ctx.getParents(*S);
    }
    return nullptr;
  }

  void record(SourceRange Range, std::string Name) {
    if (Range.isInvalid())
      return;
    CharSourceRange Expanded = SM.getExpansionRange(Range);
    SourceLocation End = Expanded.getEnd();
    if (Expanded.isTokenRange())
      End = Lexer::getLocForEndOfToken(End, 0, SM, LangOpts);
    if (End.isInvalid())
      return;
    auto [BeginFile, BeginOffset] = SM.getDecomposedLoc(Expanded.getBegin());
    auto [EndFile, EndOffset] = SM.getDecomposedLoc(End);
    if (BeginFile != EndFile || EndOffset < BeginOffset)
      return;
    OptionalFileEntryRef Entry = SM.getFileEntryRefForID(BeginFile);
    if (!Entry)
      return;
    Index.add(NameFile(Entry->getName()),
              {BeginOffset, EndOffset, std::move(Name)});
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const LangOptions &LangOpts;
  FunctionIndex &Index;
  llvm::function_ref<std::string(llvm::StringRef)> NameFile;
};

} // namespace

std::string enclosingFunctionName(const FunctionDecl &Function) {
  if (const auto *M = dyn_cast<CXXMethodDecl>(&Function);
      M && M->getParent()->isLambda())
    return lambdaName(*M->getParent());
  return join(contextName(Function.getDeclContext()),
              Function.getNameAsString());
}

void FunctionIndex::collect(
    ASTContext &Ctx,
    llvm::function_ref<std::string(llvm::StringRef)> NameFile) {
  Collector(Ctx, *this, NameFile).TraverseAST(Ctx);
}

std::string FunctionIndex::enclosing(const std::string &File,
                                     unsigned Offset) const {
  auto It = Ranges.find(File);
  if (It == Ranges.end())
    return "";
  const Range *Innermost = nullptr;
  for (const Range &R : It->second)
    if (R.Begin <= Offset && Offset < R.End &&
        (!Innermost || R.Begin > Innermost->Begin ||
         (R.Begin == Innermost->Begin && R.End < Innermost->End)))
      Innermost = &R;
  return Innermost ? Innermost->Name : "";
}

} // namespace loadcheck
