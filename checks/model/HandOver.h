//===--- HandOver.h - does a new object outlive its statement? --*- C++ -*-===//
//
// A connection created in a loop is a problem when it dies with the
// iteration; it is how a pool is filled when it is handed over to something
// that outlives the iteration:
//
//   for (int i = 0; i < size; ++i)
//     conns_.push_back(std::make_unique<pqxx::connection>(dsn)); // handed over
//   CURL *h = curl_easy_init();
//   idle_.push_back(h);                                           // handed
//   over
//
// Handed over: passed (directly, through std::move, a cast, a smart-pointer
// constructor or `release()`) to a container insertion (`push_back`,
// `emplace_back`, `emplace`, `insert`, `push`, `try_emplace`, ...) or to
// `reset`, assigned to anything but a local variable (an array element
// counts when its index varies: `handles[i] = curl_easy_init()`), or returned.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_HANDOVER_H
#define LOADCHECK_CHECKS_MODEL_HANDOVER_H

#include "checks/model/RequestPath.h"
#include <optional>

namespace clang {
class ASTContext;
class Expr;
class VarDecl;
} // namespace clang

namespace loadcheck::model {

/// True when the value \p E creates is handed over (see above). A value
/// stored in a local variable is followed to the variable's uses in its
/// function.
bool isHandedOver(const clang::Expr &E, clang::ASTContext &Ctx);

/// True when some use of the local \p Var, in the function that declares
/// it, hands its value over.
bool isVariableHandedOver(const clang::VarDecl &Var, clang::ASTContext &Ctx);

/// Why the object \p Created (stored in the variable \p Var, or null) is made
/// anew per loop iteration or per request and dies there: the request-path
/// reason, or nullopt for statics, thread_locals and globals (built once per
/// thread) and for values handed over (a pool being filled, a lazily built
/// cache entry, a factory's result).
std::optional<PerRequestReason>
whyRecreatedPerRequest(const clang::Expr &Created, const clang::VarDecl *Var,
                       clang::ASTContext &Ctx, const RequestPathOptions &Opts);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_HANDOVER_H
