//===--- bad_storage.cpp - BAD: SQL, credentials and TLS ------------------===//
//
// The storage and upstream layer: entries persisted in SQLite, an audit trail
// in PostgreSQL, a price feed fetched over HTTPS with libcurl and OpenSSL.
// Expected findings: sql-concatenation (x3), hardcoded-credentials (x2),
// tls-verification-disabled (x2). Counterpart: good_storage.cpp.
//
//===----------------------------------------------------------------------===//
#include <curl/curl.h>
#include <libpq-fe.h>
#include <openssl/ssl.h>
#include <sqlite3.h>

#include <sstream>
#include <string>

namespace bad::storage {

// Opened once at start-up and reused: the connection itself is fine.
PGconn *connectAudit() {
  // BAD(loadcheck-hardcoded-credentials): the password ships in every binary and image; rotating it needs a release.
  return PQconnectdb("host=db.internal dbname=audit user=svc "
                     "password=Sv(Audit2024 connect_timeout=5");
}

bool saveEntry(sqlite3 *db, const std::string &key, const std::string &value) {
  const std::string sql =
      "INSERT OR REPLACE INTO entries(key, value) VALUES('" + key + "', '" +
      value + "')";
  // BAD(loadcheck-sql-concatenation): a quote in the key rewrites the statement, and each distinct text is parsed again.
  return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

bool deleteEntry(sqlite3 *db, const std::string &key) {
  std::string sql = "DELETE FROM entries WHERE key = '";
  sql += key;
  sql += "'";
  sqlite3_stmt *stmt = nullptr;
  // BAD(loadcheck-sql-concatenation): built with += from the request's key.
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    return false;
  const bool done = sqlite3_step(stmt) == SQLITE_DONE;
  sqlite3_finalize(stmt);
  return done;
}

bool recordAudit(PGconn *conn, const std::string &user,
                 const std::string &action) {
  std::ostringstream sql;
  sql << "INSERT INTO audit(usr, action) VALUES('" << user << "', '" << action
      << "')";
  // BAD(loadcheck-sql-concatenation): user-controlled text streamed into the SQL.
  PGresult *res = PQexec(conn, sql.str().c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  return ok;
}

// Configures the reused handle of the price feed.
void configurePriceFeed(CURL *feed) {
  curl_easy_setopt(feed, CURLOPT_URL,
                   "https://prices.partner.example/v1/latest");
  curl_easy_setopt(feed, CURLOPT_TIMEOUT_MS, 2000L);
  // BAD(loadcheck-hardcoded-credentials): the partner's API password is readable in the repository.
  curl_easy_setopt(feed, CURLOPT_USERPWD, "shop:Pr1ceFeed!");
  // BAD(loadcheck-tls-verification-disabled): anyone on the path can impersonate the partner and change prices.
  curl_easy_setopt(feed, CURLOPT_SSL_VERIFYPEER, 0L);
}

// The TLS context for outgoing connections to the replication peer.
SSL_CTX *makeReplicationContext() {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr)
    return nullptr;
  // BAD(loadcheck-tls-verification-disabled): the replica accepts any certificate, so replicated data can be read and forged.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  return ctx;
}

} // namespace bad::storage
