#include "tool/TidyRunner.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyModule.h"
#include "tool/Paths.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/VirtualFileSystem.h"

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

class ChecksActionFactory : public FrontendActionFactory {
public:
  ChecksActionFactory(ClangTidyContext &Context,
                      IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS,
                      FileDigests *Read)
      : ConsumerFactory(Context, std::move(FS)), Read(Read) {}

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(ConsumerFactory, Read);
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
    Action(ClangTidyASTConsumerFactory &Factory, FileDigests *Read)
        : Factory(Factory), Read(Read) {}
    std::unique_ptr<ASTConsumer>
    CreateASTConsumer(CompilerInstance &CI, llvm::StringRef File) override {
      if (Read) {
        llvm::ErrorOr<std::string> Directory =
            CI.getFileManager()
                .getVirtualFileSystem()
                .getCurrentWorkingDirectory();
        CI.getPreprocessor().addPPCallbacks(std::make_unique<DigestRecorder>(
            CI.getSourceManager(), Directory ? *Directory : "", *Read));
      }
      return Factory.createASTConsumer(CI, File);
    }

  private:
    ClangTidyASTConsumerFactory &Factory;
    FileDigests *Read;
  };

  ClangTidyASTConsumerFactory ConsumerFactory;
  FileDigests *Read;
};

} // namespace

std::vector<ClangTidyError> runChecksOnFile(ClangTidyContext &Context,
                                            const CompilationDatabase &Database,
                                            const std::string &File,
                                            FileDigests *Read) {
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
  Tool.setDiagnosticConsumer(&DiagConsumer);

  ChecksActionFactory Factory(Context, FS, Read);
  Tool.run(&Factory);
  return DiagConsumer.take();
}

} // namespace loadcheck
