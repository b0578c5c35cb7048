# Tests of the installation and the Debian package (tests/install/): they
# install into temporary directories and never touch the system.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(LOADCHECK_INSTALL_TEST "${PROJECT_SOURCE_DIR}/tests/install/install_test.py")
foreach(Case IN ITEMS StagedInstallRunsExampleService ManPageMatchesHelp
                      DebPackage)
  add_test(NAME install.${Case}
           COMMAND Python3::Interpreter "${LOADCHECK_INSTALL_TEST}" ${Case}
                   --build-dir "${PROJECT_BINARY_DIR}"
                   --source-dir "${PROJECT_SOURCE_DIR}"
                   --cmake "${CMAKE_COMMAND}" --cpack "${CMAKE_CPACK_COMMAND}")
  set_tests_properties(install.${Case} PROPERTIES LABELS install TIMEOUT 900)
endforeach()
