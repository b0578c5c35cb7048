//===--- UnboundedQueueCheck.cpp ------------------------------------------===//
#include "checks/concurrency/UnboundedQueueCheck.h"
#include "checks/model/LockModel.h"
#include "checks/model/SyncFacts.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/Support/Regex.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {
namespace {

constexpr llvm::StringRef PushBinding = "push";
constexpr llvm::StringRef FieldBinding = "field";

/// Whether \p S is or contains `Field.size()`.
bool mentionsSizeOf(const Stmt *S, const FieldDecl &Field) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
    if (const CXXMethodDecl *M = Call->getMethodDecl();
        M && M->getIdentifier() && M->getName() == "size" &&
        utils::namedObject(Call->getImplicitObjectArgument()) == &Field)
      return true;
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return mentionsSizeOf(Child, Field);
  });
}

/// Whether \p S is or contains a data member of \p Class named like a bound.
bool mentionsBoundMember(const Stmt *S, const CXXRecordDecl &Class) {
  if (!S)
    return false;
  if (const auto *Member = dyn_cast<MemberExpr>(S))
    if (const auto *F = dyn_cast<FieldDecl>(Member->getMemberDecl());
        F && F->getParent() == &Class && F->getIdentifier()) {
      static const llvm::Regex Bound(
          "capacity|limit|max|bound|size|depth|pending|cap_|^cap$",
          llvm::Regex::IgnoreCase);
      if (Bound.match(F->getName()))
        return true;
    }
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return mentionsBoundMember(Child, Class);
  });
}

/// The two operands of a comparison, or nothing.
std::optional<std::pair<const Expr *, const Expr *>>
comparisonOperands(const Stmt *S, bool RelationalOnly) {
  if (const auto *Op = dyn_cast<BinaryOperator>(S))
    if (RelationalOnly ? Op->isRelationalOp() : Op->isComparisonOp())
      return std::make_pair(Op->getLHS(), Op->getRHS());
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S))
    if (Op->getNumArgs() == 2 &&
        (RelationalOnly ? llvm::is_contained({OO_Less, OO_LessEqual, OO_Greater,
                                              OO_GreaterEqual},
                                             Op->getOperator())
                        : Op->isComparisonOp()))
      return std::make_pair(Op->getArg(0), Op->getArg(1));
  return std::nullopt;
}

/// Whether \p S compares the container's size, or a bound member of its
/// class, with anything; looking \p Depth levels into the class's own
/// methods it calls.
bool checksCapacity(const Stmt *S, const FieldDecl &Field, unsigned Depth) {
  if (!S)
    return false;
  const auto *Class = dyn_cast<CXXRecordDecl>(Field.getParent());
  if (!Class)
    return false;
  if (auto Operands = comparisonOperands(S, /*RelationalOnly=*/false)) {
    auto [L, R] = *Operands;
    if (mentionsSizeOf(L, Field) || mentionsSizeOf(R, Field))
      return true;
    if (comparisonOperands(S, /*RelationalOnly=*/true) &&
        (mentionsBoundMember(L, *Class) || mentionsBoundMember(R, *Class)))
      return true;
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S); Call && Depth > 0)
    if (const CXXMethodDecl *M = Call->getMethodDecl();
        M && M->getParent() == Class)
      if (const FunctionDecl *Def = M->getDefinition())
        if (checksCapacity(Def->getBody(), Field, Depth - 1))
          return true;
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return checksCapacity(Child, Field, Depth);
  });
}

/// Whether \p S waits on a condition variable or semaphore before \p Loc.
bool waitsBefore(const Stmt *S, SourceLocation Loc, const SourceManager &SM) {
  if (!S)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S);
      Call && model::isConditionWaitCall(*Call) &&
      SM.isBeforeInTranslationUnit(Call->getBeginLoc(), Loc))
    return true;
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return waitsBefore(Child, Loc, SM);
  });
}

/// A hand-made work queue: a class with a mutex and a condition variable.
bool isWorkQueueClass(const RecordDecl &Class) {
  bool Mutex = false, CondVar = false;
  for (const FieldDecl *F : Class.fields()) {
    Mutex |= model::isLockType(F->getType());
    CondVar |= model::isConditionVariableType(F->getType());
  }
  return Mutex && CondVar;
}

} // namespace

void UnboundedQueueCheck::registerMatchers(MatchFinder *Finder) {
  // jobs_.push(job), items_.emplace_back(...) on a std::queue/deque/list
  // data member, through aliases.
  const auto QueueType = qualType(hasUnqualifiedDesugaredType(
      recordType(hasDeclaration(classTemplateSpecializationDecl(
          hasAnyName("::std::queue", "::std::deque", "::std::list"))))));
  Finder->addMatcher(
      cxxMemberCallExpr(callee(cxxMethodDecl(hasAnyName(
                            "push", "push_back", "emplace", "emplace_back"))),
                        on(memberExpr(member(
                            fieldDecl(hasType(QueueType)).bind(FieldBinding)))),
                        utils::inUserCode())
          .bind(PushBinding),
      this);
}

void UnboundedQueueCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const auto *Push = Result.Nodes.getNodeAs<CXXMemberCallExpr>(PushBinding);
  const auto *Field = Result.Nodes.getNodeAs<FieldDecl>(FieldBinding);
  ASTContext &Ctx = *Result.Context;
  if (!isWorkQueueClass(*Field->getParent()))
    return;
  const FunctionDecl *Method = model::enclosingNamedFunction(*Push, Ctx);
  if (!Method || !Method->getBody())
    return;
  // Filling the queue while the object is built: no producer runs yet.
  if (isa<CXXConstructorDecl>(Method))
    return;
  const SourceManager &SM = *Result.SourceManager;
  if (waitsBefore(Method->getBody(), Push->getBeginLoc(), SM) ||
      checksCapacity(Method->getBody(), *Field, /*Depth=*/1))
    return;
  SourceLocation Loc = SM.getFileLoc(Push->getExprLoc());
  if (!Reported.insert(Loc).second)
    return;
  diag(Loc, "push onto %0 has no bound, so overload grows memory until OOM; "
            "check its size or wait for room")
      << Field << utils::fileRange(Push->getSourceRange(), SM, getLangOpts());
  diag(SM.getFileLoc(Field->getLocation()), "%0 declared here",
       DiagnosticIDs::Note)
      << Field;
}

} // namespace loadcheck::concurrency
