//===--- SqlConcatenationCheck.cpp ----------------------------------------===//
#include "checks/security/SqlConcatenationCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/StringProvenance.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::security {

static constexpr llvm::StringRef Sink = "sink";
static constexpr llvm::StringRef Function = "function";

/// A query-executing function and the argument holding its SQL.
struct SqlSink {
  llvm::StringRef Name; ///< function or method name
  unsigned SqlArg;
};
// C APIs: PQexec(conn, sql), sqlite3_prepare_v2(db, sql, n, &stmt, &tail)...
static constexpr SqlSink CFunctions[] = {{"PQexec", 1},
                                         {"PQsendQuery", 1},
                                         {"PQprepare", 2},
                                         {"PQsendPrepare", 2},
                                         {"mysql_query", 1},
                                         {"mysql_real_query", 1},
                                         {"mysql_send_query", 1},
                                         {"mysql_stmt_prepare", 1},
                                         {"sqlite3_exec", 1},
                                         {"sqlite3_prepare", 1},
                                         {"sqlite3_prepare_v2", 1},
                                         {"sqlite3_prepare_v3", 1},
                                         {"sqlite3_prepare16", 1},
                                         {"sqlite3_prepare16_v2", 1},
                                         {"sqlite3_prepare16_v3", 1}};
// libpqxx transactions (6.x and 7.x names): txn.exec(sql), txn.exec_n(n, sql)
static constexpr SqlSink PqxxTransaction[] = {
    {"exec", 0},    {"exec0", 0},       {"exec1", 0},    {"exec_n", 1},
    {"query", 0},   {"query_value", 0}, {"query1", 0},   {"query01", 0},
    {"query_n", 1}, {"stream", 0},      {"for_each", 0}, {"for_stream", 0}};

template <size_t N>
static std::optional<unsigned> sqlArgOf(const SqlSink (&Sinks)[N],
                                        llvm::StringRef Name) {
  for (const SqlSink &S : Sinks)
    if (S.Name == Name)
      return S.SqlArg;
  return std::nullopt;
}

void SqlConcatenationCheck::registerMatchers(MatchFinder *Finder) {
  const auto InFunction = forCallable(functionDecl().bind(Function));
  llvm::SmallVector<std::string> CNames;
  for (const SqlSink &S : CFunctions)
    CNames.push_back(("::" + S.Name).str());
  llvm::SmallVector<llvm::StringRef> PqxxNames;
  for (const SqlSink &S : PqxxTransaction)
    PqxxNames.push_back(S.Name);
  const auto Sinks = anyOf(
      callExpr(callee(functionDecl(hasAnyName(
          std::vector<llvm::StringRef>(CNames.begin(), CNames.end()))))),
      cxxMemberCallExpr(callee(cxxMethodDecl(
          hasAnyName(PqxxNames),
          ofClass(isSameOrDerivedFrom("::pqxx::transaction_base"))))),
      // conn.prepare("name", sql), pipeline.insert(sql)
      cxxMemberCallExpr(callee(cxxMethodDecl(
          hasName("prepare"),
          ofClass(isSameOrDerivedFrom(
              hasAnyName("::pqxx::connection_base", "::pqxx::connection")))))),
      cxxMemberCallExpr(callee(cxxMethodDecl(
          hasName("insert"), ofClass(hasName("::pqxx::pipeline"))))),
      // Qt: query.exec(sql), query.prepare(sql)
      cxxMemberCallExpr(callee(cxxMethodDecl(hasAnyName("exec", "prepare"),
                                             ofClass(hasName("::QSqlQuery")))),
                        argumentCountIs(1)),
      // Poco: session << sql, into(x), now;
      cxxOperatorCallExpr(
          hasOverloadedOperatorName("<<"), argumentCountIs(2),
          hasArgument(0, expr(hasType(hasUnqualifiedDesugaredType(
                             recordType(hasDeclaration(cxxRecordDecl(
                                 hasName("::Poco::Data::Session"))))))))));
  Finder->addMatcher(callExpr(Sinks, utils::inUserCode(), InFunction,
                              unless(isInTemplateInstantiation()))
                         .bind(Sink),
                     this);
}

/// The argument of \p Call that holds its SQL, or null.
static const Expr *sqlArgument(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee)
    return nullptr;
  if (isa<CXXOperatorCallExpr>(Call)) // session << sql
    return Call.getNumArgs() == 2 ? Call.getArg(1) : nullptr;
  if (!Callee->getIdentifier())
    return nullptr;
  std::optional<unsigned> Index;
  if (isa<CXXMemberCallExpr>(Call))
    Index = Callee->getName() == "prepare" && Call.getNumArgs() == 2
                ? 1
                : sqlArgOf(PqxxTransaction, Callee->getName()).value_or(0);
  else
    Index = sqlArgOf(CFunctions, Callee->getName());
  if (!Index || *Index >= Call.getNumArgs())
    return nullptr;
  return Call.getArg(*Index);
}

void SqlConcatenationCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const auto *Call = Result.Nodes.getNodeAs<CallExpr>(Sink);
  const auto *InFunction = Result.Nodes.getNodeAs<FunctionDecl>(Function);
  if (!Call || !InFunction || !InFunction->getBody())
    return;
  const Expr *Sql = sqlArgument(*Call);
  if (!Sql)
    return;
  std::optional<model::RuntimePart> Part =
      model::findRuntimePart(Sql, InFunction->getBody(), *Result.Context);
  if (!Part) {
    checkBuiltElsewhere(*Call, *Sql, *InFunction, *Result.Context);
    return;
  }

  llvm::StringRef PartName;
  if (const NamedDecl *D = utils::namedEntity(Part->Part))
    if (D->getIdentifier())
      PartName = D->getName();
  diag(Sql->getBeginLoc(), "SQL for %0 built from %select{a run-time value|"
                           "'%2'}1 is injectable and re-parsed per call; use "
                           "parameters")
      << Call->getDirectCallee()->getDeclName() << !PartName.empty() << PartName
      << utils::fileRange(Sql->getSourceRange(), *Result.SourceManager,
                          getLangOpts());
  // Point at the join when it happens outside the call's argument.
  const SourceManager &SM = *Result.SourceManager;
  SourceRange ArgRange = Sql->getSourceRange();
  SourceLocation JoinLoc = Part->Part->getBeginLoc();
  if (!SM.isPointWithin(SM.getFileLoc(JoinLoc),
                        SM.getFileLoc(ArgRange.getBegin()),
                        SM.getFileLoc(ArgRange.getEnd())))
    diag(JoinLoc, "%select{a run-time value|'%1'}0 joined into the query here",
         DiagnosticIDs::Note)
        << !PartName.empty() << PartName;
}

void SqlConcatenationCheck::checkBuiltElsewhere(const CallExpr &Call,
                                                const Expr &Sql,
                                                const FunctionDecl &InFunction,
                                                ASTContext &Ctx) {
  const NamedDecl *Source =
      model::wholeQuerySource(&Sql, InFunction.getBody(), Ctx);
  if (!Source)
    return;
  // A candidate of the program model: the driver's link stage keeps it when
  // that function returns, or a method writes into that member, text joined
  // from a run-time value; the plugin asks its own TU.
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(Ctx);
  model::CandidateFact Candidate =
      Index.addCandidate(model::SqlConcatenationCheckName, Sql.getBeginLoc(),
                         InFunction, nullptr, nullptr, Source);
  std::optional<model::LinkVerdict> Verdict;
  if (!model::programVerdictsDeferred()) {
    Verdict = Index.tuGraph().judge(Candidate);
    if (!Verdict || !Verdict->Report)
      return;
  }
  diag(Sql.getBeginLoc(), "SQL for %0 built in %1 from run-time values is "
                          "injectable and re-parsed; use parameters")
      << Call.getDirectCallee()->getDeclName() << Source
      << utils::fileRange(Sql.getSourceRange(), Ctx.getSourceManager(),
                          getLangOpts());
  if (Verdict)
    for (const model::LinkNote &Note : Verdict->Notes)
      if (SourceLocation At = Index.locationOf(Note); At.isValid())
        diag(At, "%0", DiagnosticIDs::Note) << Note.Message;
}

} // namespace loadcheck::security
