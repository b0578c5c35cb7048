#include "checks/connections/ClientApis.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Type.h"

using namespace clang;

namespace loadcheck::connections {

NameList::NameList(std::vector<std::string> Names) : Names(std::move(Names)) {}

NameList NameList::withExtra(const std::vector<std::string> &Defaults,
                             llvm::StringRef SemicolonList) {
  std::vector<std::string> Names = Defaults;
  llvm::SmallVector<llvm::StringRef, 8> Items;
  SemicolonList.split(Items, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Item : Items) {
    Item = Item.trim();
    while (Item.consume_front("::")) {
    }
    if (!Item.empty())
      Names.push_back(Item.str());
  }
  return NameList(std::move(Names));
}

llvm::StringRef NameList::match(llvm::StringRef QualifiedName) const {
  for (const std::string &Name : Names) {
    llvm::StringRef Item(Name);
    if (Item.consume_back("*") ? QualifiedName.starts_with(Item)
                               : QualifiedName == Item)
      return Name;
  }
  return "";
}

bool NameList::mayMatchUnqualified(llvm::StringRef Name) const {
  for (const std::string &Item : Names) {
    llvm::StringRef Last = llvm::StringRef(Item).rsplit("::").second;
    if (Last.empty())
      Last = Item;
    if (Last.consume_back("*") ? Name.starts_with(Last) : Name == Last)
      return true;
  }
  return false;
}

const std::vector<std::string> &defaultClientTypes() {
  static const std::vector<std::string> Defaults = {
      "httplib::Client", "httplib::SSLClient", "pqxx::connection",
      // libpqxx 6 spells pqxx::connection (and lazyconnection, ...) as
      // aliases of these templates.
      "pqxx::basic_connection_base", "pqxx::basic_connection",
      "Poco::Net::HTTPClientSession", "Poco::Net::HTTPSClientSession",
      "QNetworkAccessManager", "boost::asio::io_context",
      "boost::asio::ssl::context", "sw::redis::Redis", "mongocxx::client"};
  return Defaults;
}

const std::vector<std::string> &defaultClientFactories() {
  static const std::vector<std::string> Defaults = {
      "curl_easy_init", "grpc::CreateChannel", "grpc::CreateCustomChannel",
      "PQconnectdb", "PQconnectdbParams", "PQsetdbLogin",
      // PQconnectStart, PQconnectStartParams: the non-blocking connect
      "PQconnectStart*", "mysql_real_connect",
      // redisConnect, ...WithTimeout, ...Unix, ...NonBlock, redisAsyncConnect
      "redisConnect*", "redisAsyncConnect*", "sqlite3_open*", "SSL_CTX_new"};
  return Defaults;
}

std::string plainQualifiedName(const NamedDecl &D) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  PrintingPolicy Policy(D.getASTContext().getLangOpts());
  Policy.SuppressUnwrittenScope = true; // no inline namespaces
  Policy.SuppressTemplateArgsInCXXConstructors = true;
  D.printQualifiedName(OS, Policy);
  OS.flush();
  return Name;
}

std::string clientTypeName(QualType T, const NameList &Types,
                           const ASTContext &Ctx) {
  T = T.getNonReferenceType();
  for (unsigned Guard = 0; !T.isNull() && Guard < 16; ++Guard) {
    const Type *Ty = T.getTypePtr();
    const NamedDecl *Named = nullptr;
    if (const auto *Typedef = Ty->getAs<TypedefType>();
        Typedef && Typedef == Ty)
      Named = Typedef->getDecl();
    else if (const auto *Spec = dyn_cast<TemplateSpecializationType>(Ty))
      Named = Spec->getTemplateName().getAsTemplateDecl();
    else if (const auto *Record = dyn_cast<RecordType>(Ty))
      Named = Record->getDecl();
    if (Named) {
      llvm::StringRef Match = Types.match(plainQualifiedName(*Named));
      if (!Match.empty())
        return Match.str();
      if (isa<RecordType>(Ty))
        return "";
    }
    QualType Next = T.getSingleStepDesugaredType(Ctx);
    if (Next == T)
      break;
    T = Next;
  }
  return "";
}

} // namespace loadcheck::connections
