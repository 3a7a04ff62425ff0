// Counts what glibc's malloc hands out, as Redis's zmalloc counts what it
// asks jemalloc for: every allocation function of the C library is
// interposed (defined here, in the executable, so the dynamic linker binds
// the Swift runtime's and every library's calls to these), forwards to
// glibc's own implementation (__libc_malloc …) and adds or subtracts the
// block's usable size.
//
// Why not glibc's figure, mallinfo2(): it walks every free chunk under the
// arena lock (51 ms with 100,000 free chunks, 329 ms with 1,000,000).
// Why not jemalloc (measured, docs/PERFORMANCE.md): its size classes cost
// Swirl's values more (a 1,000-byte value is a 1,032-byte array: a 1,280-byte
// class, a 1,040-byte chunk in glibc), at the same speed.
//
// The loop thread makes nearly every allocation: it adds to a plain counter;
// any other thread (libuv's thread pool) to an atomic one.
#define _GNU_SOURCE
#include "AllocCounter.h"

#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static long loop_thread_bytes;
static _Atomic long other_threads_bytes;
static __thread int is_loop_thread;

static inline void count(void *pointer, long sign) {
    if (pointer == NULL) return;
    long size = sign * (long)malloc_usable_size(pointer);
    if (is_loop_thread) {
        loop_thread_bytes += size;
    } else {
        atomic_fetch_add_explicit(&other_threads_bytes, size, memory_order_relaxed);
    }
}

long swirl_allocated_bytes(void) {
    return loop_thread_bytes + atomic_load_explicit(&other_threads_bytes, memory_order_relaxed);
}

void swirl_alloc_counter_register_loop_thread(void) { is_loop_thread = 1; }

int swirl_alloc_counter_active(void) {
    // Counted only if calls reach this file's malloc (interposition worked).
    long before = swirl_allocated_bytes();
    void *volatile probe = malloc(64);
    long during = swirl_allocated_bytes();
    free(probe);
    return during > before;
}

void *malloc(size_t size) {
    void *pointer = __libc_malloc(size);
    count(pointer, 1);
    return pointer;
}

void free(void *pointer) {
    count(pointer, -1);
    __libc_free(pointer);
}

void *calloc(size_t count_, size_t size) {
    void *pointer = __libc_calloc(count_, size);
    count(pointer, 1);
    return pointer;
}

void *realloc(void *pointer, size_t size) {
    long before = pointer ? (long)malloc_usable_size(pointer) : 0;
    void *moved = __libc_realloc(pointer, size);
    // realloc(p, 0) frees p and may return NULL; a failed realloc keeps p.
    if (moved == NULL && size != 0) return NULL;
    long after = moved ? (long)malloc_usable_size(moved) : 0;
    if (is_loop_thread) {
        loop_thread_bytes += after - before;
    } else {
        atomic_fetch_add_explicit(&other_threads_bytes, after - before, memory_order_relaxed);
    }
    return moved;
}

void *reallocarray(void *pointer, size_t count_, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count_, size, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(pointer, bytes);
}

void *memalign(size_t alignment, size_t size) {
    void *pointer = __libc_memalign(alignment, size);
    count(pointer, 1);
    return pointer;
}

void *aligned_alloc(size_t alignment, size_t size) { return memalign(alignment, size); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
    void *pointer = memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

void *valloc(size_t size) {
    void *pointer = __libc_valloc(size);
    count(pointer, 1);
    return pointer;
}

void *pvalloc(size_t size) {
    void *pointer = __libc_pvalloc(size);
    count(pointer, 1);
    return pointer;
}
