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
static constexpr llvm::StringRef DefaultTestFilePattern =
    "(^|/)(tests?|testing|unittests?)/|(_test|_tests|Test|Tests)\\.(c|cc|cpp|"
    "cxx)$";

UnstructuredLoggingCheck::UnstructuredLoggingCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : ClangTidyCheck(Name, Ctx), Scope(Options.get("Scope", "handlers")),
      AllNonMain(Scope == "all-non-main"),
      TestFilePattern(Options.get("TestFilePattern", DefaultTestFilePattern)),
      TestFileRegex(TestFilePattern),
      ReqOpts(model::RequestPathOptions::read(Options)) {
  if (Scope != "handlers" && Scope != "all-non-main")
    configurationDiag("invalid value '%0' for '%1.Scope': expected "
                      "'handlers' or 'all-non-main'")
        << Scope << Name;
  std::string Error;
  if (!TestFilePattern.empty() && !TestFileRegex.isValid(Error))
    configurationDiag("invalid regular expression in "
                      "'%0.TestFilePattern': %1")
        << Name << Error;
}

void UnstructuredLoggingCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "Scope", Scope);
  Options.store(Opts, "TestFilePattern", TestFilePattern);
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

/// True inside a GoogleTest test: TEST, TEST_F and TEST_P define a class
/// derived from testing::Test whose TestBody holds the code; lambdas written
/// there (a thread started by the test) belong to the test too.
static bool isInGoogleTest(const FunctionDecl &F) {
  for (const DeclContext *DC = &F; DC; DC = DC->getParent()) {
    const auto *Method = dyn_cast<CXXMethodDecl>(DC);
    if (!Method)
      continue;
    const CXXRecordDecl *Record = Method->getParent();
    if (!Record || !Record->hasDefinition() || Record->isLambda())
      continue;
    bool Found = false;
    Record->forallBases([&](const CXXRecordDecl *Base) {
      Found |= Base->getQualifiedNameAsString() == "testing::Test";
      return true;
    });
    if (Found)
      return true;
  }
  return false;
}

std::string UnstructuredLoggingCheck::scopeOf(const Stmt &S, ASTContext &Ctx,
                                              const SourceManager &SM) const {
  const FunctionDecl *F = model::enclosingFunction(S, Ctx);
  if (!F || F->isMain())
    return "";
  // Tests print on purpose; their output is not production logging.
  if (!TestFilePattern.empty()) {
    llvm::StringRef File = SM.getFilename(SM.getFileLoc(S.getBeginLoc()));
    if (TestFileRegex.match(File))
      return "";
  }
  if (isInGoogleTest(*F))
    return "";
  const auto &Entries = model::ThreadEntryIndex::get(Ctx);
  if (const model::ThreadEntry *Entry = Entries.enclosingEntry(S, Ctx)) {
    // "(anonymous namespace)::serve" reads as "serve" in a diagnostic.
    llvm::StringRef Name = Entry->Name;
    Name.consume_front("(anonymous namespace)::");
    return ("thread entry '" + Name + "'").str();
  }
  if (auto Why = model::whyHandler(*F, Ctx, ReqOpts))
    return "request handler '" + Why->HandlerName + "'";
  if (!AllNonMain)
    return "";
  if (const auto *Method = dyn_cast<CXXMethodDecl>(F))
    if (Method->getParent()->isLambda())
      return "a lambda";
  return "'" + F->getQualifiedNameAsString() + "'";
}

void UnstructuredLoggingCheck::check(const MatchFinder::MatchResult &Result) {
  static constexpr llvm::StringRef Message =
      "%0 in %1 writes unstructured lines that interleave under load; use "
      "the project's structured logger";
  const SourceManager &SM = *Result.SourceManager;
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(PrintCall)) {
    std::string Where = scopeOf(*Call, *Result.Context, SM);
    if (Where.empty() || !Call->getDirectCallee())
      return;
    diag(utils::userLocation(Call->getBeginLoc(), SM), Message)
        << Call->getDirectCallee() << Where;
    return;
  }
  if (const auto *Ref = Result.Nodes.getNodeAs<DeclRefExpr>(StreamRef)) {
    std::string Where = scopeOf(*Ref, *Result.Context, SM);
    if (Where.empty())
      return;
    diag(utils::userLocation(Ref->getBeginLoc(), SM), Message)
        << ("'std::" + Ref->getDecl()->getName() + "'").str() << Where;
  }
}

} // namespace loadcheck::observability
