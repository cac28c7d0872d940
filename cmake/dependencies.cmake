# Every dependency is a Debian package (see scripts/install-deps.sh); nothing is
# downloaded at configure or build time.
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Threads REQUIRED)
if(SHOPPULSE_BUILD_TOOLS OR SHOPPULSE_BUILD_TESTS)
  # Dev tools only: never linked into bootstrap.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  pkg_check_modules(LIBJWT IMPORTED_TARGET libjwt)
endif()
if(SHOPPULSE_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SHOPPULSE_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
