/* Unit tests of values decoded through Go types: the type table's checks
 * (what a snapshot file may claim), the Go syntax of trees, and --key in
 * Go syntax. The decoding itself is tested end to end on real programs
 * (tests/e2e/values_e2e.py). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "gomapviz/layout.h"
#include "gomapviz/model.h"
#include "render/text.h"

static gmv_go_type scalar(const char *name, gmv_go_kind kind, uint64_t size)
{
    return (gmv_go_type){.name = name, .kind = kind, .size = size, .elem = GMV_NO_TYPE, .key = GMV_NO_TYPE};
}

/* int (0), main.Point{X, Y int} (1). */
static gmv_types *point_table(void)
{
    gmv_types *t = gmv_types_new(0);
    assert_non_null(t);
    gmv_go_type i = scalar("int", GMV_GO_INT, 8);
    assert_int_equal(gmv_types_add(t, &i), 0);
    gmv_go_field fields[] = {{"X", 0, 0, false}, {"Y", 8, 0, false}};
    gmv_go_type p = scalar("main.Point", GMV_GO_STRUCT, 16);
    p.fields = fields;
    p.nfields = 2;
    assert_int_equal(gmv_types_add(t, &p), 1);
    assert_int_equal(gmv_types_set_roots(t, 1, 0), 0);
    return t;
}

static void a_good_table_validates(void **state)
{
    (void)state;
    gmv_types *t = point_table();
    assert_int_equal(gmv_types_validate(t), 0);
    gmv_types *copy = gmv_types_copy(t);
    assert_non_null(copy);
    assert_int_equal(gmv_types_count(copy), 2);
    assert_string_equal(gmv_types_at(copy, 1)->fields[1].name, "Y");
    assert_int_equal(gmv_types_at(copy, 1)->fields[1].offset, 8);
    gmv_types_free(copy);
    gmv_types_free(t);
}

static void hostile_tables_are_refused(void **state)
{
    (void)state;
    /* a struct holding itself by value (decoding it would never end) */
    gmv_types *t = point_table();
    gmv_go_field self[] = {{"A", 0, 2, false}, {"B", 0, 2, false}};
    gmv_go_type loop = scalar("main.Loop", GMV_GO_STRUCT, 0);
    loop.fields = self;
    loop.nfields = 2;
    assert_int_equal(gmv_types_add(t, &loop), 2);
    assert_int_equal(gmv_types_validate(t), GMV_ERR_FORMAT);
    gmv_types_free(t);
    /* a field outside its struct */
    t = point_table();
    gmv_go_field out[] = {{"X", 12, 0, false}};
    gmv_go_type wide = scalar("main.Bad", GMV_GO_STRUCT, 16);
    wide.fields = out;
    wide.nfields = 1;
    gmv_types_add(t, &wide);
    assert_int_equal(gmv_types_validate(t), GMV_ERR_FORMAT);
    gmv_types_free(t);
    /* an array whose size is not its length times its element's */
    t = point_table();
    gmv_go_type arr = scalar("[3]int", GMV_GO_ARRAY, 16);
    arr.elem = 0;
    arr.len = 3;
    gmv_types_add(t, &arr);
    assert_int_equal(gmv_types_validate(t), GMV_ERR_FORMAT);
    gmv_types_free(t);
    /* a reference past the table */
    t = point_table();
    gmv_go_type ptr = scalar("*main.Point", GMV_GO_POINTER, 8);
    ptr.elem = 7;
    gmv_types_add(t, &ptr);
    assert_int_equal(gmv_types_validate(t), GMV_ERR_FORMAT);
    gmv_types_free(t);
}

static gmv_node leaf_int(const gmv_go_type *type, int64_t v)
{
    gmv_node n = {.type = type};
    n.value.kind = GMV_KIND_INT;
    n.value.readable = true;
    n.value.as.i = v;
    return n;
}

static void trees_read_as_go(void **state)
{
    (void)state;
    gmv_types *t = point_table();
    const gmv_go_type *point = gmv_types_at(t, 1), *integer = gmv_types_at(t, 0);
    gmv_node fields[] = {leaf_int(integer, 2), leaf_int(integer, -2)};
    gmv_node p = {.type = point, .children = fields, .nchildren = 2};
    gmv_go_type ptr_type = scalar("*main.Point", GMV_GO_POINTER, 8);
    gmv_node ptr = {.type = &ptr_type, .address = 0xc000010000, .children = &p, .nchildren = 1};
    gmv_text text = {0};
    gmv_node_to_go(&text, &p, GMV_GO_DISPLAY, 0);
    assert_string_equal(text.data, "main.Point{X: 2, Y: -2}");
    gmv_text_clear(&text);
    gmv_node_to_go(&text, &ptr, GMV_GO_DISPLAY, 0);
    assert_string_equal(text.data, "&main.Point{X: 2, Y: -2}");
    gmv_text_clear(&text);
    gmv_node_to_go(&text, &ptr, GMV_GO_ADDRESSES, 0);
    assert_string_equal(text.data, "(*main.Point)(0xc000010000)");
    gmv_text_clear(&text);
    gmv_node_to_go(&text, &p, GMV_GO_DISPLAY, 9);
    assert_string_equal(text.data, "main.Poin\xe2\x80\xa6");
    /* a named constant */
    gmv_go_const consts[] = {{"main.Red", 0}};
    gmv_go_type color = scalar("main.Color", GMV_GO_INT, 8);
    color.consts = consts;
    color.nconsts = 1;
    gmv_node red = leaf_int(&color, 0);
    red.name = "main.Red";
    gmv_text_clear(&text);
    gmv_node_to_go(&text, &red, GMV_GO_DISPLAY, 0);
    assert_string_equal(text.data, "main.Red (0)");
    gmv_text_free(&text);
    gmv_types_free(t);
}

static void keys_match_in_go_syntax(void **state)
{
    (void)state;
    gmv_types *t = point_table();
    const gmv_go_type *point = gmv_types_at(t, 1), *integer = gmv_types_at(t, 0);
    gmv_node fields[] = {leaf_int(integer, 2), leaf_int(integer, -2)};
    gmv_node p = {.type = point, .children = fields, .nchildren = 2};
    gmv_value key = {.kind = GMV_KIND_NODE, .readable = true};
    key.as.node = &p;
    gmv_text scratch = {0};
    assert_true(gmv_key_matches(&key, 16, "main.Point{X: 2, Y: -2}", &scratch));
    assert_true(gmv_key_matches(&key, 16, "main.Point{X:2, Y:-2}", &scratch));
    assert_true(gmv_key_matches(&key, 16, "Point{X: 2, Y: -2}", &scratch));
    assert_true(gmv_key_matches(&key, 16, " main.Point{ X: 2 , Y: -2 } /* the one */", &scratch));
    assert_false(gmv_key_matches(&key, 16, "main.Point{X: 2, Y: 2}", &scratch));
    assert_false(gmv_key_matches(&key, 16, "main.Point{X: 2, Y: -22}", &scratch));
    assert_false(gmv_key_matches(&key, 16, "other.Point{X: 2, Y: -2}", &scratch));
    /* strings: the bytes, or a Go literal; spaces inside a literal count */
    gmv_value s = {.kind = GMV_KIND_STRING, .readable = true, .bytes = (const uint8_t *)"a b", .len = 3};
    assert_true(gmv_key_matches(&s, 16, "a b", &scratch));
    assert_true(gmv_key_matches(&s, 16, "\"a b\"", &scratch));
    assert_false(gmv_key_matches(&s, 16, "\"ab\"", &scratch));
    gmv_text_free(&scratch);
    gmv_types_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_table_validates),
        cmocka_unit_test(hostile_tables_are_refused),
        cmocka_unit_test(trees_read_as_go),
        cmocka_unit_test(keys_match_in_go_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
