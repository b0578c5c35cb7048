//===--- MissingGracefulShutdownCheck.h -------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_RESILIENCE_MISSINGGRACEFULSHUTDOWNCHECK_H
#define LOADCHECK_CHECKS_RESILIENCE_MISSINGGRACEFULSHUTDOWNCHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/Support/Regex.h"

namespace loadcheck::resilience {

/// Flags a main that starts a blocking server loop when the translation unit
/// installs no signal handling: SIGTERM kills in-flight requests.
///
/// Server loops, called in `main` itself: `httplib::Server::listen` and
/// `listen_after_bind`, `boost::asio::io_context::run`, `grpc::Server::Wait`,
/// and a loop whose body calls `accept`/`accept4`. Signal handling, anywhere
/// in the translation unit (also in a framework's headers): `signal`,
/// `std::signal` or `sigaction` for SIGTERM (or a signal number not known at
/// compile time), `sigwait`, `sigwaitinfo`, `sigtimedwait`, `signalfd`, a
/// `boost::asio::signal_set`, or a call in `main` to a function whose name
/// matches `SignalSetupPattern` (set-up defined in another file). The
/// decision is taken at the end of the translation unit.
class MissingGracefulShutdownCheck final : public model::TestCodeAwareCheck {
public:
  MissingGracefulShutdownCheck(llvm::StringRef Name,
                               clang::tidy::ClangTidyContext *Ctx);
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;
  void onEndOfTranslationUnit() override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  const std::string SignalSetupPattern;
  llvm::Regex SignalSetupRegex;

  const clang::FunctionDecl *Main = nullptr;
  /// The first blocking server loop started in main, and what it is.
  const clang::Stmt *ServerLoop = nullptr;
  std::string ServerLoopName;
  bool HandlesSignals = false;
};

} // namespace loadcheck::resilience

#endif // LOADCHECK_CHECKS_RESILIENCE_MISSINGGRACEFULSHUTDOWNCHECK_H
