//===--- PluginGuard.cpp - refuse to run inside the wrong clang-tidy ------===//
//
// libloadcheck.so links no LLVM/Clang library: it binds to the symbols of the
// clang-tidy that loads it. Loaded into a clang-tidy of another LLVM major
// version, class layouts differ and the checks would silently find nothing (or
// crash), so the plugin checks the host's version when it is loaded and exits
// with a clear error instead.
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <string>

namespace {

/// Major version of the LLVM/Clang libraries the process has loaded, from
/// their sonames (libLLVM.so.19.1, libLLVM-19.so, libclang-cpp.so.19.1);
/// 0 when none is found (a statically linked host).
int hostMajorFromLoadedLibraries() {
  int Major = 0;
  dl_iterate_phdr(
      [](dl_phdr_info *Info, size_t, void *Data) -> int {
        const char *Path = Info->dlpi_name;
        if (!Path || !*Path)
          return 0;
        const char *Base = std::strrchr(Path, '/');
        Base = Base ? Base + 1 : Path;
        for (const char *Prefix :
             {"libLLVM.so.", "libLLVM-", "libclang-cpp.so."}) {
          size_t Len = std::strlen(Prefix);
          if (std::strncmp(Base, Prefix, Len) == 0 && Base[Len] >= '0' &&
              Base[Len] <= '9') {
            *static_cast<int *>(Data) = std::atoi(Base + Len);
            return 1;
          }
        }
        return 0;
      },
      &Major);
  return Major;
}

/// Major version reported by LLVM's C API, which statically linked hosts
/// export too (LLVMGetVersion exists since LLVM 16); 0 when absent.
int hostMajorFromCApi() {
  using GetVersionFn = void (*)(unsigned *, unsigned *, unsigned *);
  auto GetVersion =
      reinterpret_cast<GetVersionFn>(dlsym(RTLD_DEFAULT, "LLVMGetVersion"));
  if (!GetVersion)
    return 0;
  unsigned Major = 0, Minor = 0, Patch = 0;
  GetVersion(&Major, &Minor, &Patch);
  return static_cast<int>(Major);
}

struct VersionGuard {
  VersionGuard() {
    int Host = hostMajorFromLoadedLibraries();
    if (Host == 0)
      Host = hostMajorFromCApi();
    if (Host == 0 || Host == LOADCHECK_BUILT_LLVM_MAJOR)
      return;
    std::fprintf(stderr,
                 "error: libloadcheck.so was built for LLVM %s but is loaded "
                 "into a clang-tidy of LLVM %d; use clang-tidy-%d or the "
                 "loadcheck driver\n",
                 LOADCHECK_BUILT_LLVM_VERSION, Host,
                 LOADCHECK_BUILT_LLVM_MAJOR);
    // Refusing a wrong host at load time, before any request exists.
    std::_Exit(2); // NOLINT(loadcheck-abrupt-termination)
  }
};

const VersionGuard Guard;

// Keep the module's registration object in the plugin.
[[maybe_unused]] const int ModuleAnchor =
    loadcheck::LoadcheckModuleAnchorSource;

} // namespace
