/*
 * alloc.c - the library's allocator: every allocation of libcpted goes
 * through these functions (GEOS, PROJ and GDAL allocate on their own).
 *
 * SPDX-License-Identifier: MIT
 *
 * Allocation failure injection: when compiled with
 * CPTED_ALLOC_FAILURE_INJECTION (only the static test library, cpted_static,
 * is; the installed shared library never is), cpted__alloc_fail_at(n) makes
 * the n-th allocation counted from that call fail (return NULL) once. The
 * counters are thread-local, so each test thread injects into its own calls;
 * in release builds this file has no mutable state at all.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#ifdef CPTED_ALLOC_FAILURE_INJECTION
static _Thread_local unsigned long alloc_fail_at;   /* 0: injection off */
static _Thread_local unsigned long alloc_calls;     /* allocations since cpted__alloc_fail_at */
static _Thread_local unsigned long alloc_injected;  /* failures injected since then */

void cpted__alloc_fail_at(unsigned long n)
{
    alloc_fail_at = n;
    alloc_calls = 0;
    alloc_injected = 0;
}

unsigned long cpted__alloc_calls(void) { return alloc_calls; }
unsigned long cpted__alloc_injected(void) { return alloc_injected; }

/* true when this allocation is the one to fail */
static bool alloc_fails(void)
{
    alloc_calls++;
    if (alloc_fail_at != 0 && alloc_calls == alloc_fail_at) {
        alloc_injected++;
        return true;
    }
    return false;
}
#else
#define alloc_fails() false
#endif

void *cpted__malloc(size_t size)
{
    if (alloc_fails())
        return NULL;
    return malloc(size ? size : 1);
}

void *cpted__calloc(size_t count, size_t size)
{
    if (alloc_fails())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *cpted__realloc(void *p, size_t size)
{
    if (alloc_fails())
        return NULL; /* like realloc: p is left as it was */
    return realloc(p, size ? size : 1);
}

void cpted__free(void *p) { free(p); }

char *cpted__strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = cpted__malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}
