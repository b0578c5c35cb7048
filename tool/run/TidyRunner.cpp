#include "tool/run/TidyRunner.h"

#include "checks/model/ProgramLink.h"
#include "checks/model/TraversalScope.h"
#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyModule.h"
#include "tool/Paths.h"
#include "tool/link/LinkStage.h"
#include "tool/run/FunctionIndex.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
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

/// Records the digest of each file as the preprocessor enters it: the bytes
/// the checks see, even if the file changes on disk while they run.
class DigestRecorder : public PPCallbacks {
public:
  DigestRecorder(const SourceManager &SM, std::string Directory,
                 FileDigests &Read)
      : SM(SM), Directory(std::move(Directory)), Read(Read) {}

  void LexedFileChanged(FileID FID, LexedFileChangeReason Reason,
                        SrcMgr::CharacteristicKind, FileID,
                        SourceLocation) override {
    if (Reason != LexedFileChangeReason::EnterFile)
      return;
    OptionalFileEntryRef Entry = SM.getFileEntryRefForID(FID);
    if (!Entry)
      return; // the predefines buffer, a macro expansion
    // Named as toFinding() names the files of fix-its.
    std::string Path = absolutePath(Entry->getName(), Directory);
    if (Read.count(Path))
      return;
    if (std::optional<llvm::MemoryBufferRef> Buffer = SM.getBufferOrNone(FID))
      Read.emplace(Path, FileDigest::of(Buffer->getBuffer()));
  }

private:
  const SourceManager &SM;
  std::string Directory;
  FileDigests &Read;
};

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
///
/// Once the checks ran (their end-of-TU work included), it collects the
/// program facts for the driver's link stage and the functions findings are
/// in.
class UserCodeConsumer : public MultiplexConsumer {
public:
  UserCodeConsumer(std::unique_ptr<ASTConsumer> Checks, std::string Directory,
                   llvm::json::Value *Facts, FunctionIndex *Functions)
      : MultiplexConsumer(single(std::move(Checks))),
        Directory(std::move(Directory)), Facts(Facts), Functions(Functions) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    model::restrictTraversalToUserCode(Ctx);
    MultiplexConsumer::HandleTranslationUnit(Ctx);
    auto NameFile = [this](llvm::StringRef Path) {
      return absolutePath(Path, Directory); // as toFinding() names files
    };
    if (Facts)
      *Facts = withFilesNormalised(model::collectTUFacts(Ctx), NameFile);
    if (Functions)
      Functions->collect(Ctx, NameFile);
  }

private:
  static std::vector<std::unique_ptr<ASTConsumer>>
  single(std::unique_ptr<ASTConsumer> Consumer) {
    std::vector<std::unique_ptr<ASTConsumer>> Consumers;
    Consumers.push_back(std::move(Consumer));
    return Consumers;
  }

  std::string Directory;
  llvm::json::Value *Facts;
  FunctionIndex *Functions;
};

class ChecksActionFactory : public FrontendActionFactory {
public:
  ChecksActionFactory(ClangTidyContext &Context,
                      IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS,
                      FileDigests *Read, llvm::json::Value *Facts,
                      FunctionIndex *Functions)
      : ConsumerFactory(Context, std::move(FS)), Read(Read), Facts(Facts),
        Functions(Functions) {}

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(ConsumerFactory, Read, Facts, Functions);
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
    Action(ClangTidyASTConsumerFactory &Factory, FileDigests *Read,
           llvm::json::Value *Facts, FunctionIndex *Functions)
        : Factory(Factory), Read(Read), Facts(Facts), Functions(Functions) {}
    std::unique_ptr<ASTConsumer>
    CreateASTConsumer(CompilerInstance &CI, llvm::StringRef File) override {
      llvm::ErrorOr<std::string> WorkingDirectory =
          CI.getFileManager()
              .getVirtualFileSystem()
              .getCurrentWorkingDirectory();
      std::string Directory = WorkingDirectory ? *WorkingDirectory : "";
      if (Read)
        CI.getPreprocessor().addPPCallbacks(std::make_unique<DigestRecorder>(
            CI.getSourceManager(), Directory, *Read));
      return std::make_unique<UserCodeConsumer>(
          Factory.createASTConsumer(CI, File), Directory, Facts, Functions);
    }

  private:
    ClangTidyASTConsumerFactory &Factory;
    FileDigests *Read;
    llvm::json::Value *Facts;
    FunctionIndex *Functions;
  };

  ClangTidyASTConsumerFactory ConsumerFactory;
  FileDigests *Read;
  llvm::json::Value *Facts;
  FunctionIndex *Functions;
};

} // namespace

std::vector<ClangTidyError>
runChecksOnFile(ClangTidyContext &Context, const CompilationDatabase &Database,
                const std::string &File, FileDigests *Read,
                llvm::json::Value *Facts, FunctionIndex *Functions) {
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
  compat::ContextDiagnostics Engine(Context, DiagConsumer);
  // The benchmark's per-check profile (bench/README.md): clang-tidy's
  // --enable-check-profile --store-check-profile=DIR, for the worker.
  if (const char *ProfileDir = std::getenv("LOADCHECK_CHECK_PROFILE_DIR");
      ProfileDir && *ProfileDir) {
    Context.setEnableProfiling(true);
    Context.setProfileStoragePrefix(ProfileDir);
  }
  Tool.setDiagnosticConsumer(&DiagConsumer);

  ChecksActionFactory Factory(Context, FS, Read, Facts, Functions);
  Tool.run(&Factory);
  return DiagConsumer.take();
}

} // namespace loadcheck
