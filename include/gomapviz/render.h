/*
 * gomapviz/render.h: writing a model out: JSON for tools (docs/json-schema.md)
 * and a short human summary.
 */
#ifndef GOMAPVIZ_RENDER_H
#define GOMAPVIZ_RENDER_H

#include <stdio.h>

#include "gomapviz/common.h"
#include "gomapviz/model.h"
#include "gomapviz/snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the model as JSON to `out`, streaming; `origin` (may be NULL) becomes
 * the "source" object. The same model gives byte-identical output. Returns 0
 * or GMV_ERR_IO. */
int gmv_render_json(FILE *out, const gmv_model *model, const gmv_origin *origin);

/* Writes a few lines of human summary (header, occupancy, chains, grow,
 * anomalies) to `out`. Returns 0 or GMV_ERR_IO. */
int gmv_render_stats(FILE *out, const gmv_model *model, const gmv_origin *origin);

#ifdef __cplusplus
}
#endif
#endif
