//===--- bad_clients.cpp - BAD: a client per call, no timeouts ------------===//
#include "service/clients.h"

#include <curl/curl.h>

namespace bad {

void notifyWebhooks(const std::vector<std::string> &urls,
                    const std::string &payload) {
  for (const std::string &url : urls) {
    // BAD(loadcheck-client-per-request): a new easy handle per receiver: a DNS lookup, TCP and TLS handshake every time, no connection reuse.
    CURL *easy = curl_easy_init();
    if (easy == nullptr)
      continue;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, payload.c_str());
    // BAD(loadcheck-missing-timeout): no CURLOPT_TIMEOUT_MS: one stalled receiver blocks the whole batch forever.
    curl_easy_perform(easy);
    curl_easy_cleanup(easy);
  }
}

void registerProfileRoutes(httplib::Server &server,
                           const std::string &usersUrl) {
  server.Get("/profile", [usersUrl](const httplib::Request &request,
                                    httplib::Response &response) {
    // BAD(loadcheck-client-per-request): a client per request: no keep-alive, a new connection to the users service every time.
    httplib::Client users(usersUrl);
    const std::string path = "/users/" + request.get_param_value("id");
    // BAD(loadcheck-missing-timeout): default timeouts: a hung users service holds this handler for up to 300 s.
    httplib::Result result = users.Get(path);
    if (result && result->status == 200)
      response.set_content(result->body, "application/json");
    else
      response.status = 502;
  });
}

} // namespace bad
