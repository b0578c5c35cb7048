//===--- UnstructuredLoggingCheck.cpp -------------------------------------===//
#include "checks/observability/UnstructuredLoggingCheck.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::observability {

static constexpr llvm::StringRef PrintCall = "print-call";
static constexpr llvm::StringRef StreamRef = "stream-ref";

UnstructuredLoggingCheck::UnstructuredLoggingCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx), Scope(Options.get("Scope", "handlers")),
      AllNonMain(Scope == "all-non-main"),
      ReqOpts(model::RequestPathOptions::read(Options)) {
  if (Scope != "handlers" && Scope != "all-non-main")
    configurationDiag("invalid value '%0' for '%1.Scope': expected "
                      "'handlers' or 'all-non-main'")
        << Scope << Name;
}

void UnstructuredLoggingCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "Scope", Scope);
  ReqOpts.store(Options, Opts);
}

void UnstructuredLoggingCheck::registerMatchers(MatchFinder *Finder) {
  const auto StdStream =
      declRefExpr(to(varDecl(hasAnyName("::stdout", "::stderr"))));
  // printf("..."), puts("..."), fprintf(stderr, "..."), fputs(s, stdout)
  Finder->addMatcher(
      callExpr(anyOf(callee(functionDecl(
                         hasAnyName("::printf", "::vprintf", "::puts"))),
                     allOf(callee(functionDecl(
                               hasAnyName("::fprintf", "::vfprintf"))),
                           hasArgument(0, ignoringParenImpCasts(StdStream))),
                     allOf(callee(functionDecl(hasName("::fputs"))),
                           hasArgument(1, ignoringParenImpCasts(StdStream)))),
               utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(PrintCall),
      this);
  // std::cout << ..., std::cerr.write(...)
  Finder->addMatcher(
      declRefExpr(to(varDecl(hasAnyName("::std::cout", "::std::cerr",
                                        "::std::clog", "::std::wcout",
                                        "::std::wcerr", "::std::wclog"))),
                  utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(StreamRef),
      this);
}

/// The words of an identifier, lower case: `set_error_logger` and
/// `setErrorLogger` both give {set, error, logger}.
static llvm::SmallVector<std::string, 4> wordsOf(llvm::StringRef Name) {
  llvm::SmallVector<std::string, 4> Words;
  std::string Word;
  for (size_t I = 0; I < Name.size(); ++I) {
    const char C = Name[I];
    const bool Boundary =
        C == '_' || (isUppercase(C) && I > 0 && isLowercase(Name[I - 1]));
    if (Boundary && !Word.empty())
      Words.push_back(std::move(Word)), Word.clear();
    if (C != '_')
      Word += toLowercase(C);
  }
  if (!Word.empty())
    Words.push_back(std::move(Word));
  return Words;
}

static bool namesLogger(llvm::ArrayRef<std::string> Words) {
  return llvm::any_of(Words, [](llvm::StringRef W) {
    return W == "log" || W == "logger" || W == "logging";
  });
}

/// `set_logger`, `set_error_logger`, `setLogHandler`, `event_set_log_callback`:
/// a call that installs a logging sink. `set_login_handler` is not one.
static bool registersLogger(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return false;
  auto Words = wordsOf(Callee->getName());
  return namesLogger(Words) && llvm::any_of(Words, [](llvm::StringRef W) {
           return W == "set" || W == "add" || W == "register" || W == "install";
         });
}

/// The call that \p E is passed to as an argument, looking through what
/// carries a callback into a parameter (a std::function made from it, a
/// temporary, `&f`).
static const CallExpr *callTaking(const Expr &E, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(E);
  for (unsigned Step = 0; Step < 8; ++Step) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    const Stmt *Parent = Parents[0].get<Stmt>();
    if (const auto *Call = dyn_cast_or_null<CallExpr>(Parent))
      return Call->getCallee() == Node.get<Stmt>() ? nullptr : Call;
    const auto *Op = dyn_cast_or_null<UnaryOperator>(Parent);
    if (!Parent || (Op && Op->getOpcode() != UO_AddrOf) ||
        !(Op || isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
                    CXXBindTemporaryExpr, ExprWithCleanups, CXXConstructExpr,
                    CXXFunctionalCastExpr>(Parent)))
      return nullptr;
    Node = Parents[0];
  }
  return nullptr;
}

/// True when \p F (the call operator of \p Lambda, if any) is the logging
/// sink itself: passed to a call that installs a logger
/// (`svr.set_logger([](const Request &, const Response &) {...})`), or a
/// function named like a logger passed as a callback
/// (`svr.set_logger(access_log)`). Printing there is where the log goes.
static bool isLoggingSink(const FunctionDecl &F, const LambdaExpr *Lambda,
                          ASTContext &Ctx) {
  if (Lambda) {
    const CallExpr *Call = callTaking(*Lambda, Ctx);
    return Call && registersLogger(*Call);
  }
  const bool LoggerName =
      F.getIdentifier() && namesLogger(wordsOf(F.getName()));
  const auto PassedOn = declRefExpr(to(functionDecl().bind("fn"))).bind("ref");
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (SM.isInSystemHeader(D->getLocation()))
      continue;
    for (const BoundNodes &Found :
         match(decl(forEachDescendant(PassedOn)), *D, Ctx)) {
      if (Found.getNodeAs<FunctionDecl>("fn")->getCanonicalDecl() !=
          F.getCanonicalDecl())
        continue;
      const CallExpr *Call =
          callTaking(*Found.getNodeAs<DeclRefExpr>("ref"), Ctx);
      if (Call && (LoggerName || registersLogger(*Call)))
        return true;
    }
  }
  return false;
}

std::optional<UnstructuredLoggingCheck::Place>
UnstructuredLoggingCheck::scopeOf(const Stmt &S, ASTContext &Ctx,
                                  const SourceManager &SM) const {
  const FunctionDecl *F = model::enclosingFunction(S, Ctx);
  if (!F || F->isMain())
    return std::nullopt;
  const auto &Entries = model::ThreadEntryIndex::get(Ctx);
  if (const model::ThreadEntry *Entry = Entries.enclosingEntry(S, Ctx)) {
    // "(anonymous namespace)::serve" reads as "serve" in a diagnostic.
    llvm::StringRef Name = Entry->Name;
    Name.consume_front("(anonymous namespace)::");
    return Place{0, Name.str()};
  }
  if (auto Why = model::whyHandler(*F, Ctx, ReqOpts)) {
    if (isLoggingSink(*F, Why->HandlerLambda, Ctx))
      return std::nullopt;
    return Place{1, Why->HandlerName};
  }
  if (!AllNonMain)
    return std::nullopt;
  if (!isa<CXXMethodDecl>(F) && isLoggingSink(*F, nullptr, Ctx))
    return std::nullopt;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(F))
    if (Method->getParent()->isLambda())
      return Place{2, "lambda"};
  return Place{2, F->getQualifiedNameAsString()};
}

void UnstructuredLoggingCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const SourceManager &SM = *Result.SourceManager;
  const Expr *Print = Result.Nodes.getNodeAs<CallExpr>(PrintCall);
  std::string Writer;
  if (const auto *Call = dyn_cast_or_null<CallExpr>(Print)) {
    if (!Call->getDirectCallee())
      return;
    Writer = Call->getDirectCallee()->getName().str();
  } else if (const auto *Ref = Result.Nodes.getNodeAs<DeclRefExpr>(StreamRef)) {
    Print = Ref;
    Writer = ("std::" + Ref->getDecl()->getName()).str();
  }
  if (!Print)
    return;
  std::optional<Place> Where = scopeOf(*Print, *Result.Context, SM);
  if (!Where)
    return;
  diag(utils::userLocation(Print->getBeginLoc(), SM),
       "'%0' in %select{thread entry|handler|function}1 '%2' "
       "interleaves lines under load; use a structured logger")
      << Writer << Where->Kind << Where->Name
      << utils::fileRange(Print->getSourceRange(), SM, getLangOpts());
}

} // namespace loadcheck::observability
