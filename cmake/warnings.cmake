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
