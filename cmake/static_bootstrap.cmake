# SHOPPULSE_STATIC_BOOTSTRAP=ON (package.sh): bootstrap is one statically
# linked executable, glibc included, so Lambda's Init opens one file instead
# of a loader and 21 shared libraries. Included before dependencies.cmake:
# it makes the find modules pick Debian's static archives.
#   libssl.a, libcrypto.a (libssl-dev)    OPENSSL_USE_STATIC_LIBS
#   libz.a (zlib1g-dev)                   ZLIB_USE_STATIC_LIBS
#   libpq.a (libpq-dev) with libpgcommon_shlib.a and libpgport_shlib.a
#   (postgresql-server-dev-15: libpq's own helpers, built -fPIC as libpq is)
#   packaging/: stubs for the GSSAPI and LDAP entry points libpq.a references
# Every other target (tests, tools) links the same way as without the option,
# but nothing else is built in package.sh's build tree.
set(OPENSSL_USE_STATIC_LIBS TRUE)
set(ZLIB_USE_STATIC_LIBS ON)

find_program(SHOPPULSE_PG_CONFIG NAMES pg_config PATHS /usr/lib/postgresql/15/bin NO_DEFAULT_PATH)
find_program(SHOPPULSE_PG_CONFIG NAMES pg_config)
if(NOT SHOPPULSE_PG_CONFIG)
  message(FATAL_ERROR "SHOPPULSE_STATIC_BOOTSTRAP needs pg_config (scripts/install-deps.sh installs postgresql-server-dev-15)")
endif()
execute_process(COMMAND ${SHOPPULSE_PG_CONFIG} --libdir OUTPUT_VARIABLE pg_libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${SHOPPULSE_PG_CONFIG} --pkglibdir OUTPUT_VARIABLE pg_pkglibdir OUTPUT_STRIP_TRAILING_WHITESPACE)
find_library(PostgreSQL_LIBRARY NAMES libpq.a PATHS ${pg_libdir} NO_DEFAULT_PATH)
find_library(SHOPPULSE_PGCOMMON_LIBRARY NAMES libpgcommon_shlib.a PATHS ${pg_pkglibdir} ${pg_libdir} NO_DEFAULT_PATH)
find_library(SHOPPULSE_PGPORT_LIBRARY NAMES libpgport_shlib.a PATHS ${pg_pkglibdir} ${pg_libdir} NO_DEFAULT_PATH)
foreach(archive PostgreSQL_LIBRARY SHOPPULSE_PGCOMMON_LIBRARY SHOPPULSE_PGPORT_LIBRARY)
  if(NOT ${archive})
    message(FATAL_ERROR "${archive}: static archive not found (install libpq-dev and postgresql-server-dev-15)")
  endif()
endforeach()

enable_language(C)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../packaging ${CMAKE_BINARY_DIR}/packaging)

# libpq.a's own dependencies, in link order after it.
function(shoppulse_complete_static_libpq)
  set_property(TARGET PostgreSQL::PostgreSQL APPEND PROPERTY INTERFACE_LINK_LIBRARIES
    ${SHOPPULSE_PGCOMMON_LIBRARY} ${SHOPPULSE_PGPORT_LIBRARY} shoppulse_static_stubs OpenSSL::SSL OpenSSL::Crypto
    Threads::Threads)
endfunction()
