# alloc_bench: heap allocations per invocation of the bootstrap in
# PROJECT_SOURCE_DIR, counted in process (see alloc_bench.cpp). Included by
# tests/bench/CMakeLists.txt, and by bench.sh into the baseline tree's own
# build (through inject_baseline.cmake), so both counts come from one harness.
if(TARGET alloc_bench)
  return()  # the tree defines it already
endif()
set(SHOPPULSE_ALLOC_BENCH_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(alloc_bench
  ${SHOPPULSE_ALLOC_BENCH_DIR}/alloc_bench.cpp
  ${SHOPPULSE_ALLOC_BENCH_DIR}/counting_malloc.cpp
  ${SHOPPULSE_ALLOC_BENCH_DIR}/bootstrap_main.cpp)
target_include_directories(alloc_bench PRIVATE ${SHOPPULSE_ALLOC_BENCH_DIR})
target_compile_definitions(alloc_bench PRIVATE
  SHOPPULSE_BOOTSTRAP_MAIN_SOURCE="${PROJECT_SOURCE_DIR}/bootstrap/main.cpp"
  SHOPPULSE_ALLOC_BENCH_EVENTS="${SHOPPULSE_ALLOC_BENCH_DIR}/../../replay/events/api-rest-v1"
  SHOPPULSE_ALLOC_BENCH_DATA_SQL="${SHOPPULSE_ALLOC_BENCH_DIR}/../bench_data.sql")
target_link_libraries(alloc_bench PRIVATE shoppulse_sandbox shoppulse_fake_aws shoppulse_test_support
                      nlohmann_json::nlohmann_json Threads::Threads shoppulse_build_flags)
# A baseline from before the static bootstrap (issue 15) still calls libcurl in main.
if(TARGET CURL::libcurl)
  target_link_libraries(alloc_bench PRIVATE CURL::libcurl)
endif()
