//===--- RequestPath.h - does this code run once per request? ---*- C++ -*-===//
//
// The request-path model. Checks such as
// unbounded-thread-spawn, client-per-request and hot-path-allocation ask "is
// this statement executed once per loop iteration or once per request?" and
// need the answer's *reason* to name it in the diagnostic:
//
//   if (auto Why = model::whyPerRequest(*Call, *Result.Context, ReqOpts))
//     diag(Loc, "thread started per %select{iteration of|request in}0 '%1' "
//               "is unbounded under load; use a fixed-size pool")
//         << Why->isRequest() << Why->subject();
//   // -> "thread started per iteration of 'jobs' is unbounded ..."
//   // -> "thread started per request in 'Greeter::SayHello' is ..."
//
// A statement is per request when, looking only at its own function:
// 1. it is in the body, condition or increment of a loop (for, range-for,
//    while, do) of that function — not in a for-init or the range of a
//    range-for, which run once; or
// 2. that function is a request handler:
//    - a function, method or lambda with a parameter whose type names one of
//      `RequestTypes` (through pointers, references, cv, typedefs and alias
//      templates: `const httplib::Request &`, `grpc::ServerContext *`,
//      `drogon::HttpRequestPtr`, `boost::beast::http::request<Body>`);
//    - a lambda passed (possibly wrapped in std::function) to a route
//      registration call: httplib::Server::{Get,Post,Put,Patch,Delete,
//      Options}, drogon::HttpAppFramework::registerHandler, or operator() of
//      a crow rule object (what CROW_ROUTE(app, url)(lambda) expands to);
//    - a function whose name matches `HandlerNamePattern` (a regex searched
//      in the unqualified name; empty = off);
//    - a C callback whose address is handed to a server library that calls
//      it per request or per connection (libevent's evhttp_set_cb,
//      evhttp_set_gencb, event_new/event_assign on read or write events,
//      bufferevent_setcb, evconnlistener_new*; libmicrohttpd's access
//      handler), or the entry of a thread started in a loop that accepts
//      connections (CallbackHandlers.h).
// Not per request: code in the initialiser of a function-scope `static`, of
// a global or of a member (runs once), code outside any function.
//
// Function boundary: a lambda body is its own function. A loop around a
// lambda *expression* does not make the lambda's body per iteration (it may
// run elsewhere, once, or never), and a lambda defined in a handler is not a
// handler unless it is one itself. Loops in callers are not seen either:
// the program model's request path through calls (ProgramGraph.h) sees
// them, for client-per-request's clients made on every call of a helper.
// Known false negatives of that single-function view: `std::for_each(...,
// [&](auto &x) { ... })` and immediately invoked lambdas inside loops.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_REQUESTPATH_H
#define LOADCHECK_CHECKS_MODEL_REQUESTPATH_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
class LambdaExpr;
class ParmVarDecl;
class Stmt;
} // namespace clang

namespace loadcheck::model {

/// The options of the request-path model, shared by every check that uses
/// it. Checks read them in their constructor and store them back:
///
///   MyCheck(StringRef Name, ClangTidyContext *Ctx)
///       : ClangTidyCheck(Name, Ctx),
///         ReqOpts(model::RequestPathOptions::read(Options)) {}
///   void storeOptions(ClangTidyOptions::OptionMap &Opts) override {
///     ReqOpts.store(Options, Opts);
///   }
class RequestPathOptions {
public:
  /// The built-in request/context types, qualified names
  /// without `::` prefix, `*`, `&` or template arguments.
  static const std::vector<std::string> &defaultRequestTypes();

  /// The defaults: defaultRequestTypes(), no name pattern.
  RequestPathOptions();
  /// \p RequestTypes a semicolon list (`*`, `&`, `<...>`, leading `::` and
  /// spaces are ignored in each item); empty means the defaults.
  /// \p HandlerNamePattern a regex; empty means off. An invalid regex is
  /// ignored (isPatternValid() tells).
  RequestPathOptions(llvm::StringRef RequestTypes,
                     llvm::StringRef HandlerNamePattern);

  /// Reads the options `RequestTypes` and `HandlerNamePattern` of a check.
  static RequestPathOptions
  read(const clang::tidy::ClangTidyCheck::OptionsView &Options);
  /// Stores them back (for --dump-config and the driver's config).
  void store(const clang::tidy::ClangTidyCheck::OptionsView &Options,
             clang::tidy::ClangTidyOptions::OptionMap &Opts) const;

  const std::vector<std::string> &requestTypes() const { return Types; }
  llvm::StringRef handlerNamePattern() const { return Pattern; }
  bool isPatternValid() const { return !Regex || Regex->isValid(); }

  /// True when \p QualifiedName (e.g. `grpc::ServerContext`) is a request
  /// type.
  bool isRequestTypeName(llvm::StringRef QualifiedName) const;
  /// True when \p Name matches HandlerNamePattern (false when it is empty).
  bool matchesHandlerName(llvm::StringRef Name) const;

private:
  std::vector<std::string> Types;
  std::string RawTypes; ///< as configured, for store(); empty = defaults
  std::string Pattern;
  std::shared_ptr<llvm::Regex> Regex; ///< compiled once; null when empty
};

/// Why a function is a request handler.
enum class HandlerVia {
  RequestParameter,     ///< a parameter of a request/context type
  RouteRegistration,    ///< a lambda passed to a route registration call
  NamePattern,          ///< its name matches HandlerNamePattern
  CallbackRegistration, ///< a C callback of libevent or libmicrohttpd
  ConnectionThread,     ///< the entry of a thread started per accept()
};

/// Why a statement runs once per loop iteration or per request.
struct PerRequestReason {
  enum class Kind { Loop, Handler };
  Kind What = Kind::Loop;

  // --- Kind::Loop
  /// The ForStmt, CXXForRangeStmt, WhileStmt or DoStmt.
  const clang::Stmt *Loop = nullptr;
  /// The loop's range (range-for) or condition as written, e.g. `jobs`,
  /// `i < jobs.size()`, `true`, `next()` for `while (auto x = next())`;
  /// empty for `for (;;)`. Long text is cut and
  /// ends with "...".
  std::string LoopText;
  /// `for (;;)`, `while (true)`, `while (1)`, `do ... while (true)`.
  bool InfiniteLoop = false;

  // --- Kind::Handler
  /// The handler: a function, a method or a lambda's call operator.
  const clang::FunctionDecl *Handler = nullptr;
  /// The handler lambda, when it is one.
  const clang::LambdaExpr *HandlerLambda = nullptr;
  HandlerVia Via = HandlerVia::RequestParameter;
  /// For RequestParameter: the parameter of the request type.
  const clang::ParmVarDecl *RequestParam = nullptr;
  /// For RouteRegistration: the registration call (`svr.Get("/x", ...)`).
  const clang::CallExpr *Registration = nullptr;
  /// For CallbackRegistration and ConnectionThread: the registering call
  /// (`evhttp_set_cb(...)`) or the thread start in the accept loop.
  const clang::Expr *RegisteredAt = nullptr;
  /// Printable name, unquoted: `Greeter::SayHello`, `handleOrder`, a route
  /// lambda as `Get "/users"` (the registration method and its literal
  /// route), another lambda as `lambda`.
  std::string HandlerName;

  /// For a diagnostic's `per %select{iteration of|request in}N '%M'`: the
  /// selector (0 loop, 1 handler) and the subject, unquoted:
  ///   `jobs`, `i < n`      (range-for range / loop condition)
  ///   `for (;;)`, `while (true)`, `do ... while (true)`   (infinite loops)
  ///   `Greeter::SayHello`, `Get "/users"`                 (handlers)
  unsigned isRequest() const { return What == Kind::Handler ? 1 : 0; }
  std::string subject() const;
};

/// Adds \p Check's note on where \p Why starts: `loop starts here` at the
/// loop, or `handler 'X' declared here` at the handler (its lambda when it is
/// one). Call it right after the warning it belongs to.
void notePerRequestReason(clang::tidy::ClangTidyCheck &Check,
                          const PerRequestReason &Why);

/// All reasons why \p S runs repeatedly, innermost first: every enclosing
/// loop of its function (innermost loop first), then the handler reason if
/// its function is a handler. Empty when \p S runs once per call of a
/// non-handler function.
llvm::SmallVector<PerRequestReason, 2>
perRequestReasons(const clang::Stmt &S, clang::ASTContext &Ctx,
                  const RequestPathOptions &Opts);

/// The innermost reason of perRequestReasons(), or std::nullopt.
std::optional<PerRequestReason> whyPerRequest(const clang::Stmt &S,
                                              clang::ASTContext &Ctx,
                                              const RequestPathOptions &Opts);

/// Whether \p F (a function, method, or a lambda's call operator, possibly
/// found through enclosingFunction() of ThreadEntry.h) is a request handler,
/// and why. A lambda's call operator is looked up back to its LambdaExpr to
/// see route registrations.
std::optional<PerRequestReason> whyHandler(const clang::FunctionDecl &F,
                                           clang::ASTContext &Ctx,
                                           const RequestPathOptions &Opts);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_REQUESTPATH_H
