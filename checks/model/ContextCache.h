//===--- ContextCache.h - one model per translation unit, shared -*- C++
//-*-===//
//
// Answers "where does the model of this translation unit live?": the lock
// models, the thread-entry index and every other model computed once per TU
// and shared by all checks that run over it are kept here, keyed by the
// ASTContext and freed with it (so a later context at the same address starts
// clean). Several TUs may be analysed in parallel, one thread per TU; the
// models of one TU are used by its thread only.
//
//   LockModels &LockModels::of(ASTContext &Ctx) {
//     return perContext<LockModels>(Ctx);
//   }
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_CONTEXTCACHE_H
#define LOADCHECK_CHECKS_MODEL_CONTEXTCACHE_H

#include <memory>

namespace clang {
class ASTContext;
} // namespace clang

namespace loadcheck::model {

namespace detail {
/// One address per model type: the key of its slot.
template <typename T> struct ModelKind { static constexpr char Id = 0; };
/// The model stored for (\p Ctx, \p Kind), or null.
void *findModel(const clang::ASTContext &Ctx, const void *Kind);
/// Stores \p Model for (\p Ctx, \p Kind) and returns it; a model stored
/// there first wins (and \p Model is dropped).
void *storeModel(clang::ASTContext &Ctx, const void *Kind,
                 std::shared_ptr<void> Model);
} // namespace detail

/// The \p T of the translation unit of \p Ctx, built as `T(Ctx)` on first
/// request. The build runs outside the cache's lock, so other TUs need not
/// wait, and may itself ask for other models of the same TU.
template <typename T> T &perContext(clang::ASTContext &Ctx) {
  const void *Kind = &detail::ModelKind<T>::Id;
  if (void *Found = detail::findModel(Ctx, Kind))
    return *static_cast<T *>(Found);
  return *static_cast<T *>(
      detail::storeModel(Ctx, Kind, std::make_shared<T>(Ctx)));
}

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_CONTEXTCACHE_H
