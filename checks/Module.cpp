//===--- Module.cpp - the loadcheck clang-tidy module ---------------------===//
//
// Registers every check of CheckList.def with clang-tidy. The same object
// serves the plugin (the host clang-tidy walks the registry after dlopen) and
// the driver (which links clangTidy statically). Every check walks only the
// user's code, in the plugin as in the driver (model/TraversalScope.h).
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "checks/concurrency/AtomicCheckThenActCheck.h"
#include "checks/concurrency/BlockingUnderLockCheck.h"
#include "checks/concurrency/DetachedThreadCheck.h"
#include "checks/concurrency/DiscardedAsyncFutureCheck.h"
#include "checks/concurrency/LockOrderInversionCheck.h"
#include "checks/concurrency/MissingCancellationCheck.h"
#include "checks/concurrency/SleepPollingCheck.h"
#include "checks/concurrency/ThreadExceptionEscapeCheck.h"
#include "checks/concurrency/UnboundedQueueCheck.h"
#include "checks/concurrency/UnboundedThreadSpawnCheck.h"
#include "checks/concurrency/UnguardedSharedStateCheck.h"
#include "checks/concurrency/UnjoinedThreadCheck.h"
#include "checks/concurrency/VolatileSynchronizationCheck.h"
#include "checks/connections/ClientPerRequestCheck.h"
#include "checks/connections/MissingTimeoutCheck.h"
#include "checks/memory/HotPathAllocationCheck.h"
#include "checks/model/TraversalScope.h"
#include "checks/observability/UnstructuredLoggingCheck.h"
#include "checks/resilience/AbruptTerminationCheck.h"
#include "checks/resilience/MissingGracefulShutdownCheck.h"
#include "checks/security/HardcodedCredentialsCheck.h"
#include "checks/security/SqlConcatenationCheck.h"
#include "checks/security/TlsVerificationDisabledCheck.h"
#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidyModule.h"

namespace loadcheck {
namespace {

class LoadcheckModule : public clang::tidy::ClangTidyModule {
public:
  void
  addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
#define LOADCHECK_CHECK(Name, Class, Section, OffersFix, Langs, Summary)       \
  Factories.registerCheckFactory(Name, model::createUserCodeScoped<Class>);
#include "checks/CheckList.def"
  }
};

} // namespace

static clang::tidy::ClangTidyModuleRegistry::Add<LoadcheckModule>
    Registration("loadcheck", "Checks for C++ services under high traffic.");

volatile int LoadcheckModuleAnchorSource = 0;

} // namespace loadcheck
