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
  # -O0: instrumented code compiles in half the time it takes at -O1 (the
  # AST-matcher templates are the cost), and the run time of the tests is
  # spent in the uninstrumented, optimised LLVM and Clang libraries.
  add_compile_options(-O0)
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

# The sanitizer runtime a process must load first to host code of this build
# that is not linked into an executable (the plugin inside clang-tidy): the
# shared runtime of the compiler that instrumented it.
function(loadcheck_sanitizer_runtime OutVar)
  if("address" IN_LIST LOADCHECK_SANITIZERS)
    set(Runtime asan) # its runtime contains UBSan's handlers too
  elseif("thread" IN_LIST LOADCHECK_SANITIZERS)
    set(Runtime tsan)
  else()
    set(Runtime ubsan_standalone)
  endif()
  execute_process(
    COMMAND "${CMAKE_CXX_COMPILER}"
            "-print-file-name=libclang_rt.${Runtime}-${CMAKE_SYSTEM_PROCESSOR}.so"
    OUTPUT_VARIABLE Path OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT EXISTS "${Path}")
    message(FATAL_ERROR "LOADCHECK_SANITIZE: the shared ${Runtime} runtime of "
            "${CMAKE_CXX_COMPILER} is missing (${Path})")
  endif()
  set(${OutVar} "${Path}" PARENT_SCOPE)
endfunction()

# A sanitized plugin can be loaded only by a clang-tidy that loaded the
# sanitizer runtime first. In a sanitized build, sets OutVar to a script in
# the build directory that starts Tidy so; otherwise to Tidy itself. Leaks
# are not reported there: clang-tidy does not free its AST on exit.
function(loadcheck_plugin_host OutVar Tidy)
  if(NOT LOADCHECK_SANITIZE)
    set(${OutVar} "${Tidy}" PARENT_SCOPE)
    return()
  endif()
  loadcheck_sanitizer_runtime(Runtime)
  get_filename_component(Name "${Tidy}" NAME)
  get_filename_component(Version "${Tidy}" DIRECTORY)
  string(REGEX REPLACE ".*llvm-([0-9]+).*" "\\1" Version "${Version}")
  set(Script "${PROJECT_BINARY_DIR}/plugin-hosts/${Name}-${Version}")
  file(WRITE "${Script}"
       "#!/bin/sh\n"
       "# ${Tidy} with the sanitizer runtime of this build loaded first.\n"
       "ASAN_OPTIONS=\"\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0\" \\\n"
       "LD_PRELOAD=\"${Runtime}\" exec \"${Tidy}\" \"\$@\"\n")
  file(CHMOD "${Script}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  set(${OutVar} "${Script}" PARENT_SCOPE)
endfunction()
