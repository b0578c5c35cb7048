//===--- good_storage.cpp - GOOD: bound parameters, secrets from env, TLS -===//
//
// Counterpart of bad_storage.cpp; loadcheck must report nothing here.
//
//===----------------------------------------------------------------------===//
#include <curl/curl.h>
#include <libpq-fe.h>
#include <openssl/ssl.h>
#include <sqlite3.h>

#include <cstdlib>
#include <string>

namespace good::storage {

namespace {
constexpr const char *kCaBundle = "/etc/ssl/certs/ca-certificates.crt";
} // namespace

// Opened once at start-up and reused.
PGconn *connectAudit() {
  // GOOD(loadcheck-hardcoded-credentials): no password in the string: libpq reads PGPASSWORD or ~/.pgpass.
  return PQconnectdb(
      "host=db.internal dbname=audit user=svc connect_timeout=5");
}

bool saveEntry(sqlite3 *db, const std::string &key, const std::string &value) {
  sqlite3_stmt *stmt = nullptr;
  // GOOD(loadcheck-sql-concatenation): constant SQL, values bound as parameters.
  if (sqlite3_prepare_v2(
          db, "INSERT OR REPLACE INTO entries(key, value) VALUES(?1, ?2)", -1,
          &stmt, nullptr) != SQLITE_OK)
    return false;
  sqlite3_bind_text(stmt, 1, key.c_str(), static_cast<int>(key.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt, 2, value.c_str(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  const bool done = sqlite3_step(stmt) == SQLITE_DONE;
  sqlite3_finalize(stmt);
  return done;
}

bool deleteEntry(sqlite3 *db, const std::string &key) {
  sqlite3_stmt *stmt = nullptr;
  // GOOD(loadcheck-sql-concatenation): the key is bound, never parsed as SQL.
  if (sqlite3_prepare_v2(db, "DELETE FROM entries WHERE key = ?1", -1, &stmt,
                         nullptr) != SQLITE_OK)
    return false;
  sqlite3_bind_text(stmt, 1, key.c_str(), static_cast<int>(key.size()),
                    SQLITE_TRANSIENT);
  const bool done = sqlite3_step(stmt) == SQLITE_DONE;
  sqlite3_finalize(stmt);
  return done;
}

bool recordAudit(PGconn *conn, const std::string &user,
                 const std::string &action) {
  const char *values[] = {user.c_str(), action.c_str()};
  // GOOD(loadcheck-sql-concatenation): PQexecParams keeps the text constant and the values out of the parser.
  PGresult *res =
      PQexecParams(conn, "INSERT INTO audit(usr, action) VALUES($1, $2)", 2,
                   nullptr, values, nullptr, nullptr, 0);
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  return ok;
}

// Configures the reused handle of the price feed.
void configurePriceFeed(CURL *feed) {
  curl_easy_setopt(feed, CURLOPT_URL,
                   "https://prices.partner.example/v1/latest");
  curl_easy_setopt(feed, CURLOPT_TIMEOUT_MS, 2000L);
  // GOOD(loadcheck-hardcoded-credentials): the secret comes from the environment at start-up.
  if (const char *userpwd = std::getenv("PRICE_FEED_USERPWD"))
    curl_easy_setopt(feed, CURLOPT_USERPWD, userpwd);
  // GOOD(loadcheck-tls-verification-disabled): verification stays on, against the system CA bundle.
  curl_easy_setopt(feed, CURLOPT_CAINFO, kCaBundle);
}

// The TLS context for outgoing connections to the replication peer.
SSL_CTX *makeReplicationContext() {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr)
    return nullptr;
  // GOOD(loadcheck-tls-verification-disabled): the peer must present a certificate the CA bundle vouches for.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_load_verify_locations(ctx, kCaBundle, nullptr);
  return ctx;
}

} // namespace good::storage
