/* A user of the installed library: reads a snapshot, builds its model and
 * prints the implementation and the number of live entries, through the
 * public API only (tests/install/check_install.sh builds it with pkg-config). */
#include <stdio.h>

#include <gomapviz/model.h>
#include <gomapviz/snapshot.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: use_library SNAPSHOT.gmvs\n");
        return 2;
    }
    gmv_snapshot *snap = NULL;
    gmv_model *model = NULL;
    if (gmv_snapshot_read_file(&snap, argv[1]) != 0 || gmv_snapshot_build_model(&model, snap, NULL) != 0) {
        fprintf(stderr, "use_library: %s\n", gmv_error_last());
        gmv_snapshot_free(snap);
        return 1;
    }
    size_t count = 0;
    gmv_model_entries(model, &count);
    printf("%s %zu\n", gmv_model_implementation(model) == GMV_IMPL_SWISS ? "swiss" : "classic", count);
    gmv_model_free(model);
    gmv_snapshot_free(snap);
    return 0;
}
