//===--- ProgramLink.cpp ---------------------------------------------------===//
//
// The seam only: a TU's facts carry the version and empty tables, and the
// link knows no candidates, so every finding is reported as it is. The
// program model fills both sides.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramLink.h"
#include <atomic>

namespace loadcheck::model {

static std::atomic<bool> Deferred{false};

bool programVerdictsDeferred() { return Deferred.load(); }
void setProgramVerdictsDeferred(bool Value) { Deferred.store(Value); }

llvm::json::Value collectTUFacts(clang::ASTContext &) {
  return llvm::json::Object{{"version", ProgramFactsVersion},
                            {"files", llvm::json::Array{}},
                            {"functions", llvm::json::Array{}},
                            {"candidates", llvm::json::Array{}}};
}

struct ProgramLink::Impl {
  LinkStatistics Statistics;
};

ProgramLink::ProgramLink() : State(std::make_unique<Impl>()) {}
ProgramLink::~ProgramLink() = default;

bool ProgramLink::addTranslationUnit(const llvm::json::Value &Facts,
                                     std::string &Error) {
  const llvm::json::Object *Object = Facts.getAsObject();
  std::optional<int64_t> Version =
      Object ? Object->getInteger("version") : std::nullopt;
  if (!Version || *Version != ProgramFactsVersion) {
    Error = "program facts of an unknown version";
    return false;
  }
  ++State->Statistics.TranslationUnits;
  return true;
}

void ProgramLink::link() {}

std::optional<LinkVerdict> ProgramLink::verdict(const CandidateKey &) const {
  return std::nullopt;
}

LinkStatistics ProgramLink::statistics() const { return State->Statistics; }

} // namespace loadcheck::model
