//===--- BlockingUnderLockCheck.cpp ---------------------------------------===//
#include "checks/concurrency/BlockingUnderLockCheck.h"
#include "checks/model/BlockingApis.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/LockModel.h"
#include "checks/model/ZeroWait.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang-tidy/utils/OptionsUtils.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef CallId = "call";
static constexpr llvm::StringRef CalleeId = "callee";
static constexpr llvm::StringRef HelperId = "helper";
static constexpr llvm::StringRef FieldId = "field";

BlockingUnderLockCheck::BlockingUnderLockCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
      BlockingFunctions(Options.get("BlockingFunctions", "")) {}

void BlockingUnderLockCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "BlockingFunctions", BlockingFunctions);
}

void BlockingUnderLockCheck::registerMatchers(MatchFinder *Finder) {
  std::vector<llvm::StringRef> Names(model::defaultBlockingFunctions().begin(),
                                     model::defaultBlockingFunctions().end());
  for (llvm::StringRef Extra :
       clang::tidy::utils::options::parseStringList(BlockingFunctions))
    if (!Extra.trim().empty())
      Names.push_back(Extra.trim());

  // std::future<T>::get()/wait(), std::thread::join(): on the object's type.
  const auto FutureWait =
      cxxMethodDecl(hasAnyName("get", "wait"),
                    ofClass(cxxRecordDecl(anyOf(
                        isSameOrDerivedFrom(hasAnyName("::std::future",
                                                       "::std::shared_future")),
                        hasAnyName("::std::__basic_future", "::std::future",
                                   "::std::shared_future")))));
  const auto Join = cxxMethodDecl(
      hasName("join"), ofClass(hasAnyName("::std::thread", "::std::jthread",
                                          "::boost::thread")));
  // cli.Get("/path"), cli.Post(...): every request of cpp-httplib's clients.
  const auto HttplibRequest = cxxMethodDecl(
      hasAnyName("Get", "Post", "Put", "Patch", "Delete", "Head", "Options",
                 "send"),
      ofClass(hasAnyName("::httplib::Client", "::httplib::ClientImpl",
                         "::httplib::SSLClient")));
  // tx.exec("..."), tx.exec_params(...), tx.query<...>(...) of libpqxx.
  const auto PqxxExec =
      cxxMethodDecl(matchesName("::(exec|query)[a-z0-9_]*$"),
                    ofClass(isSameOrDerivedFrom("::pqxx::transaction_base")));
  // A generated gRPC stub's synchronous method: it takes the
  // grpc::ClientContext*. Async, PrepareAsync and callback (async()) ones
  // return at once.
  const auto GrpcStubCall = cxxMethodDecl(
      hasAnyParameter(
          hasType(pointsTo(cxxRecordDecl(hasName("::grpc::ClientContext"))))),
      unless(matchesName("::(Async|PrepareAsync)[A-Za-z0-9_]*$")),
      unless(ofClass(hasAnyName("async", "experimental_async"))));
  // std::cin.getline(...), in.read(...) on streams that are not in memory.
  const auto StreamRead = cxxMethodDecl(
      hasAnyName("getline", "read"),
      ofClass(hasAnyName("::std::basic_istream", "::std::basic_iostream")));

  const auto Blocking =
      functionDecl(anyOf(hasAnyName(Names), FutureWait, Join, HttplibRequest,
                         PqxxExec, GrpcStubCall, StreamRead));
  Finder->addMatcher(
      callExpr(utils::inUserCode(), callee(Blocking.bind(CalleeId)))
          .bind(CallId),
      this);
  // A call of a function of the program: it may block further down, in this
  // file or in another (the program model's may-block fixpoint decides).
  Finder->addMatcher(
      callExpr(utils::inUserCode(),
               callee(functionDecl(unless(Blocking),
                                   unless(isExpansionInSystemHeader()),
                                   unless(isImplicit()))
                          .bind(HelperId)))
          .bind(CallId),
      this);
  // A call through a function pointer kept in a field of the program's own
  // record (`mod->finalize(cm)`): the link resolves it to every function
  // stored there, and any of them that may block makes it block.
  Finder->addMatcher(
      callExpr(
          utils::inUserCode(),
          callee(expr(ignoringParenImpCasts(memberExpr(member(
              fieldDecl(unless(isExpansionInSystemHeader())).bind(FieldId)))))))
          .bind(CallId),
      this);
}

/// In-memory streams do not block: std::getline over a std::istringstream.
static bool readsMemoryStream(const CallExpr &Call,
                              const FunctionDecl &Callee) {
  const Expr *Stream = nullptr;
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call))
    Stream = Member->getImplicitObjectArgument()->IgnoreImpCasts();
  else if (Callee.isInStdNamespace() && Callee.getName() == "getline" &&
           Call.getNumArgs() > 0)
    Stream = Call.getArg(0)->IgnoreImpCasts();
  if (!Stream)
    return false;
  const CXXRecordDecl *Record =
      Stream->getType().getNonReferenceType()->getAsCXXRecordDecl();
  return Record &&
         llvm::is_contained({"basic_istringstream", "basic_stringstream",
                             "basic_ispanstream", "basic_spanstream"},
                            Record->getName());
}

void BlockingUnderLockCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const auto *Call = Result.Nodes.getNodeAs<CallExpr>(CallId);
  const auto *Callee = Result.Nodes.getNodeAs<FunctionDecl>(CalleeId);
  const auto *Helper = Result.Nodes.getNodeAs<FunctionDecl>(HelperId);
  const auto *Field = Result.Nodes.getNodeAs<FieldDecl>(FieldId);
  if (!Call || (Callee && readsMemoryStream(*Call, *Callee)))
    return;
  model::LockModels &Models = model::LockModels::of(*Result.Context);
  const FunctionDecl *Owner = Models.enclosingFunction(*Call);
  if (!Owner) // a global initializer: no lock can be held
    return;
  llvm::ArrayRef<model::HeldLock> Held = Models.function(*Owner).heldAt(Call);
  if (Held.empty())
    return;
  if (Helper || Field) {
    checkHelperCall(*Call, Helper ? cast<NamedDecl>(*Helper) : *Field, *Owner,
                    Held, *Result.Context);
    return;
  }
  if (!Callee)
    return;
  // A zero-timeout poll or select, or a read of a descriptor such a probe
  // found ready before it, returns at once (ZeroWait.h).
  if (model::readyAtOnceIn(*Call, *Owner, *Result.Context))
    return;
  // At the callee's name: `sleep_for` in std::this_thread::sleep_for(...).
  SourceLocation Loc = Call->getExprLoc();
  if (const auto *Ref =
          dyn_cast<DeclRefExpr>(Call->getCallee()->IgnoreParenImpCasts()))
    Loc = Ref->getLocation();
  if (!Reported.insert(Result.SourceManager->getFileLoc(Loc)).second)
    return;

  const model::HeldLock &Innermost = Held.back();
  diag(Loc, "%0 blocks while %1 is held, stalling all threads needing it; "
            "release it before the call")
      << Callee->getDeclName() << cast<NamedDecl>(Innermost.Id.Decl)
      << utils::fileRange(Call->getSourceRange(), *Result.SourceManager,
                          getLangOpts());
  addLockNotes(Held);
}

void BlockingUnderLockCheck::checkHelperCall(
    const CallExpr &Call, const NamedDecl &Helper, const FunctionDecl &Owner,
    llvm::ArrayRef<model::HeldLock> Held, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = Call.getExprLoc();
  if (!Reported.insert(SM.getFileLoc(Loc)).second)
    return;
  // A candidate of the program model: the driver's link stage keeps it when
  // the function called may block somewhere in the program; the plugin asks
  // its own TU and stays silent without evidence there.
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(Ctx);
  model::CandidateFact Candidate =
      Index.addCandidate(model::BlockingUnderLockCheckName, Loc, Owner);
  std::optional<model::LinkVerdict> Verdict;
  if (!model::programVerdictsDeferred()) {
    Verdict = Index.tuGraph().judge(Candidate);
    if (!Verdict || !Verdict->Report)
      return;
  }
  diag(Loc, "%0 may block while %1 is held, stalling all threads needing it; "
            "release it first")
      << &Helper << cast<NamedDecl>(Held.back().Id.Decl)
      << utils::fileRange(Call.getSourceRange(), SM, getLangOpts());
  addLockNotes(Held);
  if (Verdict)
    for (const model::LinkNote &Note : Verdict->Notes)
      if (SourceLocation At = Index.locationOf(Note); At.isValid())
        diag(At, "%0", DiagnosticIDs::Note) << Note.Message;
}

void BlockingUnderLockCheck::addLockNotes(
    llvm::ArrayRef<model::HeldLock> Held) {
  for (const model::HeldLock &Lock : llvm::reverse(Held)) {
    if (Lock.Kind == model::HeldBy::Annotation)
      diag(Lock.AcquiredAt, "%0 held by every caller (requires_capability)",
           DiagnosticIDs::Note)
          << cast<NamedDecl>(Lock.Id.Decl);
    else
      diag(Lock.AcquiredAt, "%0 acquired here", DiagnosticIDs::Note)
          << cast<NamedDecl>(Lock.Id.Decl);
  }
}

} // namespace loadcheck::concurrency
