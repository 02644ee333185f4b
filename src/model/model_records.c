/* What a walk adds to the model it builds: anomalies (classic and Swiss)
 * and entries; the names of cell and control-byte states. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/grow.h"
#include "model/model_impl.h"

/* Records an anomaly with its place; the message is printf-style. */
static int add_anomaly(gmv_model *m, gmv_anomaly where, const char *fmt, va_list args)
{
    if (m->nanomalies >= GMV_MAX_ANOMALIES) {
        m->anomalies_dropped++;
        return 0;
    }
    if (!m->anomalies) {
        m->anomalies = calloc(GMV_MAX_ANOMALIES, sizeof *m->anomalies);
        if (!m->anomalies)
            return GMV_ERR_NOMEM;
    }
    char text[512];
    vsnprintf(text, sizeof text, fmt, args);
    size_t len = strlen(text) + 1;
    char *message = gmv_arena_alloc(&m->arena, len);
    if (!message)
        return GMV_ERR_NOMEM;
    memcpy(message, text, len);
    where.message = message;
    m->anomalies[m->nanomalies++] = where;
    return 0;
}

int gmv_model_add_anomaly(gmv_model *m, const char *kind, uint64_t address, int64_t bucket, bool old,
                          const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    gmv_anomaly where = {.kind = kind, .address = address, .bucket = bucket, .old = old, .table = -1};
    int rc = add_anomaly(m, where, fmt, args);
    va_end(args);
    return rc;
}

int gmv_model_add_swiss_anomaly(gmv_model *m, const char *kind, uint64_t address, int64_t table,
                                int64_t group, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    gmv_anomaly where = {.kind = kind, .address = address, .bucket = group, .table = table};
    int rc = add_anomaly(m, where, fmt, args);
    va_end(args);
    return rc;
}

gmv_entry *gmv_model_push_entry(gmv_model *m)
{
    gmv_entry *grown = gmv_grow(m->entries, &m->entries_cap, m->nentries, sizeof *grown, 64);
    if (!grown)
        return NULL;
    m->entries = grown;
    gmv_entry *e = &m->entries[m->nentries++];
    memset(e, 0, sizeof *e);
    return e;
}

const char *gmv_cell_state_name(gmv_cell_state state)
{
    static const char *const names[] = {"empty_rest", "empty_one", "live",
                                        "evacuated_x", "evacuated_y", "evacuated_empty"};
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "unknown";
}

const char *gmv_ctrl_state_name(gmv_ctrl_state state)
{
    static const char *const names[] = {"empty", "deleted", "full", "invalid"};
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "unknown";
}

gmv_ctrl_state gmv_ctrl_classify(uint8_t ctrl)
{
    if (!(ctrl & 0x80))
        return GMV_CTRL_FULL;
    if (ctrl == 0x80)
        return GMV_CTRL_EMPTY;
    return ctrl == 0xfe ? GMV_CTRL_DELETED : GMV_CTRL_INVALID;
}

/* ---- building ---- */

