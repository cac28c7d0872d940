# Every dependency is a Debian package (see scripts/install-deps.sh); nothing is
# downloaded at configure or build time.
find_package(PkgConfig REQUIRED)
find_package(CURL REQUIRED)
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
# libdeflate (libdeflate-dev): gzip for responses and request bodies. Its
# static archive is linked, so the deployment zip gains no shared library.
find_path(LIBDEFLATE_INCLUDE_DIR libdeflate.h REQUIRED)
find_library(LIBDEFLATE_STATIC_LIBRARY NAMES libdeflate.a REQUIRED)
add_library(shoppulse::libdeflate STATIC IMPORTED)
set_target_properties(shoppulse::libdeflate PROPERTIES
  IMPORTED_LOCATION ${LIBDEFLATE_STATIC_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${LIBDEFLATE_INCLUDE_DIR})
