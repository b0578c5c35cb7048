//===--- RequestPath.cpp - does this code run once per request? -----------===//
#include "checks/model/RequestPath.h"
#include "checks/model/CallbackHandlers.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Conditions.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace loadcheck::model {

//===-- Options -----------------------------------------------------------===//

/// `::grpc::ServerContext *` -> `grpc::ServerContext`;
/// `boost::beast::http::request<...>` -> `boost::beast::http::request`.
static std::string normaliseTypeName(llvm::StringRef Item) {
  Item = Item.trim();
  size_t Angle = Item.find('<');
  if (Angle != llvm::StringRef::npos)
    Item = Item.take_front(Angle);
  Item = Item.trim().rtrim("*& \t").trim();
  if (Item.starts_with("const "))
    Item = Item.drop_front(6).trim();
  while (Item.consume_front("::")) {
  }
  return Item.str();
}

const std::vector<std::string> &RequestPathOptions::defaultRequestTypes() {
  static const std::vector<std::string> Defaults = {
      "httplib::Request",
      "crow::request",
      "drogon::HttpRequestPtr",
      "Pistache::Rest::Request",
      "Pistache::Http::Request",
      "boost::beast::http::request",
      "grpc::ServerContext",
      "grpc::CallbackServerContext",
      "Poco::Net::HTTPServerRequest",
      "QHttpServerRequest"};
  return Defaults;
}

RequestPathOptions::RequestPathOptions() : Types(defaultRequestTypes()) {}

RequestPathOptions::RequestPathOptions(llvm::StringRef RequestTypes,
                                       llvm::StringRef HandlerNamePattern)
    : RawTypes(RequestTypes.str()), Pattern(HandlerNamePattern.str()) {
  llvm::SmallVector<llvm::StringRef, 8> Items;
  RequestTypes.split(Items, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Item : Items) {
    std::string Name = normaliseTypeName(Item);
    if (!Name.empty())
      Types.push_back(std::move(Name));
  }
  if (Types.empty())
    Types = defaultRequestTypes();
  if (!Pattern.empty())
    Regex = std::make_shared<llvm::Regex>(Pattern);
}

RequestPathOptions RequestPathOptions::read(
    const clang::tidy::ClangTidyCheck::OptionsView &Options) {
  return RequestPathOptions(Options.get("RequestTypes", ""),
                            Options.get("HandlerNamePattern", ""));
}

void RequestPathOptions::store(
    const clang::tidy::ClangTidyCheck::OptionsView &Options,
    clang::tidy::ClangTidyOptions::OptionMap &Opts) const {
  std::string Joined = RawTypes;
  if (Joined.empty())
    Joined = llvm::join(defaultRequestTypes(), ";");
  Options.store(Opts, "RequestTypes", Joined);
  Options.store(Opts, "HandlerNamePattern", Pattern);
}

bool RequestPathOptions::isRequestTypeName(llvm::StringRef Name) const {
  return llvm::is_contained(Types, Name);
}

bool RequestPathOptions::matchesHandlerName(llvm::StringRef Name) const {
  return Regex && Regex->isValid() && !Name.empty() && Regex->match(Name);
}

//===-- Reasons -----------------------------------------------------------===//

void notePerRequestReason(clang::tidy::ClangTidyCheck &Check,
                          const PerRequestReason &Why) {
  if (Why.What == PerRequestReason::Kind::Loop && Why.Loop)
    Check.diag(Why.Loop->getBeginLoc(), "loop starts here",
               clang::DiagnosticIDs::Note);
  else if (Why.Handler)
    Check.diag(Why.HandlerLambda ? Why.HandlerLambda->getBeginLoc()
                                 : Why.Handler->getLocation(),
               "handler '%0' declared here", clang::DiagnosticIDs::Note)
        << Why.HandlerName;
}

std::string PerRequestReason::subject() const {
  if (What == Kind::Handler)
    return HandlerName;
  if (LoopText.empty())
    return "for (;;)";
  if (InfiniteLoop) {
    if (isa_and_nonnull<DoStmt>(Loop))
      return "do ... while (" + LoopText + ")";
    return "while (" + LoopText + ")";
  }
  return LoopText;
}

/// The qualified name of \p D without inline or anonymous namespaces:
/// `std::__cxx11::basic_string` -> `std::basic_string`.
static std::string plainQualifiedName(const NamedDecl *D) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  if (!D->getIdentifier())
    return "";
  Parts.push_back(D->getName());
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS->getName());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      if (!RD->getIdentifier())
        return "";
      Parts.push_back(RD->getName());
    } else if (!DC->isTranslationUnit() && !isa<LinkageSpecDecl>(DC)) {
      return ""; // a local class
    }
  }
  std::string Name;
  for (llvm::StringRef Part : llvm::reverse(Parts)) {
    if (!Name.empty())
      Name += "::";
    Name += Part.str();
  }
  return Name;
}

/// True when \p T names a request type at any level of sugar, through
/// references, pointers, typedefs, alias templates and elaboration.
static bool namesRequestType(QualType T, const ASTContext &Ctx,
                             const RequestPathOptions &Opts) {
  for (unsigned Step = 0; Step < 32 && !T.isNull(); ++Step) {
    const Type *Ty = T.getTypePtr();
    const NamedDecl *Named = nullptr;
    if (const auto *TT = dyn_cast<TypedefType>(Ty))
      Named = TT->getDecl();
    else if (const auto *TST = dyn_cast<TemplateSpecializationType>(Ty))
      Named = TST->getTemplateName().getAsTemplateDecl();
    else if (const auto *RT = dyn_cast<RecordType>(Ty))
      Named = RT->getDecl();
    else if (const auto *IT = dyn_cast<InjectedClassNameType>(Ty))
      Named = IT->getDecl();
    if (Named && Opts.isRequestTypeName(plainQualifiedName(Named)))
      return true;
    if (Ty->isReferenceType() || Ty->isPointerType()) {
      T = Ty->getPointeeType();
      continue;
    }
    if (isa<RecordType>(Ty))
      return false;
    QualType Next = T.getSingleStepDesugaredType(Ctx);
    if (Next == T)
      return false;
    T = Next;
  }
  return false;
}

/// The first string literal in \p E (a route such as "/users"), or "".
static std::string firstStringLiteral(const Stmt *E, unsigned Depth = 0) {
  if (!E || Depth > 8)
    return "";
  if (const auto *SL = dyn_cast<StringLiteral>(E))
    return SL->isOrdinary() || SL->isUTF8() ? SL->getString().str() : "";
  for (const Stmt *Child : E->children())
    if (std::string S = firstStringLiteral(Child, Depth + 1); !S.empty())
      return S;
  return "";
}

/// The route registration call \p L is passed to, or null:
///   svr.Get("/x", [](const Request &, Response &) {...})
///   app.registerHandler("/x", [](const HttpRequestPtr &, ...) {...})
///   CROW_ROUTE(app, "/x")([] {...})
/// Sets \p Name to e.g. `Get "/x"`.
static const CallExpr *routeRegistration(const LambdaExpr &L, ASTContext &Ctx,
                                         std::string &Name) {
  DynTypedNode Node = DynTypedNode::create(static_cast<const Stmt &>(L));
  for (unsigned Step = 0; Step < 12; ++Step) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    const auto *P = Parents[0].get<Expr>();
    if (!P)
      return nullptr;
    const auto *Call = dyn_cast<CallExpr>(P);
    bool IsMove = Call && Call->getDirectCallee() &&
                  Call->getDirectCallee()->getIdentifier() &&
                  Call->getDirectCallee()->getName() == "move";
    if (!Call || IsMove) {
      // Look through std::function conversions and temporaries.
      if (!isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
               CXXConstructExpr, ExplicitCastExpr, ParenExpr, ExprWithCleanups,
               CallExpr>(P))
        return nullptr;
      Node = Parents[0];
      continue;
    }
    const auto *Method =
        dyn_cast_or_null<CXXMethodDecl>(Call->getDirectCallee());
    if (!Method || !Method->getIdentifier()) {
      if (!Method || Method->getOverloadedOperator() != OO_Call)
        return nullptr;
    }
    std::string Owner = plainQualifiedName(Method->getParent());
    llvm::StringRef MethodName =
        Method->getIdentifier() ? Method->getName() : llvm::StringRef();
    bool IsRoute = false;
    if (Owner == "httplib::Server")
      IsRoute = llvm::is_contained(
          {"Get", "Post", "Put", "Patch", "Delete", "Options"}, MethodName);
    else if (llvm::StringRef(Owner).starts_with("drogon::"))
      IsRoute = MethodName == "registerHandler";
    else if (llvm::StringRef(Owner).starts_with("crow::") &&
             Method->getOverloadedOperator() == OO_Call &&
             llvm::StringRef(Owner).contains("Rule")) {
      IsRoute = true;
      MethodName = "CROW_ROUTE";
    }
    if (!IsRoute)
      return nullptr;
    std::string Route;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call))
      Route = firstStringLiteral(Op->getArg(0));
    else if (Call->getNumArgs() > 0)
      Route = firstStringLiteral(Call->getArg(0));
    Name = MethodName.str();
    if (!Route.empty())
      Name += " \"" + Route + "\"";
    return Call;
  }
  return nullptr;
}

/// The LambdaExpr whose call operator is \p F, via the parent map.
static const LambdaExpr *lambdaOf(const FunctionDecl &F, ASTContext &Ctx) {
  const auto *M = dyn_cast<CXXMethodDecl>(&F);
  if (!M || !M->getParent()->isLambda())
    return nullptr;
  DynTypedNode Node = DynTypedNode::create(*M->getParent());
  for (unsigned Step = 0; Step < 4; ++Step) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    if (const auto *L = Parents[0].get<LambdaExpr>())
      return L;
    Node = Parents[0];
  }
  return nullptr;
}

static std::optional<PerRequestReason>
whyHandlerImpl(const FunctionDecl &F, const LambdaExpr *L, ASTContext &Ctx,
               const RequestPathOptions &Opts) {
  PerRequestReason R;
  R.What = PerRequestReason::Kind::Handler;
  R.Handler = &F;
  R.HandlerLambda = L;
  if (L) {
    std::string Name;
    if (const CallExpr *Reg = routeRegistration(*L, Ctx, Name)) {
      R.Via = HandlerVia::RouteRegistration;
      R.Registration = Reg;
      R.HandlerName = Name;
      return R;
    }
  }
  R.HandlerName = L ? "lambda" : displayName(F);
  for (const ParmVarDecl *P : F.parameters())
    if (namesRequestType(P->getType(), Ctx, Opts)) {
      R.Via = HandlerVia::RequestParameter;
      R.RequestParam = P;
      return R;
    }
  if (!L && F.getIdentifier() && Opts.matchesHandlerName(F.getName())) {
    R.Via = HandlerVia::NamePattern;
    return R;
  }
  if (const CallbackRegistration *Reg =
          L ? nullptr : CallbackHandlerIndex::get(Ctx).registrationOf(F)) {
    R.Via = Reg->PerConnectionThread ? HandlerVia::ConnectionThread
                                     : HandlerVia::CallbackRegistration;
    R.RegisteredAt = Reg->Site;
    return R;
  }
  return std::nullopt;
}

std::optional<PerRequestReason> whyHandler(const FunctionDecl &F,
                                           ASTContext &Ctx,
                                           const RequestPathOptions &Opts) {
  return whyHandlerImpl(F, lambdaOf(F, Ctx), Ctx, Opts);
}

/// The text of \p E as written, whitespace collapsed, at most 40 characters.
static std::string loopText(const Expr *E, ASTContext &Ctx) {
  if (!E)
    return "";
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  CharSourceRange Range = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(E->getSourceRange()), SM, LO);
  std::string Raw;
  if (Range.isValid())
    Raw = Lexer::getSourceText(Range, SM, LO).str();
  if (Raw.empty()) {
    llvm::raw_string_ostream OS(Raw);
    E->printPretty(OS, nullptr, PrintingPolicy(LO));
  }
  std::string Text;
  bool Space = false;
  for (char C : Raw) {
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r') {
      Space = !Text.empty();
      continue;
    }
    if (Space)
      Text += ' ';
    Space = false;
    Text += C;
  }
  if (Text.size() > 40)
    Text = Text.substr(0, 37) + "...";
  return Text;
}

/// The loop reason when \p Child (a direct child of \p Parent) runs once per
/// iteration of the loop \p Parent.
static std::optional<PerRequestReason> loopReason(const DynTypedNode &Parent,
                                                  const DynTypedNode &Child,
                                                  ASTContext &Ctx) {
  const Stmt *C = Child.get<Stmt>();
  const Decl *CD = Child.get<Decl>();
  PerRequestReason R;
  R.What = PerRequestReason::Kind::Loop;
  const Expr *Cond = nullptr;
  if (const auto *F = Parent.get<ForStmt>()) {
    if (!C || (C != F->getBody() && C != F->getCond() && C != F->getInc() &&
               C != F->getConditionVariableDeclStmt()))
      if (!CD || CD != F->getConditionVariable())
        return std::nullopt;
    R.Loop = F;
    Cond = F->getCond();
    R.InfiniteLoop = utils::isInfiniteLoop(*F, Ctx);
  } else if (const auto *RF = Parent.get<CXXForRangeStmt>()) {
    if (!C || (C != RF->getBody() && C != RF->getLoopVarStmt() &&
               C != RF->getCond() && C != RF->getInc()))
      if (!CD || CD != RF->getLoopVariable())
        return std::nullopt;
    R.Loop = RF;
    R.LoopText = loopText(RF->getRangeInit(), Ctx);
    return R;
  } else if (const auto *W = Parent.get<WhileStmt>()) {
    if (!C || (C != W->getBody() && C != W->getCond() &&
               C != W->getConditionVariableDeclStmt()))
      if (!CD || CD != W->getConditionVariable())
        return std::nullopt;
    R.Loop = W;
    Cond = W->getCond();
    if (const VarDecl *CV = W->getConditionVariable(); CV && CV->getInit())
      Cond = CV->getInit(); // `while (auto x = next())` reads as 'next()'
    R.InfiniteLoop = utils::isInfiniteLoop(*W, Ctx);
  } else if (const auto *D = Parent.get<DoStmt>()) {
    if (!C || (C != D->getBody() && C != D->getCond()) ||
        utils::runsOnce(*D, Ctx))
      return std::nullopt;
    R.Loop = D;
    Cond = D->getCond();
    R.InfiniteLoop = utils::isInfiniteLoop(*D, Ctx);
  } else {
    return std::nullopt;
  }
  R.LoopText = loopText(Cond, Ctx);
  return R;
}

llvm::SmallVector<PerRequestReason, 2>
perRequestReasons(const Stmt &S, ASTContext &Ctx,
                  const RequestPathOptions &Opts) {
  llvm::SmallVector<PerRequestReason, 2> Reasons;
  DynTypedNode Node = DynTypedNode::create(S);
  const FunctionDecl *Function = nullptr;
  const LambdaExpr *Lambda = nullptr;
  for (unsigned Steps = 0; Steps < 10000; ++Steps) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      break;
    const DynTypedNode &Parent = Parents[0];
    if (const auto *L = Parent.get<LambdaExpr>()) {
      // The body is the lambda's own function; captures run outside it.
      if (Node.get<Stmt>() == L->getBody()) {
        Function = L->getCallOperator();
        Lambda = L;
        break;
      }
    } else if (const auto *F = Parent.get<FunctionDecl>()) {
      Function = F;
      Lambda = lambdaOf(*F, Ctx);
      break;
    } else if (const auto *V = Parent.get<VarDecl>()) {
      // `static Client c(...)` in a loop or handler is built once.
      if (!V->hasLocalStorage() && !isa<ParmVarDecl>(V))
        return {};
    } else if (Parent.get<TranslationUnitDecl>() ||
               Parent.get<NamespaceDecl>() || Parent.get<FieldDecl>() ||
               Parent.get<CXXRecordDecl>()) {
      return {};
    } else if (auto R = loopReason(Parent, Node, Ctx)) {
      Reasons.push_back(std::move(*R));
    }
    Node = Parent;
  }
  if (Function)
    if (auto R = whyHandlerImpl(*Function, Lambda, Ctx, Opts))
      Reasons.push_back(std::move(*R));
  return Reasons;
}

std::optional<PerRequestReason> whyPerRequest(const Stmt &S, ASTContext &Ctx,
                                              const RequestPathOptions &Opts) {
  auto Reasons = perRequestReasons(S, Ctx, Opts);
  if (Reasons.empty())
    return std::nullopt;
  return std::move(Reasons.front());
}

} // namespace loadcheck::model
