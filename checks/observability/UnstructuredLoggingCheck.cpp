//===--- UnstructuredLoggingCheck.cpp -------------------------------------===//
#include "checks/observability/UnstructuredLoggingCheck.h"
#include "checks/model/LoggingSink.h"
#include "checks/model/PerRequestCandidate.h"
#include "checks/model/ProgramGraph.h"
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

/// True when \p F (the call operator of \p Lambda, if any) is the logging
/// sink itself: passed to a call that installs a logger
/// (`svr.set_logger([](const Request &, const Response &) {...})`), or a
/// function named like a logger passed as a callback
/// (`svr.set_logger(access_log)`). Printing there is where the log goes.
static bool isLoggingSink(const FunctionDecl &F, const LambdaExpr *Lambda,
                          ASTContext &Ctx) {
  if (Lambda) {
    const CallExpr *Call = model::callTaking(*Lambda, Ctx);
    return Call && model::registersLogger(*Call);
  }
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
          model::callTaking(*Found.getNodeAs<DeclRefExpr>("ref"), Ctx);
      if (Call && model::installsLoggingSink(F, *Call))
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
    return Place{Place::Entry, Name.str()};
  }
  if (auto Why = model::whyHandler(*F, Ctx, ReqOpts)) {
    if (isLoggingSink(*F, Why->HandlerLambda, Ctx))
      return std::nullopt;
    return Place{Place::Handler, Why->HandlerName};
  }
  if (!AllNonMain) {
    // The program's own logger formats for its callers: its prints are the
    // log (the remedy applies to it, not to each call of it).
    if (model::formatsForCaller(*F))
      return std::nullopt;
    return Place{Place::ThroughCallers, "", F};
  }
  if (!isa<CXXMethodDecl>(F) && isLoggingSink(*F, nullptr, Ctx))
    return std::nullopt;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(F))
    if (Method->getParent()->isLambda())
      return Place{Place::Other, "lambda"};
  return Place{Place::Other, F->getQualifiedNameAsString()};
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
  if (Where->Kind == Place::ThroughCallers) {
    reportThroughCallers(*Print, Writer, *Where->Function, *Result.Context);
    return;
  }
  diag(utils::userLocation(Print->getBeginLoc(), SM),
       "'%0' in %select{thread entry|handler|function}1 '%2' "
       "interleaves lines under load; use a structured logger")
      << Writer << Where->Kind << Where->Name
      << utils::fileRange(Print->getSourceRange(), SM, getLangOpts());
}

/// A print in a function that is neither a handler nor a thread entry:
/// reported when a request handler or a thread entry of the program calls
/// the function, directly or through other functions (a candidate of the
/// program model, with the calls down from the handler or entry as notes).
void UnstructuredLoggingCheck::reportThroughCallers(const Expr &Print,
                                                    llvm::StringRef Writer,
                                                    const FunctionDecl &F,
                                                    ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = utils::userLocation(Print.getBeginLoc(), SM);
  std::optional<model::LinkVerdict> Verdict = model::decidePerRequestCandidate(
      model::UnstructuredLoggingCheckName, Loc, F, Ctx);
  if (!Verdict)
    return;
  diag(Loc, "'%0' in '%1', called by handlers or threads, interleaves "
            "lines; use a structured logger")
      << Writer << model::callableName(F)
      << utils::fileRange(Print.getSourceRange(), SM, getLangOpts());
  model::noteLinkVerdict(*this, *Verdict, Ctx);
}

} // namespace loadcheck::observability
