#include "tool/TidyRunner.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <cstdlib>

using namespace clang;
using namespace clang::tidy;
using namespace clang::tooling;

namespace loadcheck {

/// ExtraArgsBefore/ExtraArgs of the file's .clang-tidy, as clang-tidy adds
/// them.
ArgumentsAdjuster configExtraArgs(ClangTidyContext &Context) {
  return [&Context](const CommandLineArguments &Args, llvm::StringRef File) {
    ClangTidyOptions Opts = Context.getOptionsForFile(File);
    CommandLineArguments Adjusted = Args;
    if (Opts.ExtraArgsBefore) {
      auto Pos = Adjusted.begin();
      if (Pos != Adjusted.end() && !llvm::StringRef(*Pos).starts_with("-"))
        ++Pos; // after the compiler's name
      Adjusted.insert(Pos, Opts.ExtraArgsBefore->begin(),
                      Opts.ExtraArgsBefore->end());
    }
    if (Opts.ExtraArgs)
      Adjusted.insert(Adjusted.end(), Opts.ExtraArgs->begin(),
                      Opts.ExtraArgs->end());
    return Adjusted;
  };
}

namespace {

/// The checks' consumer, but the AST it traverses at the end of the
/// translation unit is only the user's part: the top-level declarations that
/// are not in system headers (ASTContext::setTraversalScope, which matchers,
/// RecursiveASTVisitor and the parent map all honour). Findings in system
/// headers are never reported, yet their declarations are most of a TU that
/// includes grpc++, Boost or Poco, and matching every node of them is most of
/// the checks' time. User headers (not -isystem) stay in the scope, and so do
/// the instantiations the user's code causes of the user's own templates.
/// Declarations of system headers are still reachable through the user's
/// code (a callee, a type, a base class): only the walk over them is skipped.
class UserCodeConsumer : public MultiplexConsumer {
public:
  explicit UserCodeConsumer(std::unique_ptr<ASTConsumer> Checks)
      : MultiplexConsumer(single(std::move(Checks))) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    std::vector<Decl *> UserDecls;
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (!SM.isInSystemHeader(D->getLocation()))
        UserDecls.push_back(D);
    Ctx.setTraversalScope(UserDecls);
    MultiplexConsumer::HandleTranslationUnit(Ctx);
  }

private:
  static std::vector<std::unique_ptr<ASTConsumer>>
  single(std::unique_ptr<ASTConsumer> Consumer) {
    std::vector<std::unique_ptr<ASTConsumer>> Consumers;
    Consumers.push_back(std::move(Consumer));
    return Consumers;
  }
};

class ChecksActionFactory : public FrontendActionFactory {
public:
  ChecksActionFactory(ClangTidyContext &Context,
                      IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS)
      : ConsumerFactory(Context, std::move(FS)) {}

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(ConsumerFactory);
  }

  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    // As clang-tidy: code guarded by __clang_analyzer__ is analysed.
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    // Carets off: clang then skips its "N warnings generated." line.
    Invocation->getDiagnosticOpts().ShowCarets = false;
    return FrontendActionFactory::runInvocation(
        std::move(Invocation), Files, std::move(PCHContainerOps), DiagConsumer);
  }

private:
  class Action : public ASTFrontendAction {
  public:
    explicit Action(ClangTidyASTConsumerFactory &Factory) : Factory(Factory) {}
    std::unique_ptr<ASTConsumer>
    CreateASTConsumer(CompilerInstance &CI, llvm::StringRef File) override {
      return std::make_unique<UserCodeConsumer>(
          Factory.createASTConsumer(CI, File));
    }

  private:
    ClangTidyASTConsumerFactory &Factory;
  };

  ClangTidyASTConsumerFactory ConsumerFactory;
};

} // namespace

std::vector<ClangTidyError> runChecksOnFile(ClangTidyContext &Context,
                                            const CompilationDatabase &Database,
                                            const std::string &File) {
  IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS(
      new llvm::vfs::OverlayFileSystem(llvm::vfs::getRealFileSystem()));
  ClangTool Tool(Database, {File}, std::make_shared<PCHContainerOperations>(),
                 FS);
  Tool.setPrintErrorMessage(false);
  Tool.appendArgumentsAdjuster(configExtraArgs(Context));
  Tool.appendArgumentsAdjuster(getStripPluginsAdjuster());

  ClangTidyDiagnosticConsumer DiagConsumer(Context,
                                           /*ExternalDiagEngine=*/nullptr,
                                           /*RemoveIncompatibleErrors=*/true,
                                           /*GetFixesFromNotes=*/false);
  DiagnosticsEngine Engine(new DiagnosticIDs(), new DiagnosticOptions(),
                           &DiagConsumer, /*ShouldOwnClient=*/false);
  Context.setDiagnosticsEngine(&Engine);
  // The benchmark's per-check profile (bench/README.md): clang-tidy's
  // --enable-check-profile --store-check-profile=DIR, for the worker.
  if (const char *ProfileDir = std::getenv("LOADCHECK_CHECK_PROFILE_DIR");
      ProfileDir && *ProfileDir) {
    Context.setEnableProfiling(true);
    Context.setProfileStoragePrefix(ProfileDir);
  }
  Tool.setDiagnosticConsumer(&DiagConsumer);

  ChecksActionFactory Factory(Context, FS);
  Tool.run(&Factory);
  return DiagConsumer.take();
}

} // namespace loadcheck
