//===--- MissingTimeoutCheck.h ----------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONNECTIONS_MISSINGTIMEOUTCHECK_H
#define LOADCHECK_CHECKS_CONNECTIONS_MISSINGTIMEOUTCHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::connections {

/// Flags external calls that can block forever because no timeout is set.
///
/// Six cases, each on real client libraries:
///   - a local `grpc::ClientContext` passed to a stub's RPC with no
///     `set_deadline` on it earlier in the function (fix-it: set one right
///     after the declaration);
///   - a CURL easy handle created in the function (`curl_easy_init`) and
///     passed to `curl_easy_perform` with no `CURLOPT_TIMEOUT`/`_MS` on it
///     (fix-it: `curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, <ms>L);` before the
///     transfer);
///   - a local `httplib::Client` used for a request with neither
///     `set_connection_timeout` nor `set_read_timeout` called on it;
///   - `redisConnect` (no fix-it: `redisConnectWithTimeout` takes a timeout),
///     and hiredis 1.x `redisConnectWithOptions` with local options that set
///     neither `connect_timeout` nor `command_timeout` (RedisOptions.h);
///   - a libpq/libpqxx connection string literal without `connect_timeout`.
/// A timeout set by a helper function that receives the context or handle
/// counts when the helper's body is in the translation unit.
class MissingTimeoutCheck final : public model::TestCodeAwareCheck {
public:
  MissingTimeoutCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // curl, hiredis and libpq are C APIs
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  void checkGrpc(const clang::CallExpr &Rpc, const clang::VarDecl &Context,
                 const clang::ast_matchers::MatchFinder::MatchResult &Result);
  void checkCurl(const clang::CallExpr &Perform, const clang::VarDecl &Handle,
                 const clang::ast_matchers::MatchFinder::MatchResult &Result);
  void checkHttplib(const clang::CXXMemberCallExpr &Request,
                    const clang::VarDecl &Client);
  void checkRedisOptions(const clang::CallExpr &Connect,
                         const clang::VarDecl &Options);
  void checkConnectionString(const clang::Expr &Arg,
                             const clang::SourceManager &SM);

  const unsigned DefaultTimeoutMs;
  /// Contexts, handles and clients already reported: one finding each.
  llvm::DenseSet<const clang::VarDecl *> Reported;
};

} // namespace loadcheck::connections

#endif // LOADCHECK_CHECKS_CONNECTIONS_MISSINGTIMEOUTCHECK_H
