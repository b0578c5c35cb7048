// An upstream client on libcurl with OpenSSL-verified TLS: a reused easy
// handle, timeouts, certificate pinning via CAINFO, HMAC request signing.
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <optional>
#include <string>

namespace {

size_t appendBody(char *Data, size_t Size, size_t Count, void *Out) {
  static_cast<std::string *>(Out)->append(Data, Size * Count);
  return Size * Count;
}

std::string hexHmac(const std::string &Key, const std::string &Message) {
  unsigned char Digest[EVP_MAX_MD_SIZE];
  unsigned Length = 0;
  HMAC(EVP_sha256(), Key.data(), static_cast<int>(Key.size()),
       reinterpret_cast<const unsigned char *>(Message.data()), Message.size(),
       Digest, &Length);
  static const char Hex[] = "0123456789abcdef";
  std::string Out;
  Out.reserve(Length * 2);
  for (unsigned I = 0; I < Length; ++I) {
    Out.push_back(Hex[Digest[I] >> 4]);
    Out.push_back(Hex[Digest[I] & 15]);
  }
  return Out;
}

class PaymentsClient {
public:
  PaymentsClient(std::string BaseUrl, std::string SigningKey)
      : Handle(curl_easy_init(), &curl_easy_cleanup),
        BaseUrl(std::move(BaseUrl)), SigningKey(std::move(SigningKey)) {
    curl_easy_setopt(Handle.get(), CURLOPT_CONNECTTIMEOUT_MS, 500L);
    curl_easy_setopt(Handle.get(), CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(Handle.get(), CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(Handle.get(), CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(Handle.get(), CURLOPT_CAINFO, "/etc/ssl/certs/payments.pem");
    curl_easy_setopt(Handle.get(), CURLOPT_WRITEFUNCTION, appendBody);
  }

  std::optional<std::string> charge(const std::string &Body) {
    std::string Url = BaseUrl + "/charges";
    std::string Signature = "X-Signature: " + hexHmac(SigningKey, Body);
    curl_slist *Headers = curl_slist_append(nullptr, Signature.c_str());
    Headers = curl_slist_append(Headers, "Content-Type: application/json");
    std::string Response;
    curl_easy_setopt(Handle.get(), CURLOPT_URL, Url.c_str());
    curl_easy_setopt(Handle.get(), CURLOPT_HTTPHEADER, Headers);
    curl_easy_setopt(Handle.get(), CURLOPT_POSTFIELDS, Body.c_str());
    curl_easy_setopt(Handle.get(), CURLOPT_WRITEDATA, &Response);
    CURLcode Code = curl_easy_perform(Handle.get());
    curl_slist_free_all(Headers);
    long Status = 0;
    curl_easy_getinfo(Handle.get(), CURLINFO_RESPONSE_CODE, &Status);
    if (Code != CURLE_OK || Status != 200)
      return std::nullopt;
    return Response;
  }

private:
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> Handle;
  std::string BaseUrl;
  std::string SigningKey;
};

} // namespace

int main(int Argc, char **Argv) {
  if (Argc < 2)
    return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  PaymentsClient Payments("https://payments.internal", Argv[1]);
  bool Ok = Payments.charge(R"({"amount_cents":1250})").has_value();
  curl_global_cleanup();
  return Ok ? 0 : 1;
}
