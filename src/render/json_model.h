/* Internal: pieces of the model's JSON that the diff output reuses. */
#ifndef GMV_JSON_MODEL_H
#define GMV_JSON_MODEL_H

#include "gomapviz/model.h"
#include "render/json_writer.h"

/* Writes a key or value by the schema's rules (docs/json-schema.md;
 * json_values.c). */
void json_write_value(jw *w, const gmv_value *v, uint64_t size);

/* Writes an entry object of model `m` as in "entries". */
void json_write_entry(jw *w, const gmv_entry *e, const gmv_model *m);

/* Writes the "map" header object. */
void json_write_map(jw *w, const gmv_model *m);

#endif
