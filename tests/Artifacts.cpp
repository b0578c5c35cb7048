#include "tests/Artifacts.h"

#include "llvm/Config/llvm-config.h"
#include <cstdlib>

namespace loadcheck::testing {

static std::string variableFor(const char *Name) {
  return std::string("LOADCHECK_TEST_") + Name;
}

const char *artifact(const char *Name, const char *Built) {
  const char *Replaced = std::getenv(variableFor(Name).c_str());
  return Replaced && *Replaced ? Replaced : Built;
}

std::string artifactLlvmVersion() {
  return artifact("LLVM_VERSION", LLVM_VERSION_STRING);
}

int artifactLlvmMajor() { return std::atoi(artifactLlvmVersion().c_str()); }

} // namespace loadcheck::testing
