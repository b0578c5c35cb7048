//===--- TlsVerificationDisabledCheck.cpp ---------------------------------===//
#include "checks/security/TlsVerificationDisabledCheck.h"
#include "checks/utils/CurlOption.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::security {

static constexpr llvm::StringRef CurlCall = "curl-setopt";
static constexpr llvm::StringRef OpenSslCall = "openssl-set-verify";
static constexpr llvm::StringRef HttplibCall = "httplib-verification";
static constexpr llvm::StringRef AsioCall = "asio-verify-mode";
static constexpr llvm::StringRef Function = "function";

void TlsVerificationDisabledCheck::registerMatchers(MatchFinder *Finder) {
  const auto InFunction = forCallable(functionDecl().bind(Function));
  // curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L)
  Finder->addMatcher(
      callExpr(
          callee(functionDecl(hasName("::curl_easy_setopt"))),
          argumentCountIs(3),
          hasArgument(1, utils::curlOptionIs(enumConstantDecl(hasAnyName(
                             "CURLOPT_SSL_VERIFYPEER", "CURLOPT_SSL_VERIFYHOST",
                             "CURLOPT_PROXY_SSL_VERIFYPEER",
                             "CURLOPT_PROXY_SSL_VERIFYHOST")))),
          utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(CurlCall),
      this);
  // SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, cb), SSL_set_verify(ssl, ...)
  Finder->addMatcher(
      callExpr(callee(functionDecl(
                   hasAnyName("::SSL_CTX_set_verify", "::SSL_set_verify"))),
               argumentCountIs(3), utils::inUserCode(), optionally(InFunction),
               unless(isInTemplateInstantiation()))
          .bind(OpenSslCall),
      this);
  // cli.enable_server_certificate_verification(false)
  Finder->addMatcher(
      cxxMemberCallExpr(callee(cxxMethodDecl(
                            hasName("enable_server_certificate_verification"),
                            ofClass(cxxRecordDecl(hasAnyName(
                                "::httplib::Client", "::httplib::SSLClient",
                                "::httplib::ClientImpl"))))),
                        argumentCountIs(1), utils::inUserCode(),
                        unless(isInTemplateInstantiation()))
          .bind(HttplibCall),
      this);
  // ctx.set_verify_mode(boost::asio::ssl::verify_none)
  Finder->addMatcher(
      cxxMemberCallExpr(
          callee(cxxMethodDecl(
              hasName("set_verify_mode"),
              ofClass(cxxRecordDecl(hasAnyName(
                  "::boost::asio::ssl::context", "::boost::asio::ssl::stream",
                  "::boost::beast::ssl_stream"))))),
          argumentCountIs(1), utils::inUserCode(), optionally(InFunction),
          unless(isInTemplateInstantiation()))
          .bind(AsioCall),
      this);
}

static bool isConstantZero(const Expr *E, const ASTContext &Ctx) {
  Expr::EvalResult Value;
  if (!E || E->isValueDependent() || !E->EvaluateAsInt(Value, Ctx))
    return false;
  return Value.Val.getInt().isZero();
}

/// True when \p E mentions a server method or mode: `TLS_server_method()`,
/// `boost::asio::ssl::context::tls_server`, or a context made from one.
static bool mentionsServerSide(const Expr *E, ASTContext &Ctx, int Depth);

static bool declIsServerSide(const NamedDecl *D, ASTContext &Ctx, int Depth) {
  if (!D || Depth > 3)
    return false;
  if (const auto *Var = dyn_cast<VarDecl>(D))
    return mentionsServerSide(Var->getAnyInitializer(), Ctx, Depth + 1);
  const auto *Field = dyn_cast<FieldDecl>(D);
  if (!Field)
    return false;
  if (mentionsServerSide(Field->getInClassInitializer(), Ctx, Depth + 1))
    return true;
  // Ctx_(boost::asio::ssl::context::tls_server) in a constructor.
  const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!Record || !Record->hasDefinition())
    return false;
  for (const CXXConstructorDecl *Ctor : Record->ctors())
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->getMember() == Field &&
          mentionsServerSide(Init->getInit(), Ctx, Depth + 1))
        return true;
  return false;
}

static bool mentionsServerSide(const Expr *E, ASTContext &Ctx, int Depth) {
  if (!E)
    return false;
  const auto ServerName = namedDecl(matchesName("_server(_method)?$"));
  if (!match(expr(anyOf(declRefExpr(to(ServerName)),
                        hasDescendant(declRefExpr(to(ServerName))))),
             *E, Ctx)
           .empty())
    return true;
  // SSL_new(ctx), ssl::stream<...> s(io, ctx): follow the context.
  for (const BoundNodes &Ref :
       match(findAll(declRefExpr(to(varDecl())).bind("ref")), *E, Ctx))
    if (declIsServerSide(Ref.getNodeAs<DeclRefExpr>("ref")->getDecl(), Ctx,
                         Depth))
      return true;
  for (const BoundNodes &Ref :
       match(findAll(memberExpr(member(fieldDecl())).bind("ref")), *E, Ctx))
    if (declIsServerSide(Ref.getNodeAs<MemberExpr>("ref")->getMemberDecl(), Ctx,
                         Depth))
      return true;
  return false;
}

/// True when the TLS object \p Object is the server side of a connection:
/// made from a server method, or accepting in \p Function.
static bool isServerSide(const NamedDecl *Object, const FunctionDecl *Function,
                         ASTContext &Ctx) {
  if (!Object)
    return false;
  if (declIsServerSide(Object, Ctx, 0))
    return true;
  if (!Function || !Function->getBody())
    return false;
  const auto NamesObject =
      ignoringParenImpCasts(anyOf(declRefExpr(to(equalsNode(Object))),
                                  memberExpr(member(equalsNode(Object)))));
  return !match(stmt(hasDescendant(
                    callExpr(callee(functionDecl(hasAnyName(
                                 "::SSL_accept", "::SSL_set_accept_state"))),
                             hasArgument(0, NamesObject)))),
                *Function->getBody(), Ctx)
              .empty();
}

/// True when the file holding \p Loc checks the handshake's verdict itself:
/// `SSL_get_verify_result(ssl)` compared with `X509_V_OK` (or tested), directly
/// or through the variable it is stored in. Such a client sets
/// SSL_VERIFY_NONE only to finish the handshake and decide afterwards, as
/// curl's OpenSSL backend does; the decision may sit in another function.
static bool checksVerifyResultInFile(SourceLocation Loc, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const FileID File = SM.getFileID(SM.getFileLoc(Loc));
  const auto VerifyResult =
      callExpr(callee(functionDecl(hasName("::SSL_get_verify_result"))));
  const auto Tested = [](auto Value) {
    const auto Operand = ignoringParenImpCasts(Value);
    return stmt(anyOf(
        binaryOperator(isComparisonOperator(), hasEitherOperand(Operand)),
        unaryOperator(hasOperatorName("!"), hasUnaryOperand(Operand)),
        ifStmt(hasCondition(Operand)), switchStmt(hasCondition(Operand))));
  };
  // long err = SSL_get_verify_result(ssl);   err = SSL_get_verify_result(ssl);
  const auto Initialised =
      varDecl(hasInitializer(ignoringParenImpCasts(VerifyResult)))
          .bind("result");
  const auto Assigned = binaryOperator(
      isAssignmentOperator(), hasLHS(declRefExpr(to(varDecl().bind("result")))),
      hasRHS(ignoringParenImpCasts(VerifyResult)));
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (SM.getFileID(SM.getFileLoc(D->getLocation())) != File)
      continue;
    if (!match(decl(hasDescendant(Tested(VerifyResult))), *D, Ctx).empty())
      return true;
    auto Stored = match(decl(forEachDescendant(Initialised)), *D, Ctx);
    auto More = match(decl(forEachDescendant(Assigned)), *D, Ctx);
    Stored.append(More.begin(), More.end());
    for (const BoundNodes &Found : Stored) {
      const auto *Result = Found.getNodeAs<VarDecl>("result");
      const auto UsesResult = declRefExpr(to(equalsNode(Result)));
      if (!match(decl(hasDescendant(Tested(UsesResult))), *D, Ctx).empty())
        return true;
    }
  }
  return false;
}

/// Reports \p Setting (the expression in \p Range), which turns off
/// certificate (or, with \p Host, host name) verification of \p Object,
/// named when it is a variable or member.
static void report(clang::tidy::ClangTidyCheck &Check, SourceLocation Loc,
                   CharSourceRange Range, llvm::StringRef Setting, bool Host,
                   const Expr *Object) {
  const NamedDecl *Named = utils::namedEntity(Object);
  if (Named && Named->getIdentifier())
    Check.diag(Loc, "%0 disables TLS %select{certificate|host name}1 checks of "
                    "%2, so traffic can be intercepted; set trusted CAs")
        << Setting << Host << Named << Range;
  else
    Check.diag(Loc, "%0 disables TLS %select{certificate|host name}1 checks, "
                    "so traffic can be intercepted; set trusted CAs")
        << Setting << Host << Range;
}

void TlsVerificationDisabledCheck::check(
    const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  ASTContext &Ctx = *Result.Context;
  const SourceManager &SM = *Result.SourceManager;
  const auto *InFunction = Result.Nodes.getNodeAs<FunctionDecl>(Function);

  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(CurlCall)) {
    if (!isConstantZero(Call->getArg(2), Ctx))
      return;
    const EnumConstantDecl *Option = utils::curlOption(Call->getArg(1));
    report(
        *this, utils::userLocation(Call->getArg(2)->getBeginLoc(), SM),
        utils::fileRange(Call->getArg(2)->getSourceRange(), SM, getLangOpts()),
        ("'" + Option->getName() + "' = 0").str(),
        Option->getName().ends_with("VERIFYHOST"), Call->getArg(0));
    return;
  }

  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(OpenSslCall)) {
    if (!isConstantZero(Call->getArg(1), Ctx))
      return;
    if (isServerSide(utils::namedEntity(Call->getArg(0)), InFunction, Ctx))
      return;
    if (checksVerifyResultInFile(Call->getBeginLoc(), Ctx))
      return;
    report(
        *this, utils::userLocation(Call->getArg(1)->getBeginLoc(), SM),
        utils::fileRange(Call->getArg(1)->getSourceRange(), SM, getLangOpts()),
        "'SSL_VERIFY_NONE'", false, Call->getArg(0));
    return;
  }

  if (const auto *Call =
          Result.Nodes.getNodeAs<CXXMemberCallExpr>(HttplibCall)) {
    bool Enabled = true;
    const Expr *Arg = Call->getArg(0);
    if (Arg->isValueDependent() ||
        !Arg->EvaluateAsBooleanCondition(Enabled, Ctx) || Enabled)
      return;
    report(*this, Call->getExprLoc(),
           utils::fileRange(Call->getSourceRange(), SM, getLangOpts()),
           "'enable_server_certificate_verification(false)'", false,
           Call->getImplicitObjectArgument());
    return;
  }

  if (const auto *Call = Result.Nodes.getNodeAs<CXXMemberCallExpr>(AsioCall)) {
    if (!isConstantZero(Call->getArg(0), Ctx))
      return;
    const Expr *Object = Call->getImplicitObjectArgument();
    if (isServerSide(utils::namedEntity(Object), InFunction, Ctx))
      return;
    report(
        *this, utils::userLocation(Call->getArg(0)->getBeginLoc(), SM),
        utils::fileRange(Call->getArg(0)->getSourceRange(), SM, getLangOpts()),
        "'verify_none'", false, Object);
  }
}

} // namespace loadcheck::security
