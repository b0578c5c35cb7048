# LOADCHECK_SANITIZE: build the checks, the driver and the tests with
# sanitizers (docs/reliability.md, "Sanitizer builds").
#   address,undefined  ASan + UBSan; any UB report fails (no recovery)
#   thread             TSan
# LLVM and Clang themselves stay uninstrumented (Debian's libraries): ASan
# still sees every heap access of our code and intercepts all allocations.
set(LOADCHECK_SANITIZE "" CACHE STRING
    "Sanitizers to build with: address,undefined | address | undefined | thread")

if(LOADCHECK_SANITIZE)
  string(REPLACE "," ";" LOADCHECK_SANITIZERS "${LOADCHECK_SANITIZE}")
  foreach(Sanitizer IN LISTS LOADCHECK_SANITIZERS)
    if(NOT Sanitizer MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "LOADCHECK_SANITIZE: unknown sanitizer "
              "'${Sanitizer}' (address, undefined, thread)")
    endif()
  endforeach()
  if("thread" IN_LIST LOADCHECK_SANITIZERS AND
     "address" IN_LIST LOADCHECK_SANITIZERS)
    message(FATAL_ERROR "LOADCHECK_SANITIZE: thread cannot be combined "
            "with address")
  endif()
  set(Flags "-fsanitize=${LOADCHECK_SANITIZE}" -fno-omit-frame-pointer
      -gline-tables-only)
  if("undefined" IN_LIST LOADCHECK_SANITIZERS)
    # UB aborts the process, so a test that triggers it fails. The vptr
    # check needs RTTI, which LLVM code is built without.
    list(APPEND Flags -fno-sanitize-recover=undefined -fno-sanitize=vptr)
  endif()
  add_compile_options(${Flags})
  add_link_options("-fsanitize=${LOADCHECK_SANITIZE}")
  # -O1 keeps the instrumented build and its stack traces quick.
  add_compile_options(-O1)
  add_compile_definitions(LOADCHECK_SANITIZED=1)
  message(STATUS "loadcheck: sanitizers ${LOADCHECK_SANITIZE}")
endif()

# The sanitizer runtime options every sanitized executable starts with
# (tool/SanitizerDefaults.cpp); call after the targets exist.
function(loadcheck_add_sanitizer_defaults)
  if(NOT LOADCHECK_SANITIZE)
    return()
  endif()
  foreach(Target IN LISTS ARGN)
    target_sources(${Target} PRIVATE
                   "${PROJECT_SOURCE_DIR}/tool/SanitizerDefaults.cpp")
  endforeach()
endfunction()
