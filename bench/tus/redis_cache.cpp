// A read-through cache: hiredis in front of SQLite, with a connect timeout,
// a per-command timeout and prepared SQLite statements.
#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace {

struct RedisDeleter {
  void operator()(redisContext *C) const { redisFree(C); }
};
struct ReplyDeleter {
  void operator()(redisReply *R) const { freeReplyObject(R); }
};

class ProductCache {
public:
  ProductCache(const char *Host, sqlite3 *Db) : Db(Db) {
    timeval Timeout{0, 200000};
    Redis.reset(redisConnectWithTimeout(Host, 6379, Timeout));
    if (Redis && !Redis->err)
      redisSetTimeout(Redis.get(), Timeout);
  }

  std::optional<nlohmann::json> product(const std::string &Id) {
    std::lock_guard Lock(Mutex);
    if (Redis && !Redis->err) {
      std::unique_ptr<redisReply, ReplyDeleter> Reply(static_cast<redisReply *>(
          redisCommand(Redis.get(), "GET product:%s", Id.c_str())));
      if (Reply && Reply->type == REDIS_REPLY_STRING)
        return nlohmann::json::parse(std::string(Reply->str, Reply->len),
                                     nullptr, false);
    }
    auto Loaded = load(Id);
    if (Loaded && Redis && !Redis->err) {
      std::string Text = Loaded->dump();
      std::unique_ptr<redisReply, ReplyDeleter> Ignored(
          static_cast<redisReply *>(redisCommand(Redis.get(),
                                                 "SETEX product:%s 60 %b",
                                                 Id.c_str(), Text.data(),
                                                 Text.size())));
    }
    return Loaded;
  }

private:
  std::optional<nlohmann::json> load(const std::string &Id) {
    sqlite3_stmt *Stmt = nullptr;
    if (sqlite3_prepare_v2(Db, "SELECT name, price FROM products WHERE id = ?",
                           -1, &Stmt, nullptr) != SQLITE_OK)
      return std::nullopt;
    sqlite3_bind_text(Stmt, 1, Id.c_str(), -1, SQLITE_TRANSIENT);
    std::optional<nlohmann::json> Result;
    if (sqlite3_step(Stmt) == SQLITE_ROW)
      Result = nlohmann::json{
          {"name", reinterpret_cast<const char *>(sqlite3_column_text(Stmt, 0))},
          {"price", sqlite3_column_int(Stmt, 1)}};
    sqlite3_finalize(Stmt);
    return Result;
  }

  std::mutex Mutex;
  std::unique_ptr<redisContext, RedisDeleter> Redis;
  sqlite3 *Db;
};

} // namespace

int main() {
  sqlite3 *Db = nullptr;
  if (sqlite3_open("products.db", &Db) != SQLITE_OK)
    return 1;
  ProductCache Cache("redis", Db);
  bool Found = Cache.product("p-1").has_value();
  sqlite3_close(Db);
  return Found ? 0 : 1;
}
