//===--- ClientApis.h - expensive clients and connection factories -*- C++
//-*-===//
//
// The types and factory functions whose construction opens a connection (or
// an equally expensive client: an event loop, a TLS context), as listed in
// the page of loadcheck-client-per-request. Shared with the checks that
// look at the same APIs (hardcoded credentials, for instance).
//
// Names are qualified, without a leading `::`. An item ending in `*` is a
// prefix (`sqlite3_open*` covers `sqlite3_open_v2`). A type is recognised
// through its typedef/alias sugar as well as by its class, so libpqxx 6's
// `using connection = basic_connection_base<connect_direct>` is found both as
// `pqxx::connection` and as `pqxx::basic_connection_base`.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_CONNECTIONS_CLIENTAPIS_H
#define LOADCHECK_CHECKS_CONNECTIONS_CLIENTAPIS_H

#include "clang/AST/Type.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class NamedDecl;
} // namespace clang

namespace loadcheck::connections {

/// A list of qualified names; `*` at the end of an item makes it a prefix.
class NameList {
public:
  NameList() = default;
  explicit NameList(std::vector<std::string> Names);
  /// The defaults plus the items of a semicolon list (spaces and a leading
  /// `::` are ignored; empty items are skipped).
  static NameList withExtra(const std::vector<std::string> &Defaults,
                            llvm::StringRef SemicolonList);

  /// The item matching \p QualifiedName (no leading `::`), or "".
  llvm::StringRef match(llvm::StringRef QualifiedName) const;
  /// A cheap pre-test: false when no item can match a name whose last
  /// component is \p Name.
  bool mayMatchUnqualified(llvm::StringRef Name) const;
  const std::vector<std::string> &names() const { return Names; }

private:
  std::vector<std::string> Names;
};

/// `httplib::Client`, `pqxx::connection`, ...
const std::vector<std::string> &defaultClientTypes();
/// `curl_easy_init`, `grpc::CreateChannel`, `PQconnectdb`, ...
const std::vector<std::string> &defaultClientFactories();

/// The qualified name of \p D without a leading `::` and without template
/// arguments (`pqxx::basic_connection_base`).
std::string plainQualifiedName(const clang::NamedDecl &D);

/// The name, as listed in \p Types, of the client type \p T designates:
/// each typedef/alias layer and finally the class are compared with the
/// list. "" when \p T is not a client type. References and cv-qualifiers
/// are looked through, pointers are not.
std::string clientTypeName(clang::QualType T, const NameList &Types,
                           const clang::ASTContext &Ctx);

} // namespace loadcheck::connections

#endif // LOADCHECK_CHECKS_CONNECTIONS_CLIENTAPIS_H
