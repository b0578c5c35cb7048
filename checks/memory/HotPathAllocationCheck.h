//===--- HotPathAllocationCheck.h -------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_MEMORY_HOTPATHALLOCATIONCHECK_H
#define LOADCHECK_CHECKS_MEMORY_HOTPATHALLOCATIONCHECK_H

#include "checks/model/RequestPath.h"
#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::memory {

/// Flags a heap buffer of constant size of at least MinBytes allocated per
/// loop iteration or per request, which makes the allocator a contention
/// point and the resident set spike under load.
///
/// Allocations: `new T[N]`, `std::make_unique<T[]>(N)` (and `make_shared`,
/// the `_for_overwrite` forms), `malloc(N)`, `calloc(n, size)`,
/// `std::vector<T> v(N)`, `std::string s(N, c)`, where the byte count is a
/// constant expression. `std::array` and other stack buffers are never
/// flagged; nor are statics, `thread_local`s, buffers allocated before the
/// loop, and buffers handed over to something that outlives the iteration
/// (a pool being filled).
class HotPathAllocationCheck final : public model::TestCodeAwareCheck {
public:
  HotPathAllocationCheck(llvm::StringRef Name,
                         clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // malloc and calloc too
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// Reports \p Allocation when it is made on every call of its function
  /// and that function runs per request because of its callers.
  void reportThroughCallers(const clang::Expr &Allocation,
                            const clang::VarDecl *Var, uint64_t Bytes,
                            clang::ASTContext &Ctx);
  void report(const clang::Expr &Allocation, uint64_t Bytes,
              clang::ASTContext &Ctx);

  const uint64_t MinBytes;
  const model::RequestPathOptions ReqOpts;
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::memory

#endif // LOADCHECK_CHECKS_MEMORY_HOTPATHALLOCATIONCHECK_H
