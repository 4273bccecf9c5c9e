/*
 * result.c - the one lifecycle of computed objects (free space, standoff,
 * coverage, ...): a head holding references on the context, the site and the
 * free space, a reference count of its own, and the object's warnings. Any
 * order of freeing is safe: each object keeps what it was computed from alive.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

void cpted__result_init(cpted__result *r, cpted_context *ctx, cpted_site *site, cpted_freespace *fs)
{
    memset(r, 0, sizeof *r);
    atomic_init(&r->refs, 1);
    r->ctx = ctx;
    cpted__context_ref(ctx);
    r->site = site;
    if (site)
        cpted__site_ref(site);
    r->fs = fs;
    if (fs)
        cpted__result_ref(&fs->head);
}

void cpted__result_fini(cpted__result *r)
{
    for (size_t i = 0; i < r->warning_count; i++)
        cpted__free(r->warnings[i]);
    cpted__free(r->warnings);
    r->warnings = NULL;
    r->warning_count = r->warning_cap = 0;
    cpted_context *ctx = r->ctx;
    /* the free space first: it may hold the last other reference on the site */
    if (r->fs)
        cpted_freespace_free(r->fs);
    if (r->site)
        cpted__site_unref(r->site);
    r->fs = NULL;
    r->site = NULL;
    r->ctx = NULL;
    cpted__context_unref(ctx);
}

void cpted__result_ref(cpted__result *r) { atomic_fetch_add(&r->refs, 1); }

bool cpted__result_unref(cpted__result *r) { return atomic_fetch_sub(&r->refs, 1) == 1; }

int cpted__result_add_warning(cpted__result *r, const char *text)
{
    char *copy = cpted__strdup(text);
    if (!copy || !cpted__grow((void **)&r->warnings, &r->warning_cap, r->warning_count + 1,
                              sizeof *r->warnings)) {
        cpted__free(copy);
        return cpted__nomem(r->ctx, "result");
    }
    r->warnings[r->warning_count++] = copy;
    cpted__log(r->ctx, CPTED_LOG_WARNING, "%s", copy);
    return CPTED_OK;
}

int cpted__result_warn(cpted__result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cpted__result_add_warning(r, buf);
}

size_t cpted__result_warning_count(const cpted__result *r) { return r ? r->warning_count : 0; }

const char *cpted__result_warning(const cpted__result *r, size_t i)
{
    return r && i < r->warning_count ? r->warnings[i] : NULL;
}

void cpted__result_json_warnings(cpted__json *j, const cpted__result *r)
{
    cpted__json_key(j, "warnings");
    cpted__json_begin_array(j);
    for (size_t i = 0; i < r->warning_count; i++)
        cpted__json_string(j, r->warnings[i]);
    cpted__json_end_array(j);
}

int cpted__options_copy(cpted_context *ctx, void *out, const void *user, size_t own_size,
                        size_t min_size, const char *what)
{
    if (!user)
        return CPTED_OK;
    uint32_t given;
    memcpy(&given, user, sizeof given);
    int rc = cpted__check_struct(ctx, user, given, min_size, own_size, what);
    if (rc != CPTED_OK)
        return rc;
    /* an older caller's missing fields keep their defaults */
    memcpy(out, user, given < own_size ? given : own_size);
    uint32_t own = (uint32_t)own_size;
    memcpy(out, &own, sizeof own);
    return CPTED_OK;
}

/* ---- public accessors of the results' heads ------------------------------ */

CPTED_API size_t CPTED_CALL cpted_freespace_warning_count(const cpted_freespace *fs)
{
    return fs ? cpted__result_warning_count(&fs->head) : 0;
}

CPTED_API const char *CPTED_CALL cpted_freespace_warning(const cpted_freespace *fs, size_t i)
{
    return fs ? cpted__result_warning(&fs->head, i) : NULL;
}

CPTED_API size_t CPTED_CALL cpted_coverage_warning_count(const cpted_coverage *result)
{
    return result ? cpted__result_warning_count(&result->head) : 0;
}

CPTED_API const char *CPTED_CALL cpted_coverage_warning(const cpted_coverage *result, size_t i)
{
    return result ? cpted__result_warning(&result->head, i) : NULL;
}

CPTED_API cpted_site *CPTED_CALL cpted_freespace_site(const cpted_freespace *fs)
{
    return fs ? fs->head.site : NULL;
}

CPTED_API cpted_site *CPTED_CALL cpted_coverage_site(const cpted_coverage *result)
{
    return result ? result->head.site : NULL;
}

CPTED_API cpted_freespace *CPTED_CALL cpted_coverage_freespace(const cpted_coverage *result)
{
    return result ? result->head.fs : NULL;
}
