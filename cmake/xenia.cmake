# Helpers shared by every component's CMakeLists.txt.

# xenia_unit_test(name SOURCES a.cc b.cc LIBS lib...)
# A gtest binary registered with ctest under its own name (gtest_discover_tests
# would multiply ctest's start-up cost; one ctest entry per suite binary is enough).
function(xenia_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# xenia_fuzz_target(name SOURCE x_fuzz.cc CORPUS dir LIBS lib...)
# The source defines LLVMFuzzerTestOneInput. Normal builds link replay_main.cc
# and register "<name>_corpus" with ctest, replaying every file in CORPUS.
function(xenia_fuzz_target name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "LIBS" ${ARGN})
  if(XENIA_FUZZ)
    add_executable(${name} ${F_SOURCE})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name} ${F_SOURCE} ${CMAKE_SOURCE_DIR}/test/fuzz/replay_main.cc)
  endif()
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  if(XENIA_FUZZ)
    # A libFuzzer binary given a directory fuzzes it forever; -runs=0 replays it.
    add_test(NAME ${name}_corpus COMMAND ${name} -runs=0 ${F_CORPUS})
  else()
    add_test(NAME ${name}_corpus COMMAND ${name} ${F_CORPUS})
  endif()
endfunction()
