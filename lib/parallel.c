/*
 * parallel.c - a map over the items of a job on the context's threads
 * (cpted_context_set_threads): each extra thread works in a context of its
 * own (its own GEOS handle), items are handed out one at a time, and each
 * item's result goes into the caller's slot for that item, so the result
 * never depends on the number of threads or on which thread ran what.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct map_shared {
    size_t count;
    cpted__map_fn fn;
    void *userdata;
    atomic_size_t next;
    atomic_int stop; /* an item failed: the others stop taking items */
} map_shared;

typedef struct map_worker {
    map_shared *sh;
    cpted_context *ctx;
    pthread_t thread;
    bool started;
    int rc;
    size_t failed_item; /* the item that failed (rc != CPTED_OK) */
} map_worker;

static void map_work(map_worker *w)
{
    map_shared *sh = w->sh;
    w->rc = CPTED_OK;
    while (!atomic_load(&sh->stop)) {
        size_t i = atomic_fetch_add(&sh->next, 1);
        if (i >= sh->count)
            break;
        int rc = sh->fn(w->ctx, i, sh->userdata);
        if (rc != CPTED_OK) {
            w->rc = rc;
            w->failed_item = i;
            atomic_store(&sh->stop, 1);
        }
    }
}

static void *map_thread(void *arg)
{
    map_work(arg);
    return NULL;
}

int cpted__parallel_map(cpted_context *ctx, size_t count, cpted__map_fn fn, void *userdata,
                        bool worth_threads)
{
    int threads = worth_threads ? ctx->threads : 1;
    if ((size_t)threads > count)
        threads = (int)count;
    if (threads <= 1) {
        for (size_t i = 0; i < count; i++) {
            int rc = fn(ctx, i, userdata);
            if (rc != CPTED_OK)
                return rc;
        }
        return CPTED_OK;
    }
    map_worker *workers = cpted__calloc((size_t)threads, sizeof *workers);
    if (!workers)
        return cpted__nomem(ctx, "threads");
    map_shared sh = {.count = count, .fn = fn, .userdata = userdata};
    atomic_init(&sh.next, 0);
    atomic_init(&sh.stop, 0);
    int rc = CPTED_OK;
    workers[0].ctx = ctx;
    for (int t = 0; t < threads; t++) {
        workers[t].sh = &sh;
        if (t > 0 && rc == CPTED_OK && (rc = cpted_context_new(&workers[t].ctx)) != CPTED_OK)
            rc = cpted__nomem(ctx, "threads");
    }
    for (int t = 1; t < threads && rc == CPTED_OK; t++) {
        if (pthread_create(&workers[t].thread, NULL, map_thread, &workers[t]) != 0)
            break; /* fewer threads: the caller's takes the rest */
        workers[t].started = true;
    }
    if (rc == CPTED_OK)
        map_work(&workers[0]);
    for (int t = 1; t < threads; t++)
        if (workers[t].started)
            pthread_join(workers[t].thread, NULL);
    /* the failure of the lowest item, reported in the caller's context */
    int first = -1;
    for (int t = 0; rc == CPTED_OK && t < threads; t++)
        if ((t == 0 || workers[t].started) && workers[t].rc != CPTED_OK &&
            (first < 0 || workers[t].failed_item < workers[first].failed_item))
            first = t;
    if (first == 0)
        rc = workers[0].rc; /* already recorded in ctx */
    else if (first > 0)
        rc = cpted__error(ctx, workers[first].rc, "%s",
                          cpted_context_last_error(workers[first].ctx));
    for (int t = 1; t < threads; t++)
        cpted_context_free(workers[t].ctx);
    cpted__free(workers);
    return rc;
}
