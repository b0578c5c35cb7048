//===--- SanitizerDefaults.cpp - runtime options of sanitized builds ------===//
//
// Linked into the executables of a LOADCHECK_SANITIZE build only. The
// sanitizer runtimes call these hooks at start-up; ASAN_OPTIONS, UBSAN_OPTIONS
// and TSAN_OPTIONS in the environment override single keys.
//
// Every report ends the process with exit code 86, so a report in a worker
// makes the driver report "worker exit code 86" for that file (exit code 3)
// and the test that ran it fails, even though a worker's stderr is not shown.
//
//===----------------------------------------------------------------------===//

#define LOADCHECK_SANITIZER_HOOK                                               \
  extern "C" __attribute__((visibility("default"), used)) const char *

// container-overflow: libstdc++ does not annotate its containers, and LLVM's
// uninstrumented libraries share ours; the check would only add noise.
LOADCHECK_SANITIZER_HOOK __asan_default_options() {
  return "exitcode=86:detect_leaks=1:detect_container_overflow=0:"
         "strict_string_checks=1:print_summary=1:print_suppressions=0";
}

LOADCHECK_SANITIZER_HOOK __ubsan_default_options() {
  return "exitcode=86:halt_on_error=1:print_stacktrace=1";
}

LOADCHECK_SANITIZER_HOOK __tsan_default_options() {
  return "exitcode=86:halt_on_error=1:second_deadlock_stack=1";
}

// Memory allocated inside the uninstrumented LLVM and Clang libraries: they
// have no frame pointers, so ASan's fast unwinder cannot say who owns it, and
// clang 19 itself leaks a template deduction failure's diagnostic storage.
// Everything loadcheck allocates (and any object of ours that owns LLVM
// memory) is still checked.
LOADCHECK_SANITIZER_HOOK __lsan_default_suppressions() {
  return "leak:libLLVM.so\n"
         "leak:libclang-cpp.so\n";
}
