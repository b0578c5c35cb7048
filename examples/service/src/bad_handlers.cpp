//===--- bad_handlers.cpp - BAD: request dispatch -------------------------===//
//
// Expected finding: abrupt-termination. Counterpart: good_server.cpp.
//
//===----------------------------------------------------------------------===//
#include "service/bad.h"

#include <cstdlib>

namespace bad {

using service::http::Request;
using service::http::Response;

Response Handler::handle(const Request &request) {
  stats_.recordRequest(service::routeOf(request.path));
  if (request.path.starts_with("/kv/")) {
    const std::string key = request.path.substr(4);
    if (request.method == "GET") {
      const std::optional<std::string> value = cache_.get(key);
      return value ? Response{200, *value} : Response{404, "not found\n"};
    }
    if (request.method == "PUT") {
      cache_.put(key, request.body);
      startAudit("put " + key);
      return {200, "stored\n"};
    }
  }
  if (request.method == "POST" && request.path == "/jobs") {
    jobs_.push(Job{next_job_id_.fetch_add(1), request.body});
    return {202, "queued\n"};
  }
  if (request.path == "/stats")
    return {200, stats_.render()};
  if (request.method == "POST" && request.path == "/admin/shutdown") {
    // BAD(loadcheck-abrupt-termination): exit() in a handler kills every in-flight request and drops the queued jobs.
    std::exit(0);
  }
  return {404, "not found\n"};
}

} // namespace bad
