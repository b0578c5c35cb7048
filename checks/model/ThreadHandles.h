//===--- ThreadHandles.h - where a started thread's handle is kept -*- C++
//-*-===//
//
// A thread whose handle lives in a global or a field can be joined by any
// function of the program: `pthread_create(&maintenance_tid, ...)` in one
// file, `pthread_join(maintenance_tid, NULL)` in another. The program model
// matches the two by the handle's id (RootFact::Handle,
// FunctionFacts::ThreadJoins): after the join, the thread runs no more.
// Handles kept in locals are left out: their thread cannot be told apart
// from the next one started into the same local.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_THREADHANDLES_H
#define LOADCHECK_CHECKS_MODEL_THREADHANDLES_H

namespace clang {
class ASTContext;
class CallExpr;
class ValueDecl;
} // namespace clang

namespace loadcheck::model {
struct ThreadStart;

/// The global or field the thread started by \p Start is kept in:
/// pthread_create's and thrd_create's first argument (`&tid`,
/// `&t->thread_id`, `&tids[i]`), or the std::thread member or global the
/// construction is assigned to. Null for a local or an unknown place.
const clang::ValueDecl *threadHandleOf(const ThreadStart &Start,
                                       clang::ASTContext &Ctx);

/// The global or field whose thread \p Call joins: `pthread_join(tid, ...)`,
/// `thrd_join(t, ...)`, `g_worker.join()` on a global std::thread. Null for
/// any other call (members joined are ThreadMemberFact's business too, and
/// FactExtractor records them itself).
const clang::ValueDecl *joinedThreadHandle(const clang::CallExpr &Call);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_THREADHANDLES_H
