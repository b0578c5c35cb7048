//===--- clients.h - Outbound calls: webhooks, users service ---*- C++ -*-===//
//
// The client side of the service, in both halves: it notifies webhook
// receivers with libcurl and asks the users service for profiles with
// cpp-httplib. bad_clients.cpp creates a client per call and sets no
// timeouts; good_clients.cpp creates them once, with timeouts.
//
//===----------------------------------------------------------------------===//
#ifndef EXAMPLE_SERVICE_CLIENTS_H
#define EXAMPLE_SERVICE_CLIENTS_H

#include <httplib.h>
#include <memory>
#include <string>
#include <vector>

namespace bad {

/// POSTs \p payload to every URL.
void notifyWebhooks(const std::vector<std::string> &urls,
                    const std::string &payload);

/// Serves GET /profile?id=... from the users service at \p usersUrl.
void registerProfileRoutes(httplib::Server &server,
                           const std::string &usersUrl);

} // namespace bad

namespace good {

/// POSTs payloads to webhook receivers through one reused easy handle.
class WebhookNotifier {
public:
  explicit WebhookNotifier(long timeoutMs) : timeoutMs_(timeoutMs) {}
  /// POSTs \p payload to every URL; returns how many receivers accepted it.
  std::size_t notifyAll(const std::vector<std::string> &urls,
                        const std::string &payload) const;

private:
  long timeoutMs_;
};

/// The users service, behind one long-lived keep-alive client.
class ProfileClient {
public:
  explicit ProfileClient(const std::string &usersUrl);
  /// The profile of \p id, or "" when the users service fails or is slow.
  std::string fetch(const std::string &id);

private:
  httplib::Client users_;
};

/// Serves GET /profile?id=... through \p profiles, which outlives \p server.
void registerProfileRoutes(httplib::Server &server, ProfileClient &profiles);

} // namespace good

#endif // EXAMPLE_SERVICE_CLIENTS_H
