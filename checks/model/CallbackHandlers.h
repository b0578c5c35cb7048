//===--- CallbackHandlers.h - C handlers registered by address -*- C++ -*-===//
//
// Part of the request-path model (RequestPath.h). A C server has no request
// type in its handlers' signatures: a function is a handler because its
// address is handed to a server library that calls it once per request or
// per connection, or because it is the entry of a thread started per
// accepted connection:
//
//   evhttp_set_cb(http, "/users", on_users, NULL);     libevent HTTP route
//   evhttp_set_gencb(http, on_any, NULL);               libevent HTTP default
//   event_new(base, fd, EV_READ | EV_PERSIST, on_read, ctx);
//   event_assign(&ev, base, fd, EV_READ, on_read, ctx); (read/write events
//                                                        only: not timers or
//                                                        signals)
//   bufferevent_setcb(bev, on_read, on_write, on_event, ctx);
//   evconnlistener_new_bind(base, on_accept, ctx, ...); per connection
//   MHD_start_daemon(flags, port, apc, apc_cls, on_access, cls, ...);
//                                                       libmicrohttpd
//   while (1) { int fd = accept(lfd, ...);
//               pthread_create(&t, NULL, serve, ...); } per connection
//
// The registrations are found once per translation unit, in user code.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_CALLBACKHANDLERS_H
#define LOADCHECK_CHECKS_MODEL_CALLBACKHANDLERS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

namespace clang {
class ASTContext;
class Decl;
class Expr;
class FunctionDecl;
} // namespace clang

namespace loadcheck::model {

/// Where a function became a request handler.
struct CallbackRegistration {
  /// The registering call (`evhttp_set_cb(...)`), or the thread start in an
  /// accept loop.
  const clang::Expr *Site = nullptr;
  /// True for the entry of a thread started per accepted connection.
  bool PerConnectionThread = false;
};

/// Every function of a translation unit registered as a C request handler.
class CallbackHandlerIndex {
public:
  /// The index of \p Ctx's translation unit, built on first use.
  static const CallbackHandlerIndex &get(clang::ASTContext &Ctx);
  /// Builds an index without caching it (for tests).
  explicit CallbackHandlerIndex(clang::ASTContext &Ctx);

  /// The registration making \p F (any redeclaration) a handler, or null.
  const CallbackRegistration *
  registrationOf(const clang::FunctionDecl &F) const;

private:
  llvm::DenseMap<const clang::Decl *, CallbackRegistration> ByDecl;
};

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_CALLBACKHANDLERS_H
