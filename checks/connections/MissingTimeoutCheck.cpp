//===--- MissingTimeoutCheck.cpp ------------------------------------------===//
#include "checks/connections/MissingTimeoutCheck.h"
#include "checks/connections/RedisOptions.h"
#include "checks/model/HandleCalls.h"
#include "checks/utils/CurlOption.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include <functional>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::connections {

static constexpr llvm::StringRef GrpcRpc = "grpc-rpc";
static constexpr llvm::StringRef GrpcContext = "grpc-context";
static constexpr llvm::StringRef CurlPerform = "curl-perform";
static constexpr llvm::StringRef HttplibRequest = "httplib-request";
static constexpr llvm::StringRef HttplibClient = "httplib-client";
static constexpr llvm::StringRef RedisConnect = "redis-connect";
static constexpr llvm::StringRef RedisOptionsConnect = "redis-options-connect";
static constexpr llvm::StringRef RedisOptionsVar = "redis-options";
static constexpr llvm::StringRef ConnString = "conn-string";

MissingTimeoutCheck::MissingTimeoutCheck(llvm::StringRef Name,
                                         clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
      DefaultTimeoutMs(Options.get("DefaultTimeoutMs", 5000U)) {}

void MissingTimeoutCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "DefaultTimeoutMs", DefaultTimeoutMs);
}

/// A variable of the function's own making: a non-static local that is not a
/// parameter, a reference or a lambda capture. Handles received from callers
/// may have been configured there, so only these are judged.
static auto ownLocal(const DeclarationMatcher &Class) {
  return varDecl(
      hasLocalStorage(), unless(parmVarDecl()), unless(isInitCapture()),
      unless(hasType(referenceType())),
      hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(Class)))));
}

/// The argument designates the variable, by address or by value.
static auto designates(const DeclarationMatcher &Var) {
  return ignoringParenImpCasts(anyOf(
      declRefExpr(to(Var)),
      unaryOperator(hasOperatorName("&"), hasUnaryOperand(ignoringParenImpCasts(
                                              declRefExpr(to(Var)))))));
}

void MissingTimeoutCheck::registerMatchers(MatchFinder *Finder) {
  const auto Spelled = unless(isInTemplateInstantiation());

  // stub->SayHello(&ctx, request, &reply), stub->AsyncSayHello(&ctx, ...),
  // stub->async()->SayHello(&ctx, ...), generic->UnaryCall(&ctx, ...):
  // methods of protoc-generated stubs (and their mocks) and generic stubs.
  const auto StubClass = cxxRecordDecl(
      anyOf(hasAnyName("StubInterface", "async_interface",
                       "::grpc::TemplatedGenericStub"),
            isDerivedFrom(hasAnyName("StubInterface", "async_interface",
                                     "::grpc::TemplatedGenericStub"))));
  const auto Context = ownLocal(cxxRecordDecl(hasName("::grpc::ClientContext")))
                           .bind(GrpcContext);
  Finder->addMatcher(callExpr(callee(cxxMethodDecl(ofClass(StubClass))),
                              hasAnyArgument(designates(Context)),
                              utils::inUserCode(), Spelled)
                         .bind(GrpcRpc),
                     this);

  // CURL *h = curl_easy_init(); ... curl_easy_perform(h);
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasName("::curl_easy_perform"))),
               argumentCountIs(1), utils::inUserCode(), Spelled)
          .bind(CurlPerform),
      this);

  // httplib::Client cli("http://host"); cli.Get("/path");
  const auto Client =
      ownLocal(
          cxxRecordDecl(hasAnyName("::httplib::Client", "::httplib::SSLClient",
                                   "::httplib::ClientImpl")))
          .bind(HttplibClient);
  Finder->addMatcher(
      cxxMemberCallExpr(callee(cxxMethodDecl(
                            hasAnyName("Get", "Post", "Put", "Patch", "Delete",
                                       "Head", "Options", "send"))),
                        on(ignoringParenImpCasts(declRefExpr(to(Client)))),
                        utils::inUserCode(), Spelled)
          .bind(HttplibRequest),
      this);

  // redisConnect("cache", 6379)
  Finder->addMatcher(callExpr(callee(functionDecl(hasName("::redisConnect"))),
                              utils::inUserCode(), Spelled)
                         .bind(RedisConnect),
                     this);

  // redisOptions opts = {0}; REDIS_OPTIONS_SET_TCP(&opts, "cache", 6379);
  // redisConnectWithOptions(&opts) (hiredis 1.x)
  const auto Options = varDecl(hasLocalStorage(), unless(parmVarDecl()),
                               unless(hasType(referenceType())))
                           .bind(RedisOptionsVar);
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasName("::redisConnectWithOptions"))),
               hasArgument(0, designates(Options)), utils::inUserCode(),
               Spelled)
          .bind(RedisOptionsConnect),
      this);

  // PQconnectdb("host=db dbname=app"), pqxx::connection c{"host=db"}
  Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(
                                  "::PQconnectdb", "::PQconnectStart"))),
                              hasArgument(0, expr().bind(ConnString)),
                              utils::inUserCode(), Spelled),
                     this);
  Finder->addMatcher(
      cxxConstructExpr(
          hasDeclaration(cxxConstructorDecl(ofClass(cxxRecordDecl(
              hasAnyName("::pqxx::connection", "::pqxx::basic_connection_base",
                         "::pqxx::basic_connection"))))),
          argumentCountIs(1), hasArgument(0, expr().bind(ConnString)),
          utils::inUserCode(), Spelled),
      this);
}

/// The body of the function (or lambda) a local variable belongs to.
static const Stmt *owningBody(const VarDecl &Var) {
  const DeclContext *Owner = Var.getParentFunctionOrMethod();
  if (const auto *Function = dyn_cast_or_null<FunctionDecl>(Owner))
    return Function->getBody();
  return nullptr;
}

/// The leading whitespace of the line \p Loc is on.
static llvm::StringRef indentationOf(SourceLocation Loc,
                                     const SourceManager &SM) {
  auto [File, Offset] = SM.getDecomposedLoc(Loc);
  llvm::StringRef Text = SM.getBufferData(File);
  size_t LineStart = Text.rfind('\n', Offset);
  LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
  llvm::StringRef Line = Text.slice(LineStart, Offset);
  return Line.take_while([](char C) { return C == ' ' || C == '\t'; });
}

void MissingTimeoutCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const auto &Nodes = Result.Nodes;
  if (const auto *Rpc = Nodes.getNodeAs<CallExpr>(GrpcRpc))
    return checkGrpc(*Rpc, *Nodes.getNodeAs<VarDecl>(GrpcContext), Result);
  if (const auto *Perform = Nodes.getNodeAs<CallExpr>(CurlPerform)) {
    const auto *Handle =
        dyn_cast_or_null<VarDecl>(utils::namedEntity(Perform->getArg(0)));
    if (Handle && Handle->hasLocalStorage() && !isa<ParmVarDecl>(Handle))
      checkCurl(*Perform, *Handle, Result);
    return;
  }
  if (const auto *Request = Nodes.getNodeAs<CXXMemberCallExpr>(HttplibRequest))
    return checkHttplib(*Request, *Nodes.getNodeAs<VarDecl>(HttplibClient));
  if (const auto *Connect = Nodes.getNodeAs<CallExpr>(RedisConnect)) {
    diag(Connect->getBeginLoc(),
         "'redisConnect' has no timeout and blocks for minutes when Redis is "
         "down; use redisConnectWithTimeout")
        << utils::fileRange(Connect->getSourceRange(), *Result.SourceManager,
                            getLangOpts());
    return;
  }
  if (const auto *Connect = Nodes.getNodeAs<CallExpr>(RedisOptionsConnect))
    return checkRedisOptions(*Connect,
                             *Nodes.getNodeAs<VarDecl>(RedisOptionsVar));
  if (const auto *Arg = Nodes.getNodeAs<Expr>(ConnString))
    checkConnectionString(*Arg, *Result.SourceManager);
}

//===--- gRPC -------------------------------------------------------------===//

static bool setsDeadline(const CallExpr &Call, const NamedDecl &Context) {
  const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call);
  const CXXMethodDecl *Method = Member ? Member->getMethodDecl() : nullptr;
  return Method && Method->getIdentifier() &&
         Method->getName() == "set_deadline" &&
         utils::namedEntity(Member->getImplicitObjectArgument()) == &Context;
}

void MissingTimeoutCheck::checkGrpc(const CallExpr &Rpc, const VarDecl &Context,
                                    const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Rpc.getDirectCallee());
  if (!Method || Reported.contains(&Context))
    return;
  if (model::callsOnHandle(owningBody(Context), Context, setsDeadline, SM,
                           Rpc.getBeginLoc()))
    return;
  Reported.insert(&Context);
  SourceLocation Loc = Rpc.getExprLoc();
  if (const auto *Member =
          dyn_cast<MemberExpr>(Rpc.getCallee()->IgnoreImpCasts()))
    Loc = Member->getMemberLoc();
  {
    auto Diag = diag(Loc, "RPC %0 has no deadline and waits forever on a "
                          "stalled server; set one on %1 first")
                << Method << &Context
                << utils::fileRange(Rpc.getSourceRange(), SM, getLangOpts());
    // ctx.set_deadline(...) on the line after `grpc::ClientContext ctx;`.
    auto Parents = Result.Context->getParents(Context);
    const auto *DeclStatement =
        Parents.empty() ? nullptr : Parents[0].get<DeclStmt>();
    if (DeclStatement && DeclStatement->isSingleDecl() &&
        DeclStatement->getBeginLoc().isFileID() &&
        DeclStatement->getEndLoc().isFileID()) {
      std::string Insert = Context.getName().str() +
                           ".set_deadline(std::chrono::system_clock::now() + "
                           "std::chrono::milliseconds(" +
                           std::to_string(DefaultTimeoutMs) + "));";
      SourceLocation AfterSemi = DeclStatement->getEndLoc().getLocWithOffset(1);
      auto [File, Offset] = SM.getDecomposedLoc(AfterSemi);
      llvm::StringRef Rest = SM.getBufferData(File).drop_front(Offset);
      llvm::StringRef RestOfLine =
          Rest.take_until([](char C) { return C == '\n'; });
      if (RestOfLine.trim().empty() || RestOfLine.trim().starts_with("//")) {
        if (RestOfLine.size() < Rest.size()) // a next line exists
          Diag << FixItHint::CreateInsertion(
              AfterSemi.getLocWithOffset(RestOfLine.size() + 1),
              (indentationOf(DeclStatement->getBeginLoc(), SM) + Insert + "\n")
                  .str());
      } else {
        Diag << FixItHint::CreateInsertion(AfterSemi, " " + Insert);
      }
    }
  }
  diag(Context.getLocation(), "context %0 declared here", DiagnosticIDs::Note)
      << &Context;
}

//===--- curl -------------------------------------------------------------===//

static bool isEasyInit(const Stmt *S) {
  const auto *Call = dyn_cast_or_null<CallExpr>(S);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  return Callee && Callee->getIdentifier() &&
         Callee->getName() == "curl_easy_init";
}

/// Some part of \p S is a `curl_easy_init()` call.
static bool containsEasyInit(const Stmt *S) {
  if (!S)
    return false;
  if (isEasyInit(S))
    return true;
  return llvm::any_of(S->children(), containsEasyInit);
}

/// The handle gets a fresh easy handle in this function:
/// `CURL *h = curl_easy_init();`, `h = curl_easy_init();`, or a smart
/// pointer constructed from one.
static bool createdHere(const VarDecl &Handle, const Stmt *Body) {
  if (containsEasyInit(Handle.getInit()))
    return true;
  std::function<bool(const Stmt *)> Assigned = [&](const Stmt *S) {
    if (!S)
      return false;
    if (const auto *Assign = dyn_cast<BinaryOperator>(S))
      if (Assign->getOpcode() == BO_Assign &&
          utils::namedEntity(Assign->getLHS()) == &Handle &&
          containsEasyInit(Assign->getRHS()))
        return true;
    return llvm::any_of(S->children(), Assigned);
  };
  return Assigned(Body);
}

static bool setsCurlTimeout(const CallExpr &Call, const NamedDecl &Handle) {
  return utils::setsCurlOption(Call, Handle,
                               {"CURLOPT_TIMEOUT", "CURLOPT_TIMEOUT_MS"});
}

/// The statement of a block that contains \p E: where a statement can be
/// inserted before it.
static const Stmt *statementInBlock(const Expr &E, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(E);
  for (unsigned Guard = 0; Guard < 64; ++Guard) {
    auto Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    if (Parents[0].get<CompoundStmt>())
      return Node.get<Stmt>();
    // `CURLcode rc = curl_easy_perform(h);` climbs through the variable to
    // its declaration statement; other declarations end the search.
    if (!Parents[0].get<Stmt>() && !Parents[0].get<VarDecl>())
      return nullptr;
    Node = Parents[0];
  }
  return nullptr;
}

void MissingTimeoutCheck::checkCurl(const CallExpr &Perform,
                                    const VarDecl &Handle,
                                    const MatchFinder::MatchResult &Result) {
  const SourceManager &SM = *Result.SourceManager;
  const Stmt *Body = owningBody(Handle);
  if (Reported.contains(&Handle) || !createdHere(Handle, Body) ||
      model::callsOnHandle(Body, Handle, setsCurlTimeout, SM))
    return;
  Reported.insert(&Handle);
  {
    auto Diag =
        diag(Perform.getBeginLoc(),
             "curl handle %0 has no timeout, so a stalled server "
             "hangs the transfer; set CURLOPT_TIMEOUT_MS")
        << &Handle
        << utils::fileRange(Perform.getSourceRange(), SM, getLangOpts());
    // curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L); before the statement.
    const Stmt *Statement = statementInBlock(Perform, *Result.Context);
    const Expr *Arg = Perform.getArg(0);
    if (Statement && Statement->getBeginLoc().isFileID() &&
        Arg->getSourceRange().isValid() && Arg->getBeginLoc().isFileID() &&
        Arg->getEndLoc().isFileID() &&
        // the handle must be in scope before the statement
        !SM.isPointWithin(Handle.getLocation(), Statement->getBeginLoc(),
                          Statement->getEndLoc())) {
      llvm::StringRef HandleText = Lexer::getSourceText(
          CharSourceRange::getTokenRange(Arg->getSourceRange()), SM,
          getLangOpts());
      if (!HandleText.empty())
        Diag << FixItHint::CreateInsertion(
            Statement->getBeginLoc(),
            "curl_easy_setopt(" + HandleText.str() + ", CURLOPT_TIMEOUT_MS, " +
                std::to_string(DefaultTimeoutMs) + "L);\n" +
                indentationOf(Statement->getBeginLoc(), SM).str());
    }
  }
  diag(Handle.getLocation(), "handle %0 created here", DiagnosticIDs::Note)
      << &Handle;
}

//===--- cpp-httplib ------------------------------------------------------===//

static bool setsHttplibTimeout(const CallExpr &Call, const NamedDecl &Client) {
  const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call);
  const CXXMethodDecl *Method = Member ? Member->getMethodDecl() : nullptr;
  return Method && Method->getIdentifier() &&
         llvm::is_contained({"set_connection_timeout", "set_read_timeout"},
                            Method->getName()) &&
         utils::namedEntity(Member->getImplicitObjectArgument()) == &Client;
}

void MissingTimeoutCheck::checkHttplib(const CXXMemberCallExpr &Request,
                                       const VarDecl &Client) {
  if (Reported.contains(&Client))
    return;
  if (model::callsOnHandle(owningBody(Client), Client, setsHttplibTimeout,
                           Client.getASTContext().getSourceManager()))
    return;
  Reported.insert(&Client);
  SourceLocation Loc = Request.getExprLoc();
  diag(Loc, "request on httplib client %0 waits up to 300 s on a dead "
            "server; call set_connection_timeout")
      << &Client
      << utils::fileRange(Request.getSourceRange(),
                          Client.getASTContext().getSourceManager(),
                          getLangOpts());
  diag(Client.getLocation(), "client %0 created here", DiagnosticIDs::Note)
      << &Client;
}

//===--- hiredis 1.x ------------------------------------------------------===//

void MissingTimeoutCheck::checkRedisOptions(const CallExpr &Connect,
                                            const VarDecl &Options) {
  if (Reported.contains(&Options) || !isRedisOptions(Options) ||
      !redisOptionsLackTimeout(Options, owningBody(Options)))
    return;
  Reported.insert(&Options);
  diag(Connect.getBeginLoc(), "redisOptions %0 set no timeout, so a dead "
                              "Redis blocks the connect; set connect_timeout")
      << &Options
      << utils::fileRange(Connect.getSourceRange(),
                          Options.getASTContext().getSourceManager(),
                          getLangOpts());
  diag(Options.getLocation(), "options %0 declared here", DiagnosticIDs::Note)
      << &Options;
}

//===--- libpq / libpqxx --------------------------------------------------===//

/// The string literal an argument is, looking through conversions to
/// `const char *`, `std::string` and `pqxx::zview`, and through a `const`
/// variable initialized with a literal.
static const StringLiteral *literalOf(const Expr *E) {
  for (unsigned Guard = 0; E && Guard < 16; ++Guard) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Literal = dyn_cast<StringLiteral>(E))
      return Literal;
    if (const auto *Temp = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = Temp->getSubExpr();
    } else if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = Bind->getSubExpr();
    } else if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E)) {
      E = Cast->getSubExpr();
    } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      // std::string(literal), with or without a defaulted allocator
      if (Construct->getNumArgs() == 0 ||
          (Construct->getNumArgs() > 1 &&
           !isa<CXXDefaultArgExpr>(Construct->getArg(1))))
        return nullptr;
      E = Construct->getArg(0);
    } else if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
      if (!Var || !Var->getType().isConstQualified() || !Var->getInit())
        return nullptr;
      E = Var->getInit();
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

/// A connection through a Unix-domain socket (`host=/var/run/postgresql`,
/// `postgresql:///db`, `?host=%2Fvar%2Frun`) fails at once when the server
/// is down: there is no TCP connect to wait for.
static bool isUnixSocketOnly(llvm::StringRef Conn) {
  Conn = Conn.trim();
  if (Conn.starts_with("postgresql:///") || Conn.starts_with("postgres:///"))
    return true;
  if (Conn.contains_insensitive("host=%2f"))
    return true;
  for (size_t At = Conn.find("host="); At != llvm::StringRef::npos;
       At = Conn.find("host=", At + 1)) {
    bool Keyword = At == 0 || Conn[At - 1] == ' ' || Conn[At - 1] == '\t';
    llvm::StringRef Value = Conn.drop_front(At + 5).ltrim("'");
    if (Keyword)
      return Value.starts_with("/") || Value.starts_with("@");
  }
  return false;
}

void MissingTimeoutCheck::checkConnectionString(const Expr &Arg,
                                                const SourceManager &SM) {
  const StringLiteral *Literal = literalOf(&Arg);
  // "" means the PG* environment variables, PGCONNECT_TIMEOUT included.
  if (!Literal || !Literal->isOrdinary() || Literal->getString().empty() ||
      Literal->getString().contains("connect_timeout") ||
      isUnixSocketOnly(Literal->getString()))
    return;
  unsigned Seconds = std::max(2U, (DefaultTimeoutMs + 999) / 1000);
  diag(SM.getFileLoc(Arg.getBeginLoc()),
       "connection string lacks connect_timeout, so a dead database hangs "
       "it; add 'connect_timeout=%0'")
      << Seconds << utils::fileRange(Arg.getSourceRange(), SM, getLangOpts());
}

} // namespace loadcheck::connections
