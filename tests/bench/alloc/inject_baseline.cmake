# Passed by bench.sh as CMAKE_PROJECT_INCLUDE when it builds the baseline
# tree: defines alloc_bench there once every target of that tree exists.
set(SHOPPULSE_ALLOC_BENCH_CMAKE "${CMAKE_CURRENT_LIST_DIR}/alloc_bench.cmake")
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL include "${SHOPPULSE_ALLOC_BENCH_CMAKE}")
