//===--- good_clients.cpp - GOOD: clients made once, with timeouts --------===//
#include "service/clients.h"

#include <curl/curl.h>

namespace good {

std::size_t WebhookNotifier::notifyAll(const std::vector<std::string> &urls,
                                       const std::string &payload) const {
  // GOOD(loadcheck-client-per-request): one easy handle for the batch: libcurl keeps its connections alive between receivers.
  CURL *easy = curl_easy_init();
  if (easy == nullptr)
    return 0;
  // GOOD(loadcheck-missing-timeout): every transfer is bounded, so a stalled receiver costs at most timeoutMs_.
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeoutMs_);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, payload.c_str());
  std::size_t accepted = 0;
  for (const std::string &url : urls) {
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    if (curl_easy_perform(easy) == CURLE_OK)
      ++accepted;
  }
  curl_easy_cleanup(easy);
  return accepted;
}

ProfileClient::ProfileClient(const std::string &usersUrl) : users_(usersUrl) {
  // GOOD(loadcheck-missing-timeout): bounded connect and read: a hung users service costs a request 2.3 s at most.
  users_.set_connection_timeout(0, 300000);
  users_.set_read_timeout(2, 0);
  users_.set_keep_alive(true);
}

std::string ProfileClient::fetch(const std::string &id) {
  httplib::Result result = users_.Get("/users/" + id);
  return result && result->status == 200 ? result->body : std::string();
}

void registerProfileRoutes(httplib::Server &server, ProfileClient &profiles) {
  // GOOD(loadcheck-client-per-request): the handler borrows the long-lived client instead of building one.
  server.Get("/profile", [&profiles](const httplib::Request &request,
                                     httplib::Response &response) {
    std::string profile = profiles.fetch(request.get_param_value("id"));
    if (profile.empty())
      response.status = 502;
    else
      response.set_content(profile, "application/json");
  });
}

} // namespace good
