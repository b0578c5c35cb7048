//===--- HotPathAllocationCheck.cpp ---------------------------------------===//
#include "checks/memory/HotPathAllocationCheck.h"
#include "checks/model/HandOver.h"
#include "checks/model/PerRequestCandidate.h"
#include "checks/model/ProgramGraph.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::memory {

static constexpr llvm::StringRef ArrayNew = "array-new";
static constexpr llvm::StringRef MakeArray = "make-array";
static constexpr llvm::StringRef CAlloc = "c-alloc";
static constexpr llvm::StringRef SizedConstruct = "sized-construct";

HotPathAllocationCheck::HotPathAllocationCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
      MinBytes(Options.get("MinBytes", uint64_t{4096})),
      ReqOpts(model::RequestPathOptions::read(Options)) {}

void HotPathAllocationCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "MinBytes", MinBytes);
  ReqOpts.store(Options, Opts);
}

void HotPathAllocationCheck::registerMatchers(MatchFinder *Finder) {
  const auto Spelled = unless(isInTemplateInstantiation());

  // new char[65536]
  Finder->addMatcher(
      cxxNewExpr(isArray(), utils::inUserCode(), Spelled).bind(ArrayNew), this);
  // std::make_unique<char[]>(65536)
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasAnyName(
                   "::std::make_unique", "::std::make_unique_for_overwrite",
                   "::std::make_shared", "::std::make_shared_for_overwrite"))),
               argumentCountIs(1), utils::inUserCode(), Spelled)
          .bind(MakeArray),
      this);
  // malloc(65536), calloc(64, 1024)
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasAnyName(
                   "::malloc", "::calloc", "::std::malloc", "::std::calloc"))),
               utils::inUserCode(), Spelled)
          .bind(CAlloc),
      this);
  // std::vector<char> buf(65536);  std::string s(65536, ' ');
  // (the count constructors: the first parameter is the size_type count)
  Finder->addMatcher(
      cxxConstructExpr(
          hasDeclaration(cxxConstructorDecl(
              ofClass(hasAnyName("::std::vector", "::std::basic_string")),
              hasParameter(
                  0, parmVarDecl(hasType(hasCanonicalType(isInteger())))))),
          utils::inUserCode(), Spelled)
          .bind(SizedConstruct),
      this);
}

/// The value of \p E when it is a constant, else nullopt.
static std::optional<uint64_t> constantOf(const Expr *E, ASTContext &Ctx) {
  if (!E || E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  Expr::EvalResult Result;
  if (!E->EvaluateAsInt(Result, Ctx) || Result.Val.getInt().isNegative())
    return std::nullopt;
  return Result.Val.getInt().getLimitedValue();
}

/// sizeof(\p T) in bytes, or nullopt for incomplete and dependent types.
static std::optional<uint64_t> sizeOf(QualType T, ASTContext &Ctx) {
  if (T.isNull() || T->isDependentType() || T->isIncompleteType() ||
      T->isVoidType())
    return std::nullopt;
  return Ctx.getTypeSizeInChars(T).getQuantity();
}

static std::optional<uint64_t> product(std::optional<uint64_t> A,
                                       std::optional<uint64_t> B) {
  if (!A || !B)
    return std::nullopt;
  bool Overflow = false;
  uint64_t Out = llvm::SaturatingMultiply(*A, *B, &Overflow);
  return Out;
}

void HotPathAllocationCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  ASTContext &Ctx = *Result.Context;
  const auto &Nodes = Result.Nodes;
  if (const auto *New = Nodes.getNodeAs<CXXNewExpr>(ArrayNew)) {
    std::optional<const Expr *> Size = New->getArraySize();
    if (auto Bytes = product(constantOf(Size ? *Size : nullptr, Ctx),
                             sizeOf(New->getAllocatedType(), Ctx)))
      report(*New, *Bytes, Ctx);
    return;
  }
  if (const auto *Call = Nodes.getNodeAs<CallExpr>(MakeArray)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    const TemplateArgumentList *Args =
        Callee ? Callee->getTemplateSpecializationArgs() : nullptr;
    if (!Args || Args->size() == 0 ||
        Args->get(0).getKind() != TemplateArgument::Type)
      return;
    // Only the array forms: make_unique<T[]>(n).
    const auto *Array = Ctx.getAsIncompleteArrayType(Args->get(0).getAsType());
    if (!Array)
      return;
    if (auto Bytes = product(constantOf(Call->getArg(0), Ctx),
                             sizeOf(Array->getElementType(), Ctx)))
      report(*Call, *Bytes, Ctx);
    return;
  }
  if (const auto *Call = Nodes.getNodeAs<CallExpr>(CAlloc)) {
    std::optional<uint64_t> Bytes;
    if (Call->getNumArgs() == 1)
      Bytes = constantOf(Call->getArg(0), Ctx);
    else if (Call->getNumArgs() == 2)
      Bytes = product(constantOf(Call->getArg(0), Ctx),
                      constantOf(Call->getArg(1), Ctx));
    if (Bytes)
      report(*Call, *Bytes, Ctx);
    return;
  }
  if (const auto *Construct =
          Nodes.getNodeAs<CXXConstructExpr>(SizedConstruct)) {
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
        Construct->getType()->getAsCXXRecordDecl());
    if (!Spec || Construct->getNumArgs() == 0 ||
        Spec->getTemplateArgs().size() == 0 ||
        Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
      return;
    // std::string(n, c) takes the character second; the vector forms take
    // (n), (n, value) or (n, allocator).
    if (auto Bytes =
            product(constantOf(Construct->getArg(0), Ctx),
                    sizeOf(Spec->getTemplateArgs()[0].getAsType(), Ctx)))
      report(*Construct, *Bytes, Ctx);
  }
}

void HotPathAllocationCheck::report(const Expr &Allocation, uint64_t Bytes,
                                    ASTContext &Ctx) {
  if (Bytes < MinBytes)
    return;
  const VarDecl *Var = utils::initializedVariable(Allocation, Ctx);
  std::optional<model::PerRequestReason> Why =
      model::whyRecreatedPerRequest(Allocation, Var, Ctx, ReqOpts);
  if (!Why) {
    reportThroughCallers(Allocation, Var, Bytes, Ctx);
    return;
  }
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Allocation.getBeginLoc());
  if (!Reported.insert(Loc).second)
    return;
  diag(Loc, "%0-byte heap buffer per %select{iteration of|request in}1 '%2' "
            "contends on the allocator; reuse a buffer")
      << static_cast<unsigned>(std::min<uint64_t>(Bytes, UINT32_MAX))
      << Why->isRequest() << Why->subject()
      << utils::fileRange(Allocation.getSourceRange(), SM, getLangOpts());
  model::notePerRequestReason(*this, *Why);
}

/// A buffer allocated and freed on every call of a function that runs once
/// per call as far as it can tell, reported when a caller anywhere calls the
/// function per request or per iteration (a candidate of the program model).
void HotPathAllocationCheck::reportThroughCallers(const Expr &Allocation,
                                                  const VarDecl *Var,
                                                  uint64_t Bytes,
                                                  ASTContext &Ctx) {
  const FunctionDecl *Function = model::enclosingFunction(Allocation, Ctx);
  if (!Function || (Var && !Var->hasLocalStorage()) ||
      model::whyPerRequest(Allocation, Ctx, ReqOpts) ||
      model::isHandedOver(Allocation, Ctx))
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Allocation.getBeginLoc());
  if (Reported.contains(Loc))
    return;
  std::optional<model::LinkVerdict> Verdict = model::decidePerRequestCandidate(
      model::HotPathAllocationCheckName, Loc, *Function, Ctx);
  if (!Verdict)
    return;
  Reported.insert(Loc);
  diag(Loc, "%0-byte heap buffer per call of per-request '%1' contends on the allocator; reuse one")
      << static_cast<unsigned>(std::min<uint64_t>(Bytes, UINT32_MAX))
      << model::callableName(*Function)
      << utils::fileRange(Allocation.getSourceRange(), SM, getLangOpts());
  model::noteLinkVerdict(*this, *Verdict, Ctx);
}

} // namespace loadcheck::memory
