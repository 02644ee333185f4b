/* The one place that picks a model's outputs by its implementation. */
#include "render/render_impl.h"

static const render_impl classic = {
    .json_map = classic_json_map,
    .json_layout = classic_json_layout,
    .json_stats = classic_json_stats,
    .json_anomaly_place = classic_json_anomaly_place,
    .json_entry_place = classic_json_entry_place,
    .json_structure = classic_json_structure,
    .stats_lines = classic_stats_lines,
    .render_graph = classic_render_graph,
};

static const render_impl swiss = {
    .json_map = swiss_json_map,
    .json_layout = swiss_json_layout,
    .json_stats = swiss_json_stats,
    .json_anomaly_place = swiss_json_anomaly_place,
    .json_entry_place = swiss_json_entry_place,
    .json_structure = swiss_json_structure,
    .stats_lines = swiss_stats_lines,
    .render_graph = swiss_render_graph,
};

const render_impl *render_impl_of(const gmv_model *m)
{
    return gmv_model_implementation(m) == GMV_IMPL_SWISS ? &swiss : &classic;
}
