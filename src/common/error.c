#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];
static _Thread_local int last_code;

int gmv_fail(int code, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, args);
    va_end(args);
    /* One line, whatever the untrusted text quoted in it (a section tag, a
     * META string) holds: control characters become '?'. */
    for (char *p = last_message; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
    last_code = code;
    return code;
}

void gmv_error_clear(void)
{
    last_message[0] = '\0';
    last_code = GMV_OK;
}

/* The names messages use for the settings, by gmv_option. */
static const char *const api_option_names[GMV_OPTION_COUNT] = {
    [GMV_OPTION_MAX_BYTES] = "limits.max_bytes",
    [GMV_OPTION_MAX_BUCKETS] = "limits.max_buckets",
    [GMV_OPTION_ALLOW_NIL] = "allow_nil",
    [GMV_OPTION_FORCE] = "force",
    [GMV_OPTION_KEY] = "focus_key",
    [GMV_OPTION_BUCKETS] = "focus_first..focus_last",
    [GMV_OPTION_LONGEST] = "longest_chains",
    [GMV_OPTION_TABLE] = "focus_table",
    [GMV_OPTION_GROUPS] = "groups_first..groups_last",
    [GMV_OPTION_FORMAT] = "the format",
    [GMV_OPTION_ADDR] = "hmap_address",
    [GMV_OPTION_TYPE] = "the map type",
    [GMV_OPTION_EXE] = "the executable",
};
static const char *option_names[GMV_OPTION_COUNT];

void gmv_set_option_name(gmv_option option, const char *name)
{
    if ((unsigned)option < GMV_OPTION_COUNT)
        option_names[option] = name;
}

const char *gmv_option_name(gmv_option option)
{
    if ((unsigned)option >= GMV_OPTION_COUNT)
        return "?";
    return option_names[option] ? option_names[option] : api_option_names[option];
}

static _Thread_local gmv_progress_fn progress_fn;
static _Thread_local void *progress_ctx;

void gmv_set_progress(gmv_progress_fn fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
}

void gmv_report_progress(const char *stage, uint64_t done, uint64_t total)
{
    if (progress_fn)
        progress_fn(progress_ctx, stage, done, total);
}

const char *gmv_error_last(void)
{
    return last_message;
}

int gmv_error_last_code(void)
{
    return last_code;
}

gmv_limits gmv_limits_resolve(const gmv_limits *limits)
{
    gmv_limits out = {0};
    if (limits)
        out = *limits;
    if (!out.max_bytes)
        out.max_bytes = GMV_DEFAULT_MAX_BYTES;
    if (!out.max_buckets)
        out.max_buckets = GMV_DEFAULT_MAX_BUCKETS;
    if (!out.max_string)
        out.max_string = GMV_DEFAULT_MAX_STRING;
    if (out.max_string > UINT32_MAX)
        out.max_string = UINT32_MAX;
    if (!out.follow_depth)
        out.follow_depth = GMV_DEFAULT_FOLLOW_DEPTH;
    else if (out.follow_depth != GMV_FOLLOW_NONE && out.follow_depth > GMV_MAX_FOLLOW_DEPTH)
        out.follow_depth = GMV_MAX_FOLLOW_DEPTH;
    if (!out.max_elems)
        out.max_elems = GMV_DEFAULT_MAX_ELEMS;
    else if (out.max_elems > GMV_MAX_ELEMS)
        out.max_elems = GMV_MAX_ELEMS;
    if (out.nested_maps > GMV_MAX_NESTED_MAPS)
        out.nested_maps = GMV_MAX_NESTED_MAPS;
    return out;
}
