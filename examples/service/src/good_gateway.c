//===--- good_gateway.c - GOOD: the C price gateway (libevent) -----------===//
//
// The counterpart of bad_gateway.c: one easy handle with a timeout for the
// single-threaded event loop, one reused response buffer, bound parameters,
// compare-and-swap, and a refresher that waits on a pipe it can be woken
// through.
//
//===----------------------------------------------------------------------===//
#include <curl/curl.h>
#include <event2/http.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <unistd.h>

static PGconn *quotes_db;
static CURL *upstream;
static pthread_t refresher_thread;
static atomic_int cache_warmed;
// GOOD(loadcheck-volatile-synchronization): gateway_stop wakes the refresher through a pipe, no shared flag.
static int refresher_wakeup[2];
// GOOD(loadcheck-hot-path-allocation): one response buffer for the event loop's thread, reused.
static char response_body[65536];

static size_t keep(char *data, size_t size, size_t count, void *user) {
  return size * count;
}

static void warm_cache(void) {
  int expected = 0;
  // GOOD(loadcheck-atomic-check-then-act): exactly one caller wins the exchange.
  if (atomic_compare_exchange_strong(&cache_warmed, &expected, 1))
    PQclear(PQexec(quotes_db, "SELECT symbol FROM quotes LIMIT 100"));
}

static void on_quote(struct evhttp_request *req, void *arg) {
  const char *symbol = evhttp_request_get_uri(req);
  warm_cache();
  // GOOD(loadcheck-client-per-request): the handle made once in gateway_start is reused.
  curl_easy_setopt(upstream, CURLOPT_URL, symbol);
  curl_easy_setopt(upstream, CURLOPT_WRITEDATA, response_body);
  curl_easy_perform(upstream);
  const char *values[1] = {symbol};
  // GOOD(loadcheck-sql-concatenation): the symbol is a bound parameter.
  PQclear(PQexecParams(quotes_db, "INSERT INTO quotes(symbol) VALUES ($1)", 1,
                       NULL, values, NULL, NULL, 0));
  evhttp_send_reply(req, 200, "OK", NULL);
}

static void *refresh_loop(void *arg) {
  struct pollfd wakeup = {refresher_wakeup[0], POLLIN, 0};
  // GOOD(loadcheck-sleep-polling): waits on the pipe, so gateway_stop wakes it at once.
  for (;;) {
    PQclear(PQexec(quotes_db, "REFRESH MATERIALIZED VIEW latest_quotes"));
    if (poll(&wakeup, 1, 1000) != 0)
      break;
  }
  return NULL;
}

int gateway_start(struct evhttp *http) {
  if (pipe(refresher_wakeup) != 0)
    return -1;
  quotes_db = PQconnectdb("host=db.internal dbname=quotes connect_timeout=3");
  upstream = curl_easy_init();
  // GOOD(loadcheck-missing-timeout): every transfer on the shared handle is bounded.
  curl_easy_setopt(upstream, CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(upstream, CURLOPT_WRITEFUNCTION, keep);
  evhttp_set_cb(http, "/quote", on_quote, NULL);
  return pthread_create(&refresher_thread, NULL, refresh_loop, NULL);
}

void gateway_stop(void) {
  (void)write(refresher_wakeup[1], "x", 1);
  pthread_join(refresher_thread, NULL);
  curl_easy_cleanup(upstream);
  PQfinish(quotes_db);
}
