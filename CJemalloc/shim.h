// jemalloc, Redis's allocator: linked into swirl-server so that its
// per-thread allocation counters give used memory in two loads (maxmemory's
// check before every command) and mallctl gives the allocator's statistics.
// Debian's build has no symbol prefix: its malloc replaces glibc's for the
// whole process.
#include <jemalloc/jemalloc.h>
