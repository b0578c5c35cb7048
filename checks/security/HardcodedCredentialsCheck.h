//===--- HardcodedCredentialsCheck.h ----------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_SECURITY_HARDCODEDCREDENTIALSCHECK_H
#define LOADCHECK_CHECKS_SECURITY_HARDCODEDCREDENTIALSCHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/StringRef.h"

namespace loadcheck::security {

/// Flags passwords and tokens written into the code: string literals passed
/// as the secret of a connection or authentication call, and connection
/// strings with a non-empty literal password.
///
/// Secret arguments: `mysql_real_connect` (password), `PQsetdbLogin` (pwd),
/// `curl_easy_setopt` with `CURLOPT_USERPWD`, `CURLOPT_PASSWORD`,
/// `CURLOPT_PROXYUSERPWD`, `CURLOPT_PROXYPASSWORD`, `CURLOPT_XOAUTH2_BEARER`,
/// and `httplib::Client` `set_basic_auth`, `set_digest_auth`,
/// `set_proxy_basic_auth`, `set_proxy_digest_auth`,
/// `set_bearer_token_auth`; a literal reached through a `const`/`constexpr`
/// variable counts. Connection strings: a literal made only of `key=value`
/// pairs (libpq, ODBC) with a `password`/`pwd` key, or a URI
/// `scheme://user:secret@host`. Empty secrets and placeholders (`$VAR`,
/// `${VAR}`, `%s`, `{}`, `<password>`, `***`, `?`) are not secrets.
class HardcodedCredentialsCheck final : public model::TestCodeAwareCheck {
public:
  HardcodedCredentialsCheck(llvm::StringRef Name,
                            clang::tidy::ClangTidyContext *Ctx)
      : TestCodeAwareCheck(Name, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

/// True when \p Secret is a real secret: non-empty and not a placeholder.
bool isLiteralSecret(llvm::StringRef Secret);

/// True when \p Text is a connection string carrying a literal secret:
/// only `key=value` pairs (at least two) with a password key, or a URI with
/// `user:secret@`.
bool isConnectionStringWithSecret(llvm::StringRef Text);

} // namespace loadcheck::security

#endif // LOADCHECK_CHECKS_SECURITY_HARDCODEDCREDENTIALSCHECK_H
