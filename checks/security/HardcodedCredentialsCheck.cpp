//===--- HardcodedCredentialsCheck.cpp ------------------------------------===//
#include "checks/security/HardcodedCredentialsCheck.h"
#include "checks/utils/ConstantString.h"
#include "checks/utils/CurlOption.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/Support/Regex.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::security {

static constexpr llvm::StringRef SecretCall = "secret-call";
static constexpr llvm::StringRef CurlCall = "curl-call";
static constexpr llvm::StringRef Literal = "literal";

/// Where each connection or authentication function takes its secret.
struct SecretParam {
  llvm::StringRef Function; ///< qualified name
  unsigned Index;           ///< argument holding the secret
};
static constexpr SecretParam SecretParams[] = {
    {"::mysql_real_connect", 3},
    {"::PQsetdbLogin", 6},
    {"::httplib::ClientImpl::set_basic_auth", 1},
    {"::httplib::Client::set_basic_auth", 1},
    {"::httplib::ClientImpl::set_digest_auth", 1},
    {"::httplib::Client::set_digest_auth", 1},
    {"::httplib::ClientImpl::set_proxy_basic_auth", 1},
    {"::httplib::Client::set_proxy_basic_auth", 1},
    {"::httplib::ClientImpl::set_proxy_digest_auth", 1},
    {"::httplib::Client::set_proxy_digest_auth", 1},
    {"::httplib::ClientImpl::set_bearer_token_auth", 0},
    {"::httplib::Client::set_bearer_token_auth", 0},
};

/// A word that documentation writes where the reader puts their own secret:
/// `secret`, `password`, `changeme`, `your_password`, `[PASSWORD]`.
static bool isPlaceholderWord(llvm::StringRef Secret) {
  std::string Word;
  for (char C : Secret)
    if (isAlphanumeric(C))
      Word += toLowercase(C);
  llvm::StringRef W = Word;
  if (!W.consume_front("your"))
    W.consume_front("my");
  W.consume_back("here");
  return llvm::is_contained({"password", "passwd", "pass", "pwd", "secret",
                             "changeme", "changeit", "placeholder", "redacted",
                             "dummy", "example", "token", "apikey"},
                            W);
}

bool isLiteralSecret(llvm::StringRef Secret) {
  Secret = Secret.trim();
  if (Secret.empty())
    return false;
  // $VAR, ${VAR}, %s, {}, {0}, <password>, ?, :password (a bind name)
  if (llvm::StringRef("$%{<?:").contains(Secret.front()))
    return false;
  if (isPlaceholderWord(Secret))
    return false;
  // ***, xxxx, ... : masked in documentation and logs
  return !llvm::all_of(Secret, [](char C) {
    return C == '*' || C == 'x' || C == 'X' || C == '.';
  });
}

/// Hosts reserved for documentation (RFC 2606): `example.com`, `example.org`,
/// `example.net` and their subdomains, and the `.example`, `.test` and
/// `.invalid` top-level domains. A credential for them is a placeholder.
static bool isDocumentationHost(llvm::StringRef Host) {
  const std::string Lower = Host.lower();
  llvm::StringRef H = Lower;
  H = H.take_until([](char C) { return C == ':' || C == '/' || C == '?'; });
  for (llvm::StringRef Domain : {"example.com", "example.org", "example.net",
                                 "example", "test", "invalid"})
    if (H == Domain || H.ends_with(("." + Domain).str()))
      return H != "test" && H != "invalid";
  return false;
}

/// Parses libpq/ODBC `key=value` pairs separated by blanks or `;`; false
/// when \p Text holds anything else (prose, a log line).
static bool parsePairs(
    llvm::StringRef Text,
    llvm::SmallVectorImpl<std::pair<llvm::StringRef, llvm::StringRef>> &Out) {
  Text = Text.trim();
  while (!Text.empty()) {
    size_t KeyEnd = 0;
    while (KeyEnd < Text.size() &&
           (isAlphanumeric(Text[KeyEnd]) || Text[KeyEnd] == '_'))
      ++KeyEnd;
    if (KeyEnd == 0)
      return false;
    llvm::StringRef Key = Text.take_front(KeyEnd);
    Text = Text.drop_front(KeyEnd).ltrim();
    if (!Text.consume_front("="))
      return false;
    Text = Text.ltrim(" \t");
    llvm::StringRef Value;
    if (Text.consume_front("'")) {
      size_t Close = Text.find('\'');
      if (Close == llvm::StringRef::npos)
        return false;
      Value = Text.take_front(Close);
      Text = Text.drop_front(Close + 1);
    } else {
      size_t End = Text.find_first_of(" \t\n;");
      Value = Text.take_front(End);
      Text = Text.drop_front(Value.size());
    }
    Out.emplace_back(Key, Value);
    Text = Text.ltrim(" \t\n;");
  }
  return true;
}

bool isConnectionStringWithSecret(llvm::StringRef Text) {
  // scheme://user:secret@host...
  static const llvm::Regex Uri(
      "^[A-Za-z][A-Za-z0-9+.-]*://[^:/@ ]*:([^@/ ]+)@([^ ]+)$");
  llvm::SmallVector<llvm::StringRef, 3> Match;
  if (Uri.match(Text, &Match))
    return isLiteralSecret(Match[1]) && !isDocumentationHost(Match[2]);
  llvm::SmallVector<std::pair<llvm::StringRef, llvm::StringRef>, 8> Pairs;
  if (!parsePairs(Text, Pairs) || Pairs.size() < 2)
    return false;
  if (llvm::any_of(Pairs, [](const auto &Pair) {
        return llvm::is_contained({"host", "hostaddr", "server"},
                                  Pair.first.lower()) &&
               isDocumentationHost(Pair.second);
      }))
    return false;
  return llvm::any_of(Pairs, [](const auto &Pair) {
    return llvm::is_contained({"password", "pwd", "passwd"},
                              Pair.first.lower()) &&
           isLiteralSecret(Pair.second);
  });
}

void HardcodedCredentialsCheck::registerMatchers(MatchFinder *Finder) {
  llvm::SmallVector<llvm::StringRef> Names;
  for (const SecretParam &P : SecretParams)
    Names.push_back(P.Function);
  // mysql_real_connect(db, host, user, "secret", ...), cli.set_basic_auth(..)
  Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(Names))),
                              utils::inUserCode(),
                              unless(isInTemplateInstantiation()))
                         .bind(SecretCall),
                     this);
  // curl_easy_setopt(h, CURLOPT_USERPWD, "user:secret")
  Finder->addMatcher(
      callExpr(
          callee(functionDecl(hasName("::curl_easy_setopt"))),
          argumentCountIs(3),
          hasArgument(1, utils::curlOptionIs(enumConstantDecl(hasAnyName(
                             "CURLOPT_USERPWD", "CURLOPT_PASSWORD",
                             "CURLOPT_PROXYUSERPWD", "CURLOPT_PROXYPASSWORD",
                             "CURLOPT_XOAUTH2_BEARER")))),
          utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(CurlCall),
      this);
  // "host=db user=app password=hunter2", "postgresql://app:hunter2@db/app"
  Finder->addMatcher(
      stringLiteral(utils::inUserCode(), unless(isInTemplateInstantiation()))
          .bind(Literal),
      this);
}

void HardcodedCredentialsCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  if (const auto *S = Result.Nodes.getNodeAs<StringLiteral>(Literal)) {
    if (!S->isOrdinary() && !S->isUTF8())
      return;
    if (isConnectionStringWithSecret(S->getString()))
      diag(S->getBeginLoc(), "connection string holds a hardcoded password, "
                             "readable in code and binary; load it from "
                             "secrets")
          << utils::fileRange(S->getSourceRange(), *Result.SourceManager,
                              getLangOpts());
    return;
  }

  const CallExpr *Call = Result.Nodes.getNodeAs<CallExpr>(SecretCall);
  const Expr *SecretArg = nullptr;
  bool UserAndPassword = false;
  if (Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee)
      return;
    const std::string Name = "::" + Callee->getQualifiedNameAsString();
    for (const SecretParam &P : SecretParams)
      if (P.Function == Name && P.Index < Call->getNumArgs())
        SecretArg = Call->getArg(P.Index);
  } else if ((Call = Result.Nodes.getNodeAs<CallExpr>(CurlCall))) {
    SecretArg = Call->getArg(2);
    const EnumConstantDecl *Option = utils::curlOption(Call->getArg(1));
    UserAndPassword = Option->getName().ends_with("USERPWD");
  }
  if (!Call || !SecretArg)
    return;
  const VarDecl *Via = nullptr;
  const StringLiteral *Secret = utils::stringLiteralOf(SecretArg, &Via);
  if (!Secret || (!Secret->isOrdinary() && !Secret->isUTF8()))
    return;
  llvm::StringRef Value = Secret->getString();
  if (UserAndPassword) {
    // "user:secret"; "user" alone or "user:" carries no secret.
    size_t Colon = Value.find(':');
    if (Colon == llvm::StringRef::npos)
      return;
    Value = Value.drop_front(Colon + 1);
  }
  if (!isLiteralSecret(Value))
    return;
  const FunctionDecl *Callee = Call->getDirectCallee();
  diag(SecretArg->getBeginLoc(), "hardcoded secret passed to %0 is readable "
                                 "in code and binary; load it from a secret "
                                 "store")
      << Callee
      << utils::fileRange(SecretArg->getSourceRange(), *Result.SourceManager,
                          getLangOpts());
  if (Via)
    diag(Via->getLocation(), "secret %0 defined here", DiagnosticIDs::Note)
        << Via;
}

} // namespace loadcheck::security
