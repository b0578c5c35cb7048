//===--- ClientPerRequestCheck.cpp ----------------------------------------===//
#include "checks/connections/ClientPerRequestCheck.h"
#include "checks/model/HandOver.h"
#include "checks/model/HandleCalls.h"
#include "checks/model/PerRequestCandidate.h"
#include "checks/model/ProgramGraph.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/CurlOption.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::connections {

static constexpr llvm::StringRef Construct = "construct";
static constexpr llvm::StringRef MakeSmart = "make-smart";
static constexpr llvm::StringRef FactoryCall = "factory-call";

namespace {
/// A function whose qualified name is in the list.
AST_MATCHER_P(FunctionDecl, isListedFunction, const NameList *, Names) {
  // Every call of the translation unit comes here: compare the plain name
  // first, print the qualified one only for candidates.
  return Node.getIdentifier() && Names->mayMatchUnqualified(Node.getName()) &&
         !Names->match(plainQualifiedName(Node)).empty();
}
} // namespace

ClientPerRequestCheck::ClientPerRequestCheck(llvm::StringRef Name,
                                             clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
      ExtraClientTypes(Options.get("ClientTypes", "")),
      ExtraClientFactories(Options.get("ClientFactories", "")),
      ClientTypes(NameList::withExtra(defaultClientTypes(), ExtraClientTypes)),
      ClientFactories(
          NameList::withExtra(defaultClientFactories(), ExtraClientFactories)),
      ReqOpts(model::RequestPathOptions::read(Options)) {}

void ClientPerRequestCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "ClientTypes", ExtraClientTypes);
  Options.store(Opts, "ClientFactories", ExtraClientFactories);
  ReqOpts.store(Options, Opts);
}

void ClientPerRequestCheck::registerMatchers(MatchFinder *Finder) {
  const auto Spelled = unless(isInTemplateInstantiation());

  // httplib::Client cli(host);  httplib::Client(host).Get("/");
  // new Poco::Net::HTTPClientSession(host)  (the type is judged in check())
  Finder->addMatcher(cxxConstructExpr(hasDeclaration(cxxConstructorDecl(
                                          unless(isCopyConstructor()),
                                          unless(isMoveConstructor()))),
                                      utils::inUserCode(), Spelled)
                         .bind(Construct),
                     this);
  // std::make_unique<pqxx::connection>(dsn): the construction itself is
  // in the standard library's headers.
  Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(
                                  "::std::make_unique", "::std::make_shared"))),
                              utils::inUserCode(), Spelled)
                         .bind(MakeSmart),
                     this);
  // CURL *h = curl_easy_init();  grpc::CreateChannel(target, creds)
  Finder->addMatcher(
      callExpr(callee(functionDecl(isListedFunction(&ClientFactories))),
               utils::inUserCode(), Spelled)
          .bind(FactoryCall),
      this);
}

/// The type std::make_unique<T>/make_shared<T> creates, as written (typedef
/// sugar kept: `pqxx::connection`), else as deduced.
static QualType createdType(const CallExpr &Call) {
  if (const auto *Ref =
          dyn_cast<DeclRefExpr>(Call.getCallee()->IgnoreParenImpCasts()))
    if (Ref->getNumTemplateArgs() > 0 &&
        Ref->getTemplateArgs()[0].getArgument().getKind() ==
            TemplateArgument::Type)
      return Ref->getTemplateArgs()[0].getArgument().getAsType();
  const FunctionDecl *Callee = Call.getDirectCallee();
  const TemplateArgumentList *Args =
      Callee ? Callee->getTemplateSpecializationArgs() : nullptr;
  if (!Args || Args->size() == 0 ||
      Args->get(0).getKind() != TemplateArgument::Type)
    return QualType();
  return Args->get(0).getAsType();
}

static bool setsCurlShare(const CallExpr &Call, const NamedDecl &Handle) {
  return utils::setsCurlOption(Call, Handle, {"CURLOPT_SHARE"});
}

/// True when the function declaring the curl handle \p Handle gives it a
/// CURLSH share (`CURLOPT_SHARE`), itself or through a helper it passes the
/// handle to: the connection cache, DNS and TLS sessions live in the share,
/// so a new handle reuses connections.
static bool usesCurlShare(const VarDecl &Handle, const SourceManager &SM) {
  const auto *Function =
      dyn_cast_or_null<FunctionDecl>(Handle.getParentFunctionOrMethod());
  return Function &&
         model::callsOnHandle(Function->getBody(), Handle, setsCurlShare, SM);
}

/// True when \p F is a method of the class of \p Created or of one of its
/// bases: the client library's own code (a redirect to another host builds a
/// client for that host).
static bool isOwnClientMethod(const FunctionDecl *F, QualType Created) {
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(F);
  const CXXRecordDecl *Client = Created->getAsCXXRecordDecl();
  if (!Method || !Client || !Client->hasDefinition())
    return false;
  const CXXRecordDecl *Owner = Method->getParent()->getCanonicalDecl();
  return Client->getCanonicalDecl() == Owner ||
         Client->isDerivedFrom(Method->getParent());
}

/// True when the handler of \p Why is such a method, known only by its
/// request parameter: it takes a request to send, not one to serve.
static bool isOwnClientMethod(const model::PerRequestReason &Why,
                              QualType Created) {
  return !Why.HandlerLambda && Why.Via == model::HandlerVia::RequestParameter &&
         isOwnClientMethod(Why.Handler, Created);
}

void ClientPerRequestCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  ASTContext &Ctx = *Result.Context;
  if (const auto *E = Result.Nodes.getNodeAs<CXXConstructExpr>(Construct)) {
    std::string TypeName = clientTypeName(E->getType(), ClientTypes, Ctx);
    if (TypeName.empty())
      return;
    report(*E, utils::initializedVariable(*E, Ctx), TypeName, nullptr, Ctx);
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(MakeSmart)) {
    QualType Created = createdType(*Call);
    if (Created.isNull())
      return;
    std::string TypeName = clientTypeName(Created, ClientTypes, Ctx);
    if (TypeName.empty())
      return;
    report(*Call, utils::initializedVariable(*Call, Ctx), TypeName, nullptr,
           Ctx);
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(FactoryCall)) {
    const VarDecl *Var = utils::initializedVariable(*Call, Ctx);
    if (Var && usesCurlShare(*Var, Ctx.getSourceManager()))
      return;
    report(*Call, Var, "", Call->getDirectCallee(), Ctx);
  }
}

void ClientPerRequestCheck::report(const Expr &Created, const VarDecl *Var,
                                   llvm::StringRef TypeName,
                                   const FunctionDecl *Factory,
                                   ASTContext &Ctx) {
  std::optional<model::PerRequestReason> Why =
      model::whyRecreatedPerRequest(Created, Var, Ctx, ReqOpts);
  if (!Why) {
    reportThroughCallers(Created, Var, TypeName, Factory, Ctx);
    return;
  }
  if (!Factory && isOwnClientMethod(*Why, Created.getType()))
    return;

  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Var && !Factory ? Var->getLocation()
                                                     : Created.getBeginLoc());
  if (!Reported.insert(Loc).second)
    return;
  CharSourceRange Range = utils::fileRange(
      Var && !Factory ? Var->getSourceRange() : Created.getSourceRange(), SM,
      getLangOpts());
  if (Factory)
    diag(Loc, "'%0' is called per %select{iteration of|request in}1 '%2', "
              "paying connection setup each time; reuse one")
        << plainQualifiedName(*Factory) << Why->isRequest() << Why->subject()
        << Range;
  else if (Var)
    diag(Loc, "client %0 of type '%1' made per %select{iteration of|request "
              "in}2 '%3' pays setup each time; reuse one")
        << Var << TypeName << Why->isRequest() << Why->subject() << Range;
  else
    diag(Loc, "'%0' is created per %select{iteration of|request in}1 '%2', "
              "paying connection setup each time; reuse one")
        << TypeName << Why->isRequest() << Why->subject() << Range;

  model::notePerRequestReason(*this, *Why);
}

/// Whether \p Created lives and dies in one call of its function, which
/// runs once per call as far as the function itself can tell: no loop or
/// handler around it, a local (not a static or a global), not handed over.
static bool diesWithEachCall(const Expr &Created, const VarDecl *Var,
                             ASTContext &Ctx,
                             const model::RequestPathOptions &Opts) {
  if (Var && !Var->hasLocalStorage())
    return false;
  return !model::whyPerRequest(Created, Ctx, Opts) &&
         !model::isHandedOver(Created, Ctx);
}

/// True when \p Created connects a handle its function was given
/// (`mysql_real_connect(conn, ...)` on a parameter `MYSQL *conn`): the caller
/// owns the handle, made once or pooled; the caller's own creation is what
/// is judged.
static bool connectsGivenHandle(const Expr &Created) {
  const auto *Call = dyn_cast<CallExpr>(&Created);
  if (!Call || Call->getNumArgs() == 0)
    return false;
  const auto *Ref =
      dyn_cast<DeclRefExpr>(Call->getArg(0)->IgnoreParenImpCasts());
  const auto *Param = Ref ? dyn_cast<ParmVarDecl>(Ref->getDecl()) : nullptr;
  return Param && Param->getType()->isPointerType() &&
         Param->getType().getCanonicalType().getUnqualifiedType() ==
             Call->getType().getCanonicalType().getUnqualifiedType();
}

/// True when \p Call adds the curl easy handle \p Handle to a multi handle:
/// the multi owns it from then on and its connection cache serves it, so a
/// helper adding one transfer per call (`add_transfer(multi, url)`) reuses
/// connections.
static bool addsToMulti(const CallExpr &Call, const NamedDecl &Handle) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  return Callee && Callee->getIdentifier() &&
         Callee->getName() == "curl_multi_add_handle" &&
         Call.getNumArgs() == 2 &&
         utils::namedEntity(Call.getArg(1)) == &Handle;
}

void ClientPerRequestCheck::reportThroughCallers(const Expr &Created,
                                                 const VarDecl *Var,
                                                 llvm::StringRef TypeName,
                                                 const FunctionDecl *Factory,
                                                 ASTContext &Ctx) {
  const FunctionDecl *Function = model::enclosingFunction(Created, Ctx);
  if (!Function || !diesWithEachCall(Created, Var, Ctx, ReqOpts) ||
      connectsGivenHandle(Created) ||
      (!Factory && isOwnClientMethod(Function, Created.getType())))
    return;
  if (Var && Factory &&
      model::callsOnHandle(Function->getBody(), *Var, addsToMulti,
                           Ctx.getSourceManager()))
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Var && !Factory ? Var->getLocation()
                                                     : Created.getBeginLoc());
  if (Reported.contains(Loc))
    return;
  std::optional<model::LinkVerdict> Verdict = model::decidePerRequestCandidate(
      model::ClientPerRequestCheckName, Loc, *Function, Ctx);
  if (!Verdict)
    return;
  Reported.insert(Loc);
  CharSourceRange Range = utils::fileRange(
      Var && !Factory ? Var->getSourceRange() : Created.getSourceRange(), SM,
      getLangOpts());
  std::string Caller = model::callableName(*Function);
  if (Factory)
    diag(Loc, "'%0' on each call of per-request '%1' pays connection setup every time; reuse one client")
        << plainQualifiedName(*Factory) << Caller << Range;
  else if (Var)
    diag(Loc, "client %0 ('%1') made on each call of '%2', which runs per request; reuse one")
        << Var << TypeName << Caller << Range;
  else
    diag(Loc, "'%0' created on each call of per-request '%1' pays setup every time; reuse one")
        << TypeName << Caller << Range;
  model::noteLinkVerdict(*this, *Verdict, Ctx);
}

} // namespace loadcheck::connections
