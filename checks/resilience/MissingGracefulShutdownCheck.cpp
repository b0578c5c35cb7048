//===--- MissingGracefulShutdownCheck.cpp ---------------------------------===//
#include "checks/resilience/MissingGracefulShutdownCheck.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include <csignal>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::resilience {

static constexpr llvm::StringRef MainFunction = "main";
static constexpr llvm::StringRef ServerCall = "server-call";
static constexpr llvm::StringRef AcceptLoop = "accept-loop";
static constexpr llvm::StringRef SignalCall = "signal-call";
static constexpr llvm::StringRef SignalSet = "signal-set";
static constexpr llvm::StringRef SetupCall = "setup-call";

MissingGracefulShutdownCheck::MissingGracefulShutdownCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
      SignalSetupPattern(
          Options.get("SignalSetupPattern", "[Ss]ignal|[Ss]hutdown")),
      SignalSetupRegex(SignalSetupPattern) {
  std::string Error;
  if (!SignalSetupPattern.empty() && !SignalSetupRegex.isValid(Error))
    configurationDiag("invalid regular expression in "
                      "'%0.SignalSetupPattern': %1")
        << Name << Error;
}

void MissingGracefulShutdownCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "SignalSetupPattern", SignalSetupPattern);
}

void MissingGracefulShutdownCheck::onStartOfTranslationUnit() {
  Main = nullptr;
  ServerLoop = nullptr;
  ServerLoopName.clear();
  HandlesSignals = false;
}

void MissingGracefulShutdownCheck::registerMatchers(MatchFinder *Finder) {
  const auto InMain = forCallable(functionDecl(isMain()).bind(MainFunction));
  // svr.listen("0.0.0.0", 8080), io.run(), server->Wait()
  const auto ServerMethod = cxxMethodDecl(anyOf(
      allOf(hasAnyName("listen", "listen_after_bind"),
            ofClass(hasName("::httplib::Server"))),
      allOf(hasName("run"), ofClass(hasAnyName("::boost::asio::io_context",
                                               "::boost::asio::io_service"))),
      allOf(hasName("Wait"),
            ofClass(isSameOrDerivedFrom("::grpc::ServerInterface")))));
  Finder->addMatcher(
      cxxMemberCallExpr(callee(ServerMethod), InMain, utils::inUserCode())
          .bind(ServerCall),
      this);
  // while (true) { int fd = accept(listen_fd, ...); ... }
  const auto AcceptCall =
      callExpr(callee(functionDecl(hasAnyName("::accept", "::accept4"))));
  // One matcher per loop kind: rooted at `stmt()`, it would be tried on every
  // statement of the translation unit.
  const auto AcceptLoopParts =
      allOf(hasDescendant(AcceptCall), InMain, utils::inUserCode());
  for (const auto &Loop :
       {whileStmt(AcceptLoopParts), forStmt(AcceptLoopParts),
        doStmt(AcceptLoopParts), cxxForRangeStmt(AcceptLoopParts)})
    Finder->addMatcher(Loop.bind(AcceptLoop), this);
  // signal(SIGTERM, h), sigaction(SIGTERM, &a, nullptr), sigwait(&set, &sig)
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasAnyName(
                   "::signal", "::std::signal", "::sigaction", "::sigwait",
                   "::sigwaitinfo", "::sigtimedwait", "::signalfd"))))
          .bind(SignalCall),
      this);
  // boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  Finder->addMatcher(
      cxxConstructExpr(
          hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(
              cxxRecordDecl(hasAnyName("::boost::asio::basic_signal_set",
                                       "::boost::asio::signal_set")))))))
          .bind(SignalSet),
      this);
  // installSignalHandlers(); defined in another file
  Finder->addMatcher(callExpr(callee(functionDecl().bind(SetupCall)), InMain,
                              utils::inUserCode()),
                     this);
}

/// True when \p Call handles SIGTERM: a signal number that is SIGTERM, or,
/// in the user's code, one not known at compile time or a call that waits on
/// a signal set. A library's generic signal machinery (Boost.Asio's
/// `sigaction(signal_number, ...)`) does not count by itself.
static bool handlesTerminate(const CallExpr &Call, const ASTContext &Ctx,
                             bool InUserCode) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier() || Call.getNumArgs() == 0)
    return false;
  const llvm::StringRef Name = Callee->getName();
  if (Name != "signal" && Name != "sigaction")
    return InUserCode; // sigwait & co. take a set built elsewhere
  const Expr *Signo = Call.getArg(0);
  Expr::EvalResult Value;
  if (Signo->isValueDependent() || !Signo->EvaluateAsInt(Value, Ctx))
    return InUserCode;
  return Value.Val.getInt() == SIGTERM;
}

void MissingGracefulShutdownCheck::check(
    const MatchFinder::MatchResult &Result) {
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(SignalCall)) {
    HandlesSignals |= handlesTerminate(
        *Call, *Result.Context,
        !Result.SourceManager->isInSystemHeader(Call->getBeginLoc()));
    return;
  }
  if (Result.Nodes.getNodeAs<CXXConstructExpr>(SignalSet)) {
    HandlesSignals = true;
    return;
  }
  if (const auto *Setup = Result.Nodes.getNodeAs<FunctionDecl>(SetupCall)) {
    if (!SignalSetupPattern.empty() && Setup->getIdentifier() &&
        !Result.SourceManager->isInSystemHeader(Setup->getLocation()) &&
        SignalSetupRegex.match(Setup->getName()))
      HandlesSignals = true;
    return;
  }
  const auto *InMain = Result.Nodes.getNodeAs<FunctionDecl>(MainFunction);
  if (!InMain)
    return;
  if (skipsTestCode(InMain->getLocation(), *Result.Context))
    return; // a test's main is not a deployed server
  const SourceManager &SM = *Result.SourceManager;
  const Stmt *Loop = nullptr;
  std::string Name;
  if (const auto *Call =
          Result.Nodes.getNodeAs<CXXMemberCallExpr>(ServerCall)) {
    Loop = Call;
    Name = "'" + Call->getMethodDecl()->getQualifiedNameAsString() + "'";
  } else if ((Loop = Result.Nodes.getNodeAs<Stmt>(AcceptLoop))) {
    Name = "accept loop";
  }
  if (!Loop)
    return;
  Main = InMain;
  // Keep the first loop in the file.
  if (!ServerLoop || SM.isBeforeInTranslationUnit(Loop->getBeginLoc(),
                                                  ServerLoop->getBeginLoc())) {
    ServerLoop = Loop;
    ServerLoopName = Name;
  }
}

void MissingGracefulShutdownCheck::onEndOfTranslationUnit() {
  if (!Main || !ServerLoop || HandlesSignals)
    return;
  // The declaration's head, `int main(int argc, char **argv)`.
  SourceRange Head = Main->getLocation();
  if (FunctionTypeLoc Type = Main->getFunctionTypeLoc())
    Head = {Main->getBeginLoc(), Type.getRParenLoc()};
  diag(Main->getLocation(),
       "server loop in 'main' ignores SIGTERM, so a deploy kills in-flight "
       "requests; handle it and drain")
      << utils::fileRange(Head, Main->getASTContext().getSourceManager(),
                          getLangOpts());
  diag(ServerLoop->getBeginLoc(), "%0 started here", DiagnosticIDs::Note)
      << ServerLoopName;
}

} // namespace loadcheck::resilience
