# One interface target carries the project's warning and sanitizer flags so
# every library, tool and test compiles under the same rules.
add_library(shoppulse_build_flags INTERFACE)
target_compile_options(shoppulse_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wformat=2 -Wimplicit-fallthrough)
if(SHOPPULSE_WERROR)
  target_compile_options(shoppulse_build_flags INTERFACE -Werror)
endif()
if(SHOPPULSE_SANITIZE)
  target_compile_options(shoppulse_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(shoppulse_build_flags INTERFACE -fsanitize=address,undefined)
endif()
if(SHOPPULSE_TSAN)
  if(SHOPPULSE_SANITIZE)
    message(FATAL_ERROR "SHOPPULSE_TSAN and SHOPPULSE_SANITIZE cannot be combined")
  endif()
  target_compile_options(shoppulse_build_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(shoppulse_build_flags INTERFACE -fsanitize=thread)
endif()
# GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string
# operator+ at -O2/-O3 (GCC bug 105329), and false -Wmaybe-uninitialized ones
# on moved-from std::string members of inlined temporaries (GCC bugs 105562,
# 107138); either would make Release fail -Werror. Debug (the dev preset) does
# not run that analysis anyway; ASan/UBSan and clang-tidy still cover it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(shoppulse_build_flags INTERFACE -Wno-restrict -Wno-maybe-uninitialized)
endif()
