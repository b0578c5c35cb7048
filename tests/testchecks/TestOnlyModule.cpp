//===--- TestOnlyModule.cpp - checks that misbehave on purpose ------------===//
//
// Test-only clang-tidy module, linked into loadcheck_crashtest (the driver's
// main.cpp and library plus this module), never into loadcheck or the
// plugin. Its checks act on functions whose names mark the input:
//
// - testonly-fault-injection, on `loadcheck_test_<fault>`: crashes, hangs or
//   gets killed (Faults.h), or rewrites the file being analysed, to prove
//   that the driver isolates every failure and refuses stale fix-its.
// - testonly-overlapping-fix, on `loadcheck_test_overlapping_fix`: offers a
//   fix-it (empty the body) that overlaps the fix-its of real checks inside
//   that body, and, in a header, those of the other includers.
//
//===----------------------------------------------------------------------===//
#include "tests/testchecks/Faults.h"

#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::testonly {
namespace {

using Fault = void (*)();

[[noreturn]] void fatalError() {
  llvm::report_fatal_error("injected fatal error");
}

/// Rewrites \p Path in place (as an editor saving does) with one more line
/// at the top, so every offset the analysis computed is now wrong.
void prependLine(llvm::StringRef Path) {
  auto Old = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false,
                                         /*IsVolatile=*/true);
  if (!Old)
    return;
  std::string Text =
      "// edited while loadcheck analysed it\n" + (*Old)->getBuffer().str();
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (!EC)
    OS << Text;
}

class FaultInjectionCheck : public tidy::ClangTidyCheck {
public:
  using ClangTidyCheck::ClangTidyCheck;

  void registerMatchers(MatchFinder *Finder) override {
    Finder->addMatcher(
        functionDecl(isDefinition(), matchesName("^::loadcheck_test_"))
            .bind("marked"),
        this);
  }

  void check(const MatchFinder::MatchResult &Result) override {
    const auto *Marked = Result.Nodes.getNodeAs<FunctionDecl>("marked");
    llvm::StringRef What = Marked->getName();
    What.consume_front("loadcheck_test_");
    if (What == "modify_on_disk") {
      const SourceManager &SM = *Result.SourceManager;
      if (auto File =
              SM.getFileEntryRefForID(SM.getFileID(Marked->getLocation())))
        prependLine(File->getFileEntry().tryGetRealPathName());
      return;
    }
    Fault Inject = llvm::StringSwitch<Fault>(What)
                       .Case("crash_segv", writeThroughNull)
                       .Case("crash_assert", failAssertion)
                       .Case("crash_abort", abortProcess)
                       .Case("crash_stack_overflow", overflowStack)
                       .Case("crash_exception", throwUncaught)
                       .Case("crash_fatal_error", fatalError)
                       .Case("hang", spinForever)
                       .Case("killed", killSelf)
                       .Default(nullptr);
    if (Inject)
      Inject();
  }
};

class OverlappingFixCheck : public tidy::ClangTidyCheck {
public:
  using ClangTidyCheck::ClangTidyCheck;

  void registerMatchers(MatchFinder *Finder) override {
    Finder->addMatcher(functionDecl(isDefinition(),
                                    hasName("::loadcheck_test_overlapping_fix"))
                           .bind("marked"),
                       this);
  }

  void check(const MatchFinder::MatchResult &Result) override {
    const auto *Marked = Result.Nodes.getNodeAs<FunctionDecl>("marked");
    // Named after the translation unit: in a header, each includer then
    // offers its own fix-it for the same range, which only the driver sees
    // together (clang-tidy resolves overlaps within one translation unit).
    const SourceManager &SM = *Result.SourceManager;
    OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
    std::string Unit =
        Main ? llvm::sys::path::filename(Main->getName()).str() : "";
    diag(Marked->getLocation(), "test-only fix-it from %0: empty the body")
        << Unit
        << FixItHint::CreateReplacement(Marked->getBody()->getSourceRange(),
                                        "{ /* emptied for " + Unit + " */ }");
  }
};

class TestOnlyModule : public tidy::ClangTidyModule {
public:
  void addCheckFactories(tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<FaultInjectionCheck>("testonly-fault-injection");
    Factories.registerCheck<OverlappingFixCheck>("testonly-overlapping-fix");
  }
};

} // namespace

static tidy::ClangTidyModuleRegistry::Add<TestOnlyModule>
    Registration("testonly", "Test-only checks that misbehave on purpose.");

} // namespace loadcheck::testonly
