//===--- FactExtractor.cpp - walking one TU for the program facts ---------===//
#include "checks/model/FactExtractor.h"
#include "checks/connections/ClientApis.h"
#include "checks/model/BlockingApis.h"
#include "checks/model/ContextCache.h"
#include "checks/model/LockModel.h"
#include "checks/model/LoggingSink.h"
#include "checks/model/RequestPath.h"
#include "checks/model/SharedAccess.h"
#include "checks/model/StringProvenance.h"
#include "checks/model/SyncFacts.h"
#include "checks/model/TestCode.h"
#include "checks/model/ThreadEntry.h"
#include "checks/model/ThreadHandles.h"
#include "checks/model/ZeroWait.h"
#include "checks/utils/Conditions.h"
#include "checks/utils/LlvmCompat.h"
#include "checks/utils/NamedEntity.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include <functional>

using namespace clang;

namespace loadcheck::model {

// ---- shared vocabulary -----------------------------------------------------

bool isSharedState(const ValueDecl *D, const SourceManager &SM) {
  if (!D || SM.isInSystemHeader(D->getLocation()))
    return false;
  if (const auto *Var = dyn_cast<VarDecl>(D))
    return Var->hasGlobalStorage() && !isa<ParmVarDecl>(Var) &&
           Var->getTLSKind() == VarDecl::TLS_None && !Var->isConstexpr() &&
           !isSelfSynchronisingType(Var->getType());
  if (const auto *Field = dyn_cast<FieldDecl>(D)) {
    const RecordDecl *Owner = Field->getParent();
    bool OwnsMutex = llvm::any_of(Owner->fields(), [](const FieldDecl *F) {
      return isLockType(F->getType());
    });
    return OwnsMutex && !Field->hasAttr<GuardedByAttr>() &&
           !Field->hasAttr<PtGuardedByAttr>() &&
           !isSelfSynchronisingType(Field->getType());
  }
  return false;
}

static bool isStdThread(QualType T) {
  const CXXRecordDecl *Record = T.getNonReferenceType()->getAsCXXRecordDecl();
  return Record && Record->isInStdNamespace() && Record->getIdentifier() &&
         Record->getName() == "thread";
}

bool isThreadMemberType(QualType T) {
  if (isStdThread(T))
    return true;
  const auto *Container = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  return Container && Container->isInStdNamespace() &&
         Container->getTemplateArgs().size() >= 1 &&
         Container->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
         isStdThread(Container->getTemplateArgs()[0].getAsType());
}

bool isProcessExit(const FunctionDecl &Callee) {
  if (!Callee.getIdentifier())
    return false;
  llvm::StringRef Name = Callee.getName();
  const DeclContext *DC = Callee.getDeclContext()->getRedeclContext();
  bool Global = DC->isTranslationUnit() || DC->isExternCContext();
  bool Std = Callee.isInStdNamespace();
  if (Name == "terminate")
    return Std;
  return (Global || Std) &&
         (Name == "exit" || Name == "_Exit" || Name == "_exit" ||
          Name == "quick_exit" || Name == "abort");
}

/// Calls a fatal-log sink may make before it ends the process: formatting
/// and writing the message.
static bool isMessageName(llvm::StringRef Name) {
  static const llvm::Regex Output(
      "print|log|write|puts|putc|perror|err|msg|message|format|fmt|flush|"
      "output|^va_|^__builtin_va|str|dump|trace|report|backtrace|syslog|"
      "getpid|time",
      llvm::Regex::IgnoreCase);
  return Output.match(Name);
}

/// A call through a function pointer or std::function named for output
/// (`outputFunc_(buf, n)`, `flushFunc_()`): a logger's configurable sink.
static bool isMessageCallThroughPointer(const CallExpr &Call) {
  const Expr *Callee = Call.getCallee()->IgnoreParenImpCasts();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(&Call);
      Op && Op->getOperator() == OO_Call)
    Callee = Op->getArg(0)->IgnoreParenImpCasts();
  const ValueDecl *Named = nullptr;
  if (const auto *Member = dyn_cast<MemberExpr>(Callee))
    Named = Member->getMemberDecl();
  else if (const auto *Ref = dyn_cast<DeclRefExpr>(Callee))
    Named = Ref->getDecl();
  return Named && !isa<FunctionDecl>(Named) && Named->getIdentifier() &&
         isMessageName(Named->getName());
}

/// A method that only reads: `data() const`, `const Buffer &buffer()`.
static bool isAccessor(const CXXMethodDecl &Method) {
  if (Method.getNumParams() != 0)
    return false;
  QualType Result = Method.getReturnType();
  return Method.isConst() || (Result->isReferenceType() &&
                              Result->getPointeeType().isConstQualified());
}

static bool isMessageCall(const FunctionDecl &Callee) {
  if (isa<CXXConstructorDecl, CXXDestructorDecl, CXXConversionDecl>(Callee))
    return true;
  if (const auto *Op = dyn_cast<CXXMethodDecl>(&Callee);
      Op && Op->getOverloadedOperator() == OO_LessLess)
    return true;
  if (Callee.getOverloadedOperator() == OO_LessLess)
    return true;
  return Callee.getIdentifier() && isMessageName(Callee.getName());
}

/// The call that ends the process as the last statement of \p Last, or, in
/// a destructor, of a final `if` without `else` (a logging object ends the
/// process when its level is fatal: `if (level_ == Fatal) abort();`).
static const CallExpr *finalExit(const Stmt *Last, bool Destructor) {
  if (const auto *If = dyn_cast_or_null<IfStmt>(Last);
      If && Destructor && !If->getElse()) {
    Last = If->getThen();
    if (const auto *Block = dyn_cast<CompoundStmt>(Last))
      Last = Block->body_empty() ? nullptr : Block->body_back();
  }
  const auto *LastExpr = dyn_cast_or_null<Expr>(Last);
  const auto *Exit = dyn_cast_or_null<CallExpr>(
      LastExpr ? LastExpr->IgnoreImplicit() : nullptr);
  bool EndsProcess = Exit && Exit->getDirectCallee() &&
                     (isProcessExit(*Exit->getDirectCallee()) ||
                      Exit->getDirectCallee()->isNoReturn());
  return EndsProcess ? Exit : nullptr;
}

/// The name of a wait or wake for its site: `pthread_cond_wait`,
/// `notify_one`.
static std::string calleeNameOf(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  return Callee ? Callee->getNameAsString() : "";
}

// ---- functions stored in fields --------------------------------------------

/// The function \p E names, through `&fn` and implicit conversions.
static const DeclRefExpr *namedFunction(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *AddressOf = dyn_cast<UnaryOperator>(E);
      AddressOf && AddressOf->getOpcode() == UO_AddrOf)
    E = AddressOf->getSubExpr()->IgnoreParenImpCasts();
  const auto *Ref = dyn_cast<DeclRefExpr>(E);
  return Ref && isa<FunctionDecl>(Ref->getDecl()) ? Ref : nullptr;
}

/// A field of a record of the program (not of a system header).
static const FieldDecl *programField(const ValueDecl *D,
                                     const SourceManager &SM) {
  const auto *Field = dyn_cast_or_null<FieldDecl>(D);
  if (!Field || SM.isInSystemHeader(SM.getFileLoc(Field->getLocation())))
    return nullptr;
  return cast<FieldDecl>(canonicalDecl(Field));
}

/// The functions \p S stores into a field of a program's record, one level
/// deep (nested initialisers are statements of their own): the members of
/// a designated or positional initialiser (`{.eval = expired_eval}`), the
/// right side of `s.f = fn` / `p->f = fn`.
static void
noteFieldStores(const Stmt *S, const SourceManager &SM,
                llvm::DenseMap<const DeclRefExpr *, const FieldDecl *> &Into) {
  if (const auto *Assign = dyn_cast<BinaryOperator>(S);
      Assign && Assign->getOpcode() == BO_Assign) {
    const auto *Member =
        dyn_cast<MemberExpr>(Assign->getLHS()->IgnoreParenImpCasts());
    if (const FieldDecl *Field =
            Member ? programField(Member->getMemberDecl(), SM) : nullptr)
      if (const DeclRefExpr *Fn = namedFunction(Assign->getRHS()))
        Into[Fn] = Field;
    return;
  }
  const auto *List = dyn_cast<InitListExpr>(S);
  if (!List)
    return;
  if (!List->isSemanticForm())
    List = List->getSemanticForm();
  const RecordDecl *Record =
      List ? List->getType()->getAsRecordDecl() : nullptr;
  if (!Record || !Record->getDefinition())
    return;
  if (Record->isUnion()) {
    if (const FieldDecl *Field =
            programField(List->getInitializedFieldInUnion(), SM))
      if (const DeclRefExpr *Fn =
              List->getNumInits() ? namedFunction(List->getInit(0)) : nullptr)
        Into[Fn] = Field;
    return;
  }
  // A C++ aggregate's bases are initialised first, then its fields.
  const auto *Class = dyn_cast<CXXRecordDecl>(Record->getDefinition());
  unsigned Index = Class ? Class->getNumBases() : 0;
  for (const FieldDecl *Field : Record->getDefinition()->fields()) {
    if (Field->isUnnamedBitField())
      continue; // no initialiser of its own
    if (Index >= List->getNumInits())
      break;
    const DeclRefExpr *Fn = namedFunction(List->getInit(Index++));
    if (const FieldDecl *Own = programField(Field, SM); Own && Fn)
      Into[Fn] = Own;
  }
}

/// The field a call goes through (`p->eval(...)`, `(*s.f)(...)`), when it
/// is a field of the program's own record.
static const FieldDecl *calledField(const CallExpr &Call,
                                    const SourceManager &SM) {
  const Expr *Callee = Call.getCallee()->IgnoreParenImpCasts();
  if (const auto *Deref = dyn_cast<UnaryOperator>(Callee);
      Deref && Deref->getOpcode() == UO_Deref)
    Callee = Deref->getSubExpr()->IgnoreParenImpCasts();
  const auto *Member = dyn_cast<MemberExpr>(Callee);
  return Member ? programField(Member->getMemberDecl(), SM) : nullptr;
}

// ---- the index -------------------------------------------------------------

ProgramFactsIndex &ProgramFactsIndex::of(ASTContext &Ctx) {
  return perContext<ProgramFactsIndex>(Ctx);
}

ProgramFactsIndex::ProgramFactsIndex(ASTContext &Ctx) : Ctx(Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
    MainFile = Main->getName().str();
}

FactPos ProgramFactsIndex::posOf(SourceLocation Loc) {
  const SourceManager &SM = Ctx.getSourceManager();
  Loc = SM.getFileLoc(Loc);
  if (Loc.isInvalid())
    return {};
  auto [FID, Offset] = SM.getDecomposedLoc(Loc);
  auto Known = FileOfId.find(FID);
  if (Known == FileOfId.end()) {
    std::string Name;
    if (OptionalFileEntryRef File = SM.getFileEntryRefForID(FID))
      Name = File->getName().str();
    else
      Name = SM.getBufferName(Loc).str();
    auto [It, Inserted] = FileIndex.try_emplace(Name, Facts.Files.size());
    if (Inserted) {
      Facts.Files.push_back(Name);
      FileIds.push_back(FID);
    }
    Known = FileOfId.try_emplace(FID, It->second).first;
  }
  return FactPos{Known->second, Offset, SM.getLineNumber(FID, Offset),
                 SM.getColumnNumber(FID, Offset)};
}

SourceLocation ProgramFactsIndex::locationOf(const LinkNote &Note) {
  auto It = FileIndex.find(Note.File);
  if (It == FileIndex.end())
    return {};
  return Ctx.getSourceManager()
      .getLocForStartOfFile(FileIds[It->second])
      .getLocWithOffset(Note.Offset);
}

/// True when \p D is only visible inside its TU.
static bool isLocal(const Decl *D) {
  if (const auto *Field = dyn_cast<FieldDecl>(D))
    return !Field->getParent()->isExternallyVisible();
  if (const auto *Named = dyn_cast<NamedDecl>(D))
    return !Named->isExternallyVisible();
  return false;
}

const std::string &ProgramFactsIndex::idOf(const Decl *D) {
  // Every instantiation of a template is its pattern: one function of the
  // program, whose facts are the union of its instantiations'.
  if (const auto *F = dyn_cast<FunctionDecl>(D))
    if (const FunctionDecl *Pattern = F->getTemplateInstantiationPattern())
      D = Pattern;
  D = D->getCanonicalDecl();
  auto It = Ids.find(D);
  if (It != Ids.end())
    return It->second;
  std::string Id;
  const SourceManager &SM = Ctx.getSourceManager();
  auto ByPlace = [&](llvm::StringRef Kind, SourceLocation Loc) {
    FactPos P = posOf(Loc);
    return (Kind + "@" + Facts.Files[P.File] + ":" + llvm::Twine(P.Offset))
        .str();
  };
  const auto *Method = dyn_cast<CXXMethodDecl>(D);
  if (Method && Method->getParent()->isLambda()) {
    Id = ByPlace("lambda", Method->getParent()->getLocation());
  } else {
    llvm::SmallString<128> USR;
    const auto *Var = dyn_cast<VarDecl>(D);
    if ((Var && Var->isLocalVarDeclOrParm()) ||
        index::generateUSRForDecl(D, USR))
      Id = ByPlace("decl", D->getLocation());
    else if (isLocal(D))
      Id = MainFile + "#" + USR.str().str();
    else
      Id = USR.str().str();
  }
  (void)SM;
  return Ids[D] = std::move(Id);
}

bool ProgramFactsIndex::isFatalSink(const FunctionDecl &F) {
  const FunctionDecl *Def = F.getDefinition();
  if (!Def || Def->isMain())
    return false;
  auto [It, Inserted] = Sinks.try_emplace(Def, false);
  if (!Inserted)
    return It->second;
  const SourceManager &SM = Ctx.getSourceManager();
  bool Sink = false;
  if (const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
      Body && !SM.isInSystemHeader(Def->getLocation())) {
    // The last statement ends the process; everything before it only
    // formats and writes the message (no return, no other work).
    const Stmt *Last = nullptr;
    for (const Stmt *S : Body->body())
      if (!isa<NullStmt>(S))
        Last = S;
    const CallExpr *Exit = finalExit(Last, isa<CXXDestructorDecl>(Def));
    bool EndsProcess = Exit != nullptr;
    bool Message = false, OtherWork = false;
    std::function<void(const Stmt *)> Scan = [&](const Stmt *S) {
      if (!S || S == Exit)
        return;
      if (isa<ReturnStmt, LambdaExpr>(S)) {
        OtherWork = true;
        return;
      }
      if (const auto *Call = dyn_cast<CallExpr>(S)) {
        const FunctionDecl *Callee = Call->getDirectCallee();
        const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Callee);
        if ((Callee && isMessageCall(*Callee)) ||
            (!Callee && isMessageCallThroughPointer(*Call)))
          Message = true;
        else if (Method && isAccessor(*Method))
          ; // `stream_.buffer().data()`: reads the message
        else if (!Callee || !Callee->getBuiltinID())
          OtherWork = true;
      }
      for (const Stmt *Child : S->children())
        Scan(Child);
    };
    if (EndsProcess) {
      Scan(Body);
      Sink = Message && !OtherWork;
    }
  }
  return Sinks[Def] = Sink;
}

CandidateFact ProgramFactsIndex::addCandidate(
    llvm::StringRef Check, SourceLocation Loc, const FunctionDecl &Function,
    const ValueDecl *Var, const FunctionDecl *After, const NamedDecl *Source) {
  CandidateFact C;
  C.Check = Check.str();
  C.At = posOf(Loc);
  C.Function = idOf(&Function);
  if (Var) {
    C.Var = idOf(Var);
    C.VarName = Var->getNameAsString();
  }
  if (After)
    C.After = idOf(After);
  if (Source)
    C.Source = idOf(Source);
  Facts.Candidates.push_back(C);
  return C;
}

CandidateFact ProgramFactsIndex::addCandidate(llvm::StringRef Check,
                                              const FactPos &At,
                                              llvm::StringRef Function,
                                              llvm::StringRef Var,
                                              llvm::StringRef VarName) {
  CandidateFact C;
  C.Check = Check.str();
  C.At = At;
  C.Function = Function.str();
  C.Var = Var.str();
  C.VarName = VarName.str();
  Facts.Candidates.push_back(C);
  return C;
}

SourceLocation ProgramFactsIndex::locationOf(const FactPos &At) {
  if (At.File >= FileIds.size())
    return {};
  return Ctx.getSourceManager()
      .getLocForStartOfFile(FileIds[At.File])
      .getLocWithOffset(At.Offset);
}

CandidateFact ProgramFactsIndex::addCallCandidate(llvm::StringRef Check,
                                                  SourceLocation Loc,
                                                  const FunctionDecl &Function,
                                                  const FunctionDecl &Callee) {
  addCandidate(Check, Loc, Function);
  Facts.Candidates.back().Callee = idOf(&Callee);
  return Facts.Candidates.back();
}

CandidateFact ProgramFactsIndex::markEntryOnly() {
  Facts.Candidates.back().EntryOnly = true;
  return Facts.Candidates.back();
}

const TUFacts &ProgramFactsIndex::facts() {
  if (!Extracted) {
    Extracted = true;
    extract();
  }
  return Facts;
}

const ProgramGraph &ProgramFactsIndex::tuGraph() {
  if (!Graph) {
    Graph = std::make_unique<ProgramGraph>();
    Graph->add(facts());
    Graph->link();
  }
  return *Graph;
}

// ---- one function ----------------------------------------------------------

/// The home of a variable or lock: its record for a field, its file for a
/// global (see ProgramGraph.h, sibling locks).
static std::string homeOf(const ValueDecl *D, ProgramFactsIndex &Index,
                          const SourceManager &SM) {
  if (const auto *Field = dyn_cast<FieldDecl>(D))
    return Index.idOf(Field->getParent());
  if (const auto *Var = dyn_cast<VarDecl>(D); Var && Var->hasGlobalStorage()) {
    if (const auto *Record = dyn_cast<RecordDecl>(Var->getDeclContext()))
      return Index.idOf(Record); // a static data member
    // A global's home is the file and line of its definition: a global mutex
    // defined a few lines from it (ProgramGraph.h, sibling locks). A TU that
    // only sees an `extern` declaration does not know the home.
    const VarDecl *Definition = Var->getDefinition();
    // C's tentative `long n;`: \p Var may be an earlier `extern` of a
    // header, which is no definition of any kind itself.
    for (const VarDecl *Redecl : Var->redecls())
      if (!Definition && Redecl->isThisDeclarationADefinition() ==
                             VarDecl::TentativeDefinition)
        Definition = Redecl;
    if (!Definition)
      return "";
    SourceLocation Loc = SM.getFileLoc(Definition->getLocation());
    if (OptionalFileEntryRef File = SM.getFileEntryRefForID(SM.getFileID(Loc)))
      return File->getName().str() + "\n" +
             std::to_string(SM.getSpellingLineNumber(Loc));
  }
  return "";
}

class FunctionFactsBuilder {
public:
  FunctionFactsBuilder(ProgramFactsIndex &Index, const FunctionDecl &F)
      : Index(Index), Ctx(Index.Ctx), SM(Ctx.getSourceManager()), F(F),
        Locks(LockModels::of(Ctx).function(F)), Zero(F, Ctx) {}

  FunctionFacts build(llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas);

private:
  ProgramFactsIndex &Index;
  ASTContext &Ctx;
  const SourceManager &SM;
  const FunctionDecl &F;
  const FunctionLockModel &Locks;
  /// Its calls that return at once (fed in the walk's source order).
  ZeroWait Zero;
  FunctionFacts Out;
  llvm::DenseSet<const Expr *> CalleePositions;
  llvm::DenseMap<const LambdaExpr *, const Expr *> LambdaArgumentOf;
  /// Lambdas and functions written as an argument of a call: the outermost
  /// such call (a logging sink is one handed to a call that installs a
  /// logger, LoggingSink.h).
  llvm::DenseMap<const Expr *, const CallExpr *> CallTaking;
  /// The outermost loop being walked (CallFact::Loop), 0 outside loops.
  unsigned OuterLoop = 0;
  /// Try blocks around the statement being walked (CallFact::InTry).
  unsigned TryDepth = 0;
  /// The outermost loops of the body: (first, last) file offsets, for the
  /// loop of an access (AccessFact::Loop).
  std::vector<std::pair<unsigned, unsigned>> Loops;
  /// Functions named as an argument of a call of the program's own code
  /// (`restart_register("main", save_cb)`): the function called.
  llvm::DenseMap<const DeclRefExpr *, const FunctionDecl *> ProgramArgumentOf;
  /// Functions stored into a field of the program's records: the field.
  llvm::DenseMap<const DeclRefExpr *, const FieldDecl *> StoredInField;
  /// A literal of the function reads like SQL: its text joins are facts.
  bool SqlText = false;
  /// Calls that may write text into a member, and the returns: the places
  /// where text may leave the function (textJoins).
  std::vector<const CallExpr *> TextWrites;
  std::vector<const ReturnStmt *> Returns;

  unsigned orderOf(SourceLocation Loc) {
    return SM.getFileOffset(SM.getFileLoc(Loc));
  }
  /// Records where \p D is declared, once per id (homeOf builds strings).
  void noteHome(const std::string &Id, const ValueDecl *D) {
    if (!Index.Facts.Homes.count(Id))
      Index.Facts.Homes.emplace(Id, homeOf(D, Index, SM));
  }
  LockRef lockRef(const HeldLock &L) {
    const std::string &Id = Index.idOf(L.Id.Decl);
    noteHome(Id, L.Id.Decl);
    return {Id, L.Id.name().str()};
  }
  std::vector<LockRef> lockRefs(llvm::ArrayRef<HeldLock> Held) {
    std::vector<LockRef> Out;
    for (const HeldLock &L : Held)
      if (LockRef Ref = lockRef(L); !llvm::is_contained(Out, Ref))
        Out.push_back(std::move(Ref));
    return Out;
  }
  std::vector<LockRef> heldAt(const Stmt *S) {
    return lockRefs(Locks.heldAt(S));
  }
  /// A call of \p Callee (an id) at \p E, with the locks held there.
  CallFact callAt(std::string Callee, std::string Name, const Expr &E,
                  SourceLocation Loc) {
    CallFact C{std::move(Callee), std::move(Name), Index.posOf(Loc),
               heldAt(&E),        orderOf(Loc),    OuterLoop};
    C.MaybeHeld = lockRefs(Locks.maybeHeldAt(&E));
    C.InTry = TryDepth > 0;
    return C;
  }
  SiteFact site(llvm::StringRef What, const Expr &E) {
    return {What.str(), Index.posOf(E.getExprLoc()), heldAt(&E),
            orderOf(E.getExprLoc()), OuterLoop};
  }
  /// The outermost loop around the place \p Order (CallFact::Loop).
  unsigned loopAt(unsigned Order) const {
    for (auto [First, Last] : Loops)
      if (First <= Order && Order <= Last)
        return First + 1;
    return 0;
  }
  bool userCode(const Decl *D) {
    return D && !SM.isInSystemHeader(SM.getFileLoc(D->getLocation()));
  }
  bool dropsCallersLockAround(const Expr &E);
  void call(const FunctionDecl *Callee, const Expr &E);
  void indirectCall(const CallExpr &Call);
  void markProgramArguments(const CallExpr &Call);
  RootFact callbackRoot(const FunctionDecl &Fn, const DeclRefExpr &Ref);
  void walk(const Stmt *S);
  void lambda(const LambdaExpr &L);
  void markArguments(const Expr *Call, llvm::ArrayRef<const Expr *> Args);
  void netLockEffect();
  void accesses(llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas);
  void overrides(const CXXMethodDecl &Method);
  void fixtureRecords(const CXXRecordDecl &Record);
  void noteText(const Stmt &S);
  void textJoins();
  void acquisitions();
  void threadMemberUse(const Stmt &S);
  void threadMemberStarts(const CXXConstructorDecl &Ctor);
  void threadMember(const FieldDecl &Field, SourceLocation Loc, bool Settled);
  /// Range-for variables over a thread container member: that member.
  llvm::DenseMap<const VarDecl *, const FieldDecl *> ElementOf;
};

/// Whether the function makes \p E with its caller's lock dropped: a lock
/// not held at \p E that the function takes only after it (`unlock(&m);
/// usleep(n); lock(&m);` in a helper called with m held). Such a call
/// blocks no caller's lock: it is no blocking fact (ProgramGraph.h, (j)).
bool FunctionFactsBuilder::dropsCallersLockAround(const Expr &E) {
  if (Locks.acquisitions().empty())
    return false;
  const unsigned At = orderOf(E.getExprLoc());
  llvm::ArrayRef<HeldLock> Held = Locks.heldAt(&E);
  auto HeldHere = [&](const LockId &Id) {
    return llvm::any_of(Held, [&](const HeldLock &L) { return L.Id == Id; });
  };
  for (const Acquisition &Later : Locks.acquisitions()) {
    if (!Later.Lock.Acquisition ||
        orderOf(Later.Lock.Acquisition->getBeginLoc()) <= At ||
        HeldHere(Later.Lock.Id))
      continue;
    bool TakenBefore =
        llvm::any_of(Locks.acquisitions(), [&](const Acquisition &Earlier) {
          return Earlier.Lock.Id == Later.Lock.Id && Earlier.Lock.Acquisition &&
                 orderOf(Earlier.Lock.Acquisition->getBeginLoc()) < At;
        });
    if (!TakenBefore)
      return true;
  }
  return false;
}

void FunctionFactsBuilder::call(const FunctionDecl *Callee, const Expr &E) {
  if (!Callee)
    return;
  if (isProcessExit(*Callee))
    Out.Exits.push_back({(Callee->isInStdNamespace() ? "std::" : "") +
                             Callee->getNameAsString(),
                         Index.posOf(E.getExprLoc())});
  if (Callee->getIdentifier()) {
    std::string Qualified = "::" + connections::plainQualifiedName(*Callee);
    if (isDefaultBlockingFunction(Qualified) && !Zero.atOnce(E) &&
        !dropsCallersLockAround(E))
      Out.Blocking.push_back(site(Callee->getName(), E));
    static const connections::NameList Factories(
        connections::defaultClientFactories());
    if (!Factories.match(Qualified.substr(2)).empty())
      Out.ClientCreations.push_back(site(Callee->getName(), E));
  }
  if (!userCode(Callee) || Callee->getBuiltinID())
    return;
  Out.Calls.push_back(
      callAt(Index.idOf(Callee), displayName(*Callee), E, E.getExprLoc()));
  Out.Calls.back().AtOnce = Zero.readyAtOnce(E);
}

/// The type of a free function or of the pointee of a function pointer, as
/// an indirect callee id; "" for anything else (member pointers, methods).
static std::string signatureOf(QualType T, ASTContext &Ctx) {
  if (const auto *Pointer = T->getAs<PointerType>())
    T = Pointer->getPointeeType();
  if (!T->isFunctionType())
    return "";
  return indirectCallee(T.getCanonicalType().getAsString());
}

/// A call through a function pointer: resolved at link time to the
/// callbacks the program registers with itself, and to the functions stored
/// in the field it calls through (ProgramGraph.h).
void FunctionFactsBuilder::indirectCall(const CallExpr &Call) {
  if (Call.getDirectCallee() || isa<CXXMemberCallExpr>(Call))
    return;
  std::string Signature =
      signatureOf(Call.getCallee()->IgnoreParenImpCasts()->getType(), Ctx);
  if (Signature.empty())
    return;
  CallFact Through = callAt(std::move(Signature), "a function pointer", Call,
                            Call.getExprLoc());
  if (const FieldDecl *Field = calledField(Call, SM))
    Through.Field = Index.idOf(Field);
  Out.Calls.push_back(std::move(Through));
}

void FunctionFactsBuilder::markProgramArguments(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !userCode(Callee) || Callee->getBuiltinID())
    return;
  for (const Expr *Arg : Call.arguments()) {
    const Expr *E = Arg->IgnoreParenImpCasts();
    if (const auto *AddressOf = dyn_cast<UnaryOperator>(E);
        AddressOf && AddressOf->getOpcode() == UO_AddrOf)
      E = AddressOf->getSubExpr()->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      ProgramArgumentOf[Ref] = Callee;
  }
}

RootFact FunctionFactsBuilder::callbackRoot(const FunctionDecl &Fn,
                                            const DeclRefExpr &Ref) {
  RootFact R{Index.idOf(&Fn), displayName(Fn), RootKind::Callback,
             Index.posOf(Ref.getExprLoc()), "callback"};
  const auto *Method = dyn_cast<CXXMethodDecl>(&Fn);
  if (auto It = ProgramArgumentOf.find(&Ref);
      It != ProgramArgumentOf.end() && (!Method || Method->isStatic())) {
    R.Into = Index.idOf(It->second);
    R.Signature = signatureOf(Fn.getType(), Ctx);
  }
  if (auto It = StoredInField.find(&Ref); It != StoredInField.end())
    R.Field = Index.idOf(It->second);
  if (auto It = CallTaking.find(&Ref); It != CallTaking.end())
    R.LoggingSink = installsLoggingSink(Fn, *It->second);
  return R;
}

/// Marks lambdas and functions written as arguments of a call (through the
/// conversions to std::function and temporaries): they are callables handed
/// to someone.
void FunctionFactsBuilder::markArguments(const Expr *Call,
                                         llvm::ArrayRef<const Expr *> Args) {
  for (const Expr *Arg : Args) {
    const Expr *E = Arg;
    for (int Depth = 0; E && Depth < 6; ++Depth) {
      E = E->IgnoreImplicit();
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
          Construct && Construct->getNumArgs() >= 1)
        E = Construct->getArg(0);
      else if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E))
        E = Cast->getSubExpr();
      else
        break;
    }
    E = E ? E->IgnoreImplicit() : nullptr;
    if (const auto *L = dyn_cast_or_null<LambdaExpr>(E))
      LambdaArgumentOf[L] = Call;
    if (const auto *AddressOf = dyn_cast_or_null<UnaryOperator>(E);
        AddressOf && AddressOf->getOpcode() == UO_AddrOf)
      E = AddressOf->getSubExpr()->IgnoreParenImpCasts();
    // The outermost call: `set_logger(access_log)` rather than the
    // std::function made from it, walked after.
    if (E && isa<LambdaExpr, DeclRefExpr>(E) && isa<CallExpr>(Call))
      CallTaking.try_emplace(E, cast<CallExpr>(Call));
  }
}

void FunctionFactsBuilder::lambda(const LambdaExpr &L) {
  const CXXMethodDecl *Operator = L.getCallOperator();
  if (!Operator)
    return;
  auto It = LambdaArgumentOf.find(&L);
  if (It != LambdaArgumentOf.end()) {
    const Expr *Call = It->second;
    if (classifyThreadStart(Call, Ctx))
      return; // a thread entry: ThreadEntryIndex makes it a root
    const FunctionDecl *Callee = nullptr;
    if (const auto *C = dyn_cast<CallExpr>(Call))
      Callee = C->getDirectCallee();
    else if (const auto *C = dyn_cast<CXXConstructExpr>(Call))
      Callee = C->getConstructor();
    // std algorithms and call_once run the lambda right there; anything
    // else (a registration, a std::function member) may run it anywhere.
    bool RunsHere = Callee && Callee->isInStdNamespace() &&
                    !isa<CXXConstructorDecl>(Callee);
    if (!RunsHere) {
      RootFact R{Index.idOf(Operator), "lambda in " + displayName(F),
                 RootKind::Callback, Index.posOf(L.getBeginLoc()), "callback"};
      if (auto Taking = CallTaking.find(&L); Taking != CallTaking.end())
        R.LoggingSink = registersLogger(*Taking->second);
      Index.Facts.Roots.push_back(std::move(R));
      return;
    }
  }
  Out.Calls.push_back(callAt(
      Index.idOf(Operator), "lambda in " + displayName(F), L, L.getBeginLoc()));
}

void FunctionFactsBuilder::walk(const Stmt *S) {
  if (!S)
    return;
  threadMemberUse(*S);
  // `do { ... } while (0)` (a statement-like macro) runs once: no loop.
  if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S) && !OuterLoop &&
      !utils::runsOnce(*S, Ctx)) {
    OuterLoop = orderOf(S->getBeginLoc()) + 1;
    Loops.push_back({OuterLoop - 1, orderOf(S->getEndLoc())});
    for (const Stmt *Child : S->children())
      walk(Child);
    OuterLoop = 0;
    return;
  }
  if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
    ++TryDepth;
    walk(Try->getTryBlock());
    --TryDepth;
    for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
      walk(Try->getHandler(I));
    return;
  }
  if (const auto *Throw = dyn_cast<CXXThrowExpr>(S); Throw && !TryDepth) {
    const Expr *Thrown = Throw->getSubExpr();
    Out.Throws.push_back(site(
        Thrown ? Thrown->getType().getUnqualifiedType().getAsString() : "throw",
        *Throw));
  }
  if (const auto *L = dyn_cast<LambdaExpr>(S)) {
    lambda(*L);
    for (const Expr *Init : L->capture_inits())
      walk(Init);
    return;
  }
  noteFieldStores(S, SM, StoredInField);
  noteText(*S);
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    CalleePositions.insert(Call->getCallee()->IgnoreParenImpCasts());
    if (const auto *Member =
            dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParenImpCasts()))
      CalleePositions.insert(Member);
    markArguments(Call, llvm::ArrayRef(Call->getArgs(), Call->getNumArgs()));
    markProgramArguments(*Call);
    call(Call->getDirectCallee(), *Call);
    indirectCall(*Call);
    if (auto Start = classifyThreadStart(Call, Ctx))
      Out.ThreadStarts.push_back(site(Start->apiName(), *Call));
    if (const ValueDecl *Joined = joinedThreadHandle(*Call))
      Out.ThreadJoins.push_back(site(Index.idOf(Joined), *Call));
    if (isConditionWaitCall(*Call))
      Out.Waits.push_back(site(calleeNameOf(*Call), *Call));
    else if (isWakeCall(*Call))
      Out.Wakes.push_back(site(calleeNameOf(*Call), *Call));
  } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
    markArguments(Construct, llvm::ArrayRef(Construct->getArgs(),
                                            Construct->getNumArgs()));
    call(Construct->getConstructor(), *Construct);
    if (auto Start = classifyThreadStart(Construct, Ctx))
      Out.ThreadStarts.push_back(site(Start->apiName(), *Construct));
    static const connections::NameList Types(connections::defaultClientTypes());
    if (const CXXRecordDecl *Record =
            Construct->getType()->getAsCXXRecordDecl())
      if (!Types.match(connections::plainQualifiedName(*Record)).empty())
        Out.ClientCreations.push_back(
            site(connections::plainQualifiedName(*Record), *Construct));
  } else if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
    // A function named without being called: its address is taken, it is
    // handed to someone who may call it on any thread.
    if (const auto *Fn = dyn_cast<FunctionDecl>(Ref->getDecl());
        Fn && !CalleePositions.contains(Ref) && userCode(Fn))
      Index.Facts.Roots.push_back(callbackRoot(*Fn, *Ref));
  }
  for (const Stmt *Child : S->children())
    walk(Child);
}

void FunctionFactsBuilder::netLockEffect() {
  // A lock class's own lock() is the object's lock, not a wrapper of its
  // member mutex (which every instance would share as one id).
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&F);
      Method && isLockType(compat::recordType(Ctx, Method->getParent())))
    return;
  for (const HeldLock &L : Locks.heldOnExit())
    if (L.Kind == HeldBy::Explicit)
      Out.Acquires.push_back(lockRef(L));
  for (const HeldLock &L : Locks.releasedOnExit())
    Out.Releases.push_back(lockRef(L));
  for (const HeldLock &L : Locks.heldOnEntry())
    Out.RequiresHeld.push_back(lockRef(L));
}

void FunctionFactsBuilder::accesses(
    llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas) {
  llvm::DenseSet<std::pair<const ValueDecl *, unsigned>> Seen;
  auto Record = [&](const Expr *Target, const Stmt *At, bool Write) {
    AccessRoot R = accessRoot(Target);
    if (!R.Decl || !isSharedState(R.Decl, SM))
      return;
    SourceLocation Loc = R.Naming->getExprLoc();
    unsigned Order = orderOf(Loc);
    if (!Seen.insert({R.Decl, Order * 2 + unsigned(Write)}).second)
      return;
    const std::string &Var = Index.idOf(R.Decl);
    noteHome(Var, R.Decl);
    Out.Accesses.push_back({Var, R.Decl->getNameAsString(), Index.posOf(Loc),
                            Write, heldAt(At), Order, loopAt(Order)});
  };
  forEachAccess(F.getBody(), Record, Lambdas);
}

void FunctionFactsBuilder::overrides(const CXXMethodDecl &Method) {
  for (const CXXMethodDecl *Base : Method.overridden_methods()) {
    if (!userCode(Base))
      continue;
    const std::string &Id = Index.idOf(Base);
    if (llvm::is_contained(Out.Overrides, Id))
      continue;
    Out.Overrides.push_back(Id);
    overrides(*Base);
  }
}

void FunctionFactsBuilder::fixtureRecords(const CXXRecordDecl &Record) {
  if (!userCode(&Record))
    return;
  const std::string &Id = Index.idOf(&Record);
  if (llvm::is_contained(Out.FixtureRecords, Id))
    return;
  Out.FixtureRecords.push_back(Id);
  if (Record.hasDefinition())
    for (const CXXBaseSpecifier &Base : Record.bases())
      if (const CXXRecordDecl *B = Base.getType()->getAsCXXRecordDecl())
        fixtureRecords(*B);
}

/// Collects what textJoins() needs, in the walk that already runs.
void FunctionFactsBuilder::noteText(const Stmt &S) {
  if (const auto *Literal = dyn_cast<StringLiteral>(&S))
    SqlText = SqlText ||
              (Literal->isOrdinary() && looksLikeSql(Literal->getString()));
  else if (const auto *Call = dyn_cast<CallExpr>(&S))
    TextWrites.push_back(Call);
  else if (const auto *Return = dyn_cast<ReturnStmt>(&S))
    Returns.push_back(Return);
}

/// A function that returns text: a std::string or a character pointer.
static bool returnsText(const FunctionDecl &F) {
  QualType T = F.getReturnType();
  if (T->isPointerType())
    return T->getPointeeType()->isAnyCharacterType();
  const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
  return Record && Record->isInStdNamespace() && Record->getIdentifier() &&
         Record->getName() == "basic_string";
}

/// The name of a joined value for the notes, empty when it has none.
static std::string partName(const RuntimePart &Part) {
  if (const NamedDecl *D = utils::namedEntity(Part.Part))
    if (D->getIdentifier())
      return D->getName().str();
  return "";
}

/// Run-time values joined into members or into the returned string, in a
/// function whose literals read like SQL (ProgramGraph.h, (k)).
void FunctionFactsBuilder::textJoins() {
  if (!SqlText)
    return;
  const Stmt *Body = F.getBody();
  llvm::DenseSet<const FieldDecl *> Members;
  for (const CallExpr *Call : TextWrites)
    if (std::optional<MemberJoin> J = findMemberJoin(*Call, Body, Ctx);
        J && Members.insert(J->Member).second)
      Out.Joins.push_back({Index.idOf(J->Member), partName(J->Part),
                           Index.posOf(J->Part.Part->getBeginLoc())});
  if (returnsText(F))
    for (const ReturnStmt *Return : Returns)
      if (std::optional<RuntimePart> Part =
              findRuntimePart(Return->getRetValue(), Body, Ctx)) {
        Out.Joins.push_back(
            {"", partName(*Part), Index.posOf(Part->Part->getBeginLoc())});
        break;
      }
}

/// The lock model's own acquisitions (try-locks never wait: no order). A
/// lock class's own lock() takes the object's lock, not an order of its
/// member (netLockEffect).
void FunctionFactsBuilder::acquisitions() {
  // A guard class's constructor locks the mutex it was given, not an order.
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&F);
      Method && (isLockType(compat::recordType(Ctx, Method->getParent())) ||
                 Method->getParent()->hasAttr<ScopedLockableAttr>()))
    return;
  for (const Acquisition &A : Locks.acquisitions()) {
    if (A.Lock.Try || A.Lock.Kind == HeldBy::Annotation)
      continue;
    // A reference member (`MutexLock &mutex_`) is whichever lock its object
    // was given: one id for all of them would make false orders.
    if (const auto *Field = dyn_cast_or_null<FieldDecl>(A.Lock.Id.Decl);
        Field && Field->getType()->isReferenceType())
      continue;
    AcquisitionFact Fact{lockRef(A.Lock),
                         Index.posOf(A.Lock.AcquiredAt),
                         {},
                         orderOf(A.Lock.AcquiredAt)};
    for (const HeldLock &H : A.AlreadyHeld)
      if (LockRef Held = lockRef(H);
          !(Held == Fact.Lock) && !llvm::is_contained(Fact.Held, Held))
        Fact.Held.push_back(std::move(Held));
    Out.Acquisitions.push_back(std::move(Fact));
  }
}

void FunctionFactsBuilder::threadMember(const FieldDecl &Field,
                                        SourceLocation Loc, bool Settled) {
  Out.ThreadMembers.push_back(
      {Index.idOf(&Field), Field.getNameAsString(), Index.posOf(Loc), Settled});
}

/// The thread member \p E names (`worker_`, `workers_[i]`, a range-for
/// variable over `workers_`), or null.
static const FieldDecl *
threadMemberOf(const Expr *E,
               const llvm::DenseMap<const VarDecl *, const FieldDecl *> &Loop) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *Index = dyn_cast<CXXOperatorCallExpr>(E);
      Index && Index->getOperator() == OO_Subscript)
    E = Index->getArg(0)->IgnoreParenImpCasts();
  else if (const auto *At = dyn_cast<CXXMemberCallExpr>(E);
           At && At->getMethodDecl() &&
           At->getMethodDecl()->getNameAsString() == "at")
    E = At->getImplicitObjectArgument()->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
      return Loop.lookup(Var);
  const auto *Member = dyn_cast<MemberExpr>(E);
  const auto *Field =
      Member ? dyn_cast<FieldDecl>(Member->getMemberDecl()) : nullptr;
  return Field && isThreadMemberType(Field->getType()) ? Field : nullptr;
}

/// Joins, detaches, swaps and hand-overs to a function (a move included)
/// settle a thread member; an assignment of a thread, an emplace_back or a
/// push_back starts one.
void FunctionFactsBuilder::threadMemberUse(const Stmt &S) {
  static const llvm::DenseMap<const VarDecl *, const FieldDecl *> NoLoop;
  if (const auto *Loop = dyn_cast<CXXForRangeStmt>(&S)) {
    if (const FieldDecl *Field = threadMemberOf(Loop->getRangeInit(), NoLoop))
      ElementOf[Loop->getLoopVariable()] = Field;
    return;
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(&S)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (!Method || !Method->getIdentifier())
      return;
    llvm::StringRef Name = Method->getName();
    const FieldDecl *Field =
        threadMemberOf(Call->getImplicitObjectArgument(), ElementOf);
    if (!Field)
      return;
    if (Name == "join")
      Out.ThreadJoins.push_back(site(Index.idOf(Field), *Call));
    if (Name == "join" || Name == "detach" || Name == "swap")
      threadMember(*Field, Call->getExprLoc(), /*Settled=*/true);
    else if (Name == "emplace_back" || Name == "push_back" || Name == "emplace")
      threadMember(*Field, Call->getExprLoc(), /*Settled=*/false);
    return;
  }
  if (const auto *Assign = dyn_cast<CXXOperatorCallExpr>(&S);
      Assign && Assign->getOperator() == OO_Equal && Assign->getNumArgs() == 2)
    if (const FieldDecl *Field = threadMemberOf(Assign->getArg(0), NoLoop))
      threadMember(*Field, Assign->getExprLoc(), /*Settled=*/false);
  // Handed to a function (`std::move(worker_)`, `join_all(workers_)`,
  // `std::swap(worker_, t)`): that function settles it, or keeps it.
  const auto *Call = dyn_cast<CallExpr>(&S);
  if (!Call || isa<CXXOperatorCallExpr>(Call))
    return;
  for (const Expr *Arg : Call->arguments()) {
    const Expr *E = Arg->IgnoreParenImpCasts();
    if (const auto *AddressOf = dyn_cast<UnaryOperator>(E);
        AddressOf && AddressOf->getOpcode() == UO_AddrOf)
      E = AddressOf->getSubExpr();
    if (const FieldDecl *Field = threadMemberOf(E, NoLoop))
      threadMember(*Field, Arg->getExprLoc(), /*Settled=*/true);
  }
}

/// `worker_(&Server::run, this)` in a constructor's initialiser list.
void FunctionFactsBuilder::threadMemberStarts(const CXXConstructorDecl &Ctor) {
  for (const CXXCtorInitializer *Init : Ctor.inits()) {
    const FieldDecl *Field = Init->getMember();
    if (!Field || !Init->isWritten() || !isThreadMemberType(Field->getType()))
      continue;
    const auto *Construct =
        dyn_cast_or_null<CXXConstructExpr>(Init->getInit()->IgnoreImplicit());
    if (Construct && Construct->getNumArgs() > 0 &&
        !Construct->getConstructor()->isMoveConstructor())
      threadMember(*Field, Init->getSourceLocation(), /*Settled=*/false);
  }
}

FunctionFacts FunctionFactsBuilder::build(
    llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas) {
  Out.Id = Index.idOf(&F);
  const auto *Method = dyn_cast<CXXMethodDecl>(&F);
  if (Method && Method->getParent()->isLambda()) {
    const FunctionDecl *Outer =
        dyn_cast_or_null<FunctionDecl>(Method->getParent()->getDeclContext());
    Out.Name = Outer ? "lambda in " + displayName(*Outer) : "lambda";
  } else {
    Out.Name = displayName(F);
  }
  Out.At = Index.posOf(F.getLocation());
  Out.IsMain = F.isMain();
  Out.Local = isLocal(&F);
  Out.FatalSink = Index.isFatalSink(F);
  Out.Logger = formatsForCaller(F);
  if (const auto *Proto = F.getType()->getAs<FunctionProtoType>())
    Out.NoExcept = Proto->isNothrow();
  if (Method && !Method->getParent()->isLambda())
    overrides(*Method);
  if (const CXXRecordDecl *Fixture = fixtureOfSetUp(F))
    fixtureRecords(*Fixture);
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(&F))
    threadMemberStarts(*Ctor);
  walk(F.getBody());
  textJoins();
  netLockEffect();
  acquisitions();
  accesses(Lambdas);
  return std::move(Out);
}

// ---- the TU ----------------------------------------------------------------

class TUWalker : public RecursiveASTVisitor<TUWalker> {
public:
  TUWalker(ProgramFactsIndex &Index)
      : Index(Index), SM(Index.Ctx.getSourceManager()) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *F) {
    if (!F->doesThisDeclarationHaveABody() || F->isImplicit() ||
        F->isDefaulted() || SM.isInSystemHeader(F->getLocation()))
      return true;
    if (const auto *M = dyn_cast<CXXMethodDecl>(F);
        M && M->getParent()->isLambda())
      return true; // VisitLambdaExpr
    extract(*F);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *L) {
    if (!SM.isInSystemHeader(L->getBeginLoc()))
      if (const CXXMethodDecl *Operator = L->getCallOperator())
        extract(*Operator);
    return true;
  }
  bool VisitVarDecl(VarDecl *V) {
    // A function named in a global's initialiser (a handler table, a
    // callback struct) is a callback.
    if (!V->hasGlobalStorage() || V->isLocalVarDecl() || !V->hasInit() ||
        SM.isInSystemHeader(V->getLocation()))
      return true;
    scanInitialiser(V->getInit());
    return true;
  }

private:
  ProgramFactsIndex &Index;
  const SourceManager &SM;
  llvm::DenseSet<const FunctionDecl *> Done;
  llvm::StringMap<unsigned> FunctionById;
  /// Functions a global's initialiser stores into a field: the field.
  llvm::DenseMap<const DeclRefExpr *, const FieldDecl *> StoredInField;

  /// Another instantiation of the same template: one function, all facts.
  static void merge(FunctionFacts &Into, FunctionFacts &&From) {
    auto Append = [](auto &To, auto &Items) {
      To.insert(To.end(), std::make_move_iterator(Items.begin()),
                std::make_move_iterator(Items.end()));
    };
    Append(Into.Calls, From.Calls);
    Append(Into.Accesses, From.Accesses);
    Append(Into.Exits, From.Exits);
    Append(Into.Blocking, From.Blocking);
    Append(Into.ClientCreations, From.ClientCreations);
    Append(Into.ThreadStarts, From.ThreadStarts);
    Append(Into.Waits, From.Waits);
    Append(Into.Wakes, From.Wakes);
    Append(Into.Acquisitions, From.Acquisitions);
    Append(Into.ThreadMembers, From.ThreadMembers);
    Append(Into.Throws, From.Throws);
    Append(Into.ThreadJoins, From.ThreadJoins);
    Into.FatalSink = Into.FatalSink && From.FatalSink;
    for (std::string &Base : From.Overrides)
      if (!llvm::is_contained(Into.Overrides, Base))
        Into.Overrides.push_back(std::move(Base));
  }

  void scanInitialiser(const Stmt *S) {
    if (!S)
      return;
    noteFieldStores(S, SM, StoredInField);
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      if (const auto *Fn = dyn_cast<FunctionDecl>(Ref->getDecl());
          Fn && !SM.isInSystemHeader(Fn->getLocation())) {
        RootFact R{Index.idOf(Fn), displayName(*Fn), RootKind::Callback,
                   Index.posOf(Ref->getExprLoc()), "callback"};
        if (auto It = StoredInField.find(Ref); It != StoredInField.end())
          R.Field = Index.idOf(It->second);
        Index.Facts.Roots.push_back(std::move(R));
      }
    if (isa<LambdaExpr>(S))
      return;
    for (const Stmt *Child : S->children())
      scanInitialiser(Child);
  }

  void extract(const FunctionDecl &F) {
    if (!F.getBody() || !Done.insert(&F).second)
      return;
    llvm::SmallVector<const FunctionDecl *, 2> Lambdas;
    FunctionFacts Facts = FunctionFactsBuilder(Index, F).build(Lambdas);
    auto [It, New] =
        FunctionById.try_emplace(Facts.Id, Index.Facts.Functions.size());
    if (New)
      Index.Facts.Functions.push_back(std::move(Facts));
    else
      merge(Index.Facts.Functions[It->second], std::move(Facts));
    static const RequestPathOptions DefaultRequestPath;
    if (auto Why = whyHandler(F, Index.Ctx, DefaultRequestPath)) {
      SourceLocation At =
          Why->Registration ? Why->Registration->getExprLoc() : F.getLocation();
      Index.Facts.Roots.push_back({Index.idOf(&F), Why->HandlerName,
                                   RootKind::Handler, Index.posOf(At),
                                   "per request in '" + Why->subject() + "'"});
    }
  }
};

void ProgramFactsIndex::extract() {
  TUWalker Walker(*this);
  for (Decl *D : Ctx.getTraversalScope())
    Walker.TraverseDecl(D);
  for (const ThreadEntry &Entry : ThreadEntryIndex::get(Ctx).entries())
    if (Entry.Function) {
      RootFact Root{idOf(Entry.Function), Entry.Name, RootKind::ThreadEntry,
                    posOf(Entry.Start.Start->getExprLoc()),
                    Entry.Start.apiName().str()};
      if (const ValueDecl *Handle = threadHandleOf(Entry.Start, Ctx))
        Root.Handle = idOf(Handle);
      Facts.Roots.push_back(std::move(Root));
    }
}

} // namespace loadcheck::model
