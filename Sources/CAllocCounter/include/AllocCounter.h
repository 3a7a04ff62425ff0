#ifndef SWIRL_ALLOC_COUNTER_H
#define SWIRL_ALLOC_COUNTER_H

#include <stddef.h>

/// Bytes glibc's malloc has handed out and not taken back (usable sizes), by
/// every thread: INFO used_memory and the maxmemory check, as Redis's
/// zmalloc_used_memory(). Cheap: one load and one atomic load.
long swirl_allocated_bytes(void);

/// Marks the calling thread as the loop thread, whose allocations are counted
/// with plain additions (others use atomic ones). Call it once, from the loop thread.
void swirl_alloc_counter_register_loop_thread(void);

/// True when the process's malloc is this file's (its interposition took effect).
int swirl_alloc_counter_active(void);

#endif
