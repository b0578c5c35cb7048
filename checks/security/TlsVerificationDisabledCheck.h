//===--- TlsVerificationDisabledCheck.h -------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_SECURITY_TLSVERIFICATIONDISABLEDCHECK_H
#define LOADCHECK_CHECKS_SECURITY_TLSVERIFICATIONDISABLEDCHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace loadcheck::security {

/// Flags code that turns off TLS certificate verification of the peer.
///
/// Covers `curl_easy_setopt` with `CURLOPT_SSL_VERIFYPEER`,
/// `CURLOPT_SSL_VERIFYHOST`, `CURLOPT_PROXY_SSL_VERIFYPEER` or
/// `CURLOPT_PROXY_SSL_VERIFYHOST` set to a constant 0,
/// `SSL_CTX_set_verify`/`SSL_set_verify` with `SSL_VERIFY_NONE`,
/// `httplib::Client::enable_server_certificate_verification(false)` and
/// `boost::asio::ssl::context`/`stream` `set_verify_mode(verify_none)`.
/// A server-side context (made from a `*_server` method, or an `SSL` that
/// accepts) is not flagged: not asking clients for a certificate is normal.
class TlsVerificationDisabledCheck final : public model::TestCodeAwareCheck {
public:
  TlsVerificationDisabledCheck(llvm::StringRef Name,
                               clang::tidy::ClangTidyContext *Ctx)
      : TestCodeAwareCheck(Name, Ctx) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace loadcheck::security

#endif // LOADCHECK_CHECKS_SECURITY_TLSVERIFICATIONDISABLEDCHECK_H
