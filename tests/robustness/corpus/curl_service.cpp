// Robustness corpus: every public header of libcurl; an easy transfer with
// timeouts, a multi handle and the URL API.
#include "includes/curl.h"

#include <string>

namespace corpus {

static size_t appendBody(char *Data, size_t Size, size_t Count, void *User) {
  static_cast<std::string *>(User)->append(Data, Size * Count);
  return Size * Count;
}

std::string fetch(const std::string &Url) {
  std::string Body;
  CURL *Easy = curl_easy_init();
  if (!Easy)
    return Body;
  curl_easy_setopt(Easy, CURLOPT_URL, Url.c_str());
  curl_easy_setopt(Easy, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(Easy, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(Easy, CURLOPT_WRITEFUNCTION, appendBody);
  curl_easy_setopt(Easy, CURLOPT_WRITEDATA, &Body);
  CURLcode Result = curl_easy_perform(Easy);
  curl_easy_cleanup(Easy);
  return Result == CURLE_OK ? Body : std::string();
}

int runCurl() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLU *Parsed = curl_url();
  curl_url_set(Parsed, CURLUPART_URL, "https://example.com/health", 0);
  CURLM *Multi = curl_multi_init();
  CURL *Easy = curl_easy_init();
  curl_easy_setopt(Easy, CURLOPT_CURLU, Parsed);
  curl_easy_setopt(Easy, CURLOPT_TIMEOUT_MS, 5000L);
  curl_multi_add_handle(Multi, Easy);
  int Running = 0;
  curl_multi_perform(Multi, &Running);
  curl_multi_remove_handle(Multi, Easy);
  curl_easy_cleanup(Easy);
  curl_multi_cleanup(Multi);
  curl_url_cleanup(Parsed);
  std::string Body = fetch("https://example.com/");
  curl_global_cleanup();
  return Body.empty() ? 1 : 0;
}

} // namespace corpus
