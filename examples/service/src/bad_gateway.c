//===--- bad_gateway.c - BAD: the C price gateway (libevent) -------------===//
//
// A C service on libevent: GET /quote?<symbol> fetches the price from an
// upstream over libcurl and records it in PostgreSQL; a refresher thread
// warms the cache. Built as a library: the tests only need its compile
// command. The request handler is `on_quote`, registered with evhttp_set_cb.
//
//===----------------------------------------------------------------------===//
#include <curl/curl.h>
#include <event2/http.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static PGconn *quotes_db;
static pthread_t refresher_thread;
static atomic_int cache_warmed;
// BAD(loadcheck-volatile-synchronization): volatile orders nothing; the refresher may never see gateway_stop's write.
static volatile int refresher_stop;

static size_t discard(char *data, size_t size, size_t count, void *user) {
  return size * count;
}

static void warm_cache(void) {
  // BAD(loadcheck-atomic-check-then-act): two requests can both read 0 and both warm the cache.
  if (atomic_load(&cache_warmed) == 0) {
    atomic_store(&cache_warmed, 1);
    PQclear(PQexec(quotes_db, "SELECT symbol FROM quotes LIMIT 100"));
  }
}

static void on_quote(struct evhttp_request *req, void *arg) {
  const char *symbol = evhttp_request_get_uri(req);
  warm_cache();
  // BAD(loadcheck-hot-path-allocation): 64 KiB from the allocator on every request.
  char *body = malloc(65536);
  // BAD(loadcheck-client-per-request): a new easy handle (DNS, TCP, TLS) for every request.
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, symbol);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  // BAD(loadcheck-missing-timeout): a stalled upstream holds this request, and its connection, forever.
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  char sql[256];
  snprintf(sql, sizeof sql, "INSERT INTO quotes(symbol) VALUES ('%s')", symbol);
  // BAD(loadcheck-sql-concatenation): the symbol from the URL is pasted into the SQL text.
  PQclear(PQexec(quotes_db, sql));
  free(body);
  evhttp_send_reply(req, 200, "OK", NULL);
}

static void *refresh_loop(void *arg) {
  // BAD(loadcheck-sleep-polling): polls the flag once a second; gateway_stop waits up to a second.
  while (!refresher_stop) {
    PQclear(PQexec(quotes_db, "REFRESH MATERIALIZED VIEW latest_quotes"));
    sleep(1);
  }
  return NULL;
}

void gateway_start(struct evhttp *http) {
  quotes_db = PQconnectdb("host=db.internal dbname=quotes connect_timeout=3");
  evhttp_set_cb(http, "/quote", on_quote, NULL);
  pthread_create(&refresher_thread, NULL, refresh_loop, NULL);
}

void gateway_stop(void) {
  refresher_stop = 1;
  pthread_join(refresher_thread, NULL);
  PQfinish(quotes_db);
}
