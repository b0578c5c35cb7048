//===--- CurlOption.cpp - the CURLOPT_* a curl_easy_setopt call sets
//-------===//
#include "checks/utils/CurlOption.h"
#include "checks/utils/NamedEntity.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::utils {

/// The local copy of an option: curl's macro names it `_curl_opt`; a user's
/// own copy counts when it is const.
static bool isOptionCopy(const VarDecl &Var) {
  return Var.hasLocalStorage() && !isa<ParmVarDecl>(Var) && Var.getInit() &&
         ((Var.getIdentifier() && Var.getName() == "_curl_opt") ||
          Var.getType().isConstQualified());
}

const EnumConstantDecl *curlOption(const Expr *Option) {
  const auto *Ref = dyn_cast_or_null<DeclRefExpr>(
      Option ? Option->IgnoreParenImpCasts() : nullptr);
  if (!Ref)
    return nullptr;
  if (const auto *Enumerator = dyn_cast<EnumConstantDecl>(Ref->getDecl()))
    return Enumerator;
  const auto *Copy = dyn_cast<VarDecl>(Ref->getDecl());
  if (!Copy || !isOptionCopy(*Copy))
    return nullptr;
  const auto *Init =
      dyn_cast<DeclRefExpr>(Copy->getInit()->IgnoreParenImpCasts());
  return Init ? dyn_cast<EnumConstantDecl>(Init->getDecl()) : nullptr;
}

namespace {
AST_MATCHER(VarDecl, isOptionCopyDecl) { return isOptionCopy(Node); }
} // namespace

clang::ast_matchers::internal::Matcher<Expr>
curlOptionIs(const DeclarationMatcher &Enumerator) {
  const auto Direct = declRefExpr(to(Enumerator));
  return ignoringParenImpCasts(declRefExpr(to(anyOf(
      Enumerator, varDecl(isOptionCopyDecl(),
                          hasInitializer(ignoringParenImpCasts(Direct)))))));
}

bool setsCurlOption(const CallExpr &Call, const NamedDecl &Handle,
                    llvm::ArrayRef<llvm::StringRef> Options) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier() ||
      Callee->getName() != "curl_easy_setopt" || Call.getNumArgs() < 2 ||
      namedEntity(Call.getArg(0)) != &Handle)
    return false;
  const EnumConstantDecl *Option = curlOption(Call.getArg(1));
  return Option && llvm::is_contained(Options, Option->getName());
}

} // namespace loadcheck::utils
