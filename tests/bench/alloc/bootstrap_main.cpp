// The bootstrap's own main(), compiled as shoppulse_bootstrap_main() so
// alloc_bench can run the exact production entry point on a thread.
// NOLINTBEGIN
#define main shoppulse_bootstrap_main
#include SHOPPULSE_BOOTSTRAP_MAIN_SOURCE
#undef main
// NOLINTEND
