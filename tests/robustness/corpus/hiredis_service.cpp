// Robustness corpus: every public header of hiredis (synchronous and
// asynchronous API); a connection with a timeout, commands and an async
// context.
#include "includes/hiredis.h"

#include <string>
#include <sys/time.h>

namespace corpus {

std::string getKey(redisContext *Context, const std::string &Key) {
  auto *Reply = static_cast<redisReply *>(
      redisCommand(Context, "GET %b", Key.data(), Key.size()));
  std::string Value;
  if (Reply && Reply->type == REDIS_REPLY_STRING)
    Value.assign(Reply->str, Reply->len);
  freeReplyObject(Reply);
  return Value;
}

void onReply(redisAsyncContext *, void *Reply, void *) {
  (void)static_cast<redisReply *>(Reply);
}

int runHiredis() {
  timeval Timeout = {1, 500000};
  redisContext *Context = redisConnectWithTimeout("127.0.0.1", 6379, Timeout);
  if (!Context || Context->err) {
    redisFree(Context);
    return 1;
  }
  redisSetTimeout(Context, Timeout);
  std::string Value = getKey(Context, "greeting");
  redisFree(Context);

  // hiredis 0.14 has no connect timeout for the async API: the event loop's
  // own timer bounds it in a real service.
  redisAsyncContext *Async = redisAsyncConnect("127.0.0.1", 6379);
  if (!Async || Async->err)
    return 1;
  redisAsyncCommand(Async, onReply, nullptr, "PING");
  redisAsyncDisconnect(Async);
  return Value.empty() ? 1 : 0;
}

} // namespace corpus
