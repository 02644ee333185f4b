/* JSON writer tests: escaping of hostile text, numbers, UTF-8 checks; every
 * output is parsed back with jansson. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/json_writer.h"

/* Writes one document with `fill`, parses it and returns the root. */
static json_t *round_trip(void (*fill)(jw *), char **text)
{
    size_t len = 0;
    FILE *out = open_memstream(text, &len);
    jw w;
    jw_init(&w, out, 1);
    fill(&w);
    assert_int_equal(jw_finish(&w), 0);
    fclose(out);
    json_error_t err;
    json_t *root = json_loads(*text, JSON_ALLOW_NUL, &err);
    if (!root)
        fail_msg("not JSON: %s in %s", err.text, *text);
    return root;
}

static const char HOSTILE[] = "<script>\"]]>\\\n\t\x01\x7f</script>";

static void fill_strings(jw *w)
{
    jw_object_begin(w);
    jw_key(w, "hostile");
    jw_string(w, HOSTILE, sizeof HOSTILE - 1);
    jw_key(w, "nul");
    jw_string(w, "a\0b", 3);
    jw_key(w, "utf8");
    jw_cstring(w, "h\xc3\xa9llo \xe2\x82\xac");
    jw_key(w, "bytes");
    jw_hex(w, (const uint8_t *)"\x00\xff\x10", 3);
    jw_object_end(w);
}

static void hostile_strings_survive_as_text(void **state)
{
    (void)state;
    char *text = NULL;
    json_t *root = round_trip(fill_strings, &text);
    assert_string_equal(json_string_value(json_object_get(root, "hostile")), HOSTILE);
    assert_int_equal(json_string_length(json_object_get(root, "nul")), 3);
    assert_string_equal(json_string_value(json_object_get(root, "bytes")), "00ff10");
    assert_null(strchr(text, '\x01'));
    json_decref(root);
    free(text);
}

static void fill_numbers(jw *w)
{
    jw_array_begin(w);
    jw_uint(w, UINT64_MAX / 2); /* jansson stops at INT64_MAX; the full range is checked as text below */
    jw_int(w, INT64_MIN);
    jw_double(w, NAN, false);
    jw_double(w, INFINITY, false);
    jw_double(w, -INFINITY, false);
    jw_double(w, -0.0, false);
    jw_double(w, 0.1, false);
    jw_double(w, 5e-324, false);
    jw_double(w, 1e300, false);
    jw_double(w, (float)0.1f, true);
    jw_address(w, 0xc000012000);
    jw_bool(w, true);
    jw_null(w);
    jw_array_end(w);
}

static void numbers_are_exact(void **state)
{
    (void)state;
    char *text = NULL;
    json_t *root = round_trip(fill_numbers, &text);
    assert_non_null(strstr(text, "9223372036854775807"));
    assert_non_null(strstr(text, "-9223372036854775808"));
    assert_string_equal(json_string_value(json_array_get(root, 2)), "NaN");
    assert_string_equal(json_string_value(json_array_get(root, 3)), "+Inf");
    assert_string_equal(json_string_value(json_array_get(root, 4)), "-Inf");
    assert_true(signbit(json_real_value(json_array_get(root, 5))));
    assert_true(json_real_value(json_array_get(root, 6)) == 0.1);
    assert_true(json_real_value(json_array_get(root, 7)) == 5e-324);
    assert_non_null(strstr(text, "1e+300"));
    assert_string_equal(json_string_value(json_array_get(root, 10)), "0xc000012000");
    json_decref(root);
    free(text);
}

static void full_uint64_range_is_written(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    jw w;
    jw_init(&w, out, 0);
    jw_uint(&w, UINT64_MAX);
    jw_finish(&w);
    fclose(out);
    assert_string_equal(text, "18446744073709551615\n");
    free(text);
}

static void utf8_check_rejects_malformed_text(void **state)
{
    (void)state;
    assert_true(jw_is_utf8((const uint8_t *)"plain", 5));
    assert_true(jw_is_utf8((const uint8_t *)"\xf0\x9f\x98\x80", 4));
    assert_false(jw_is_utf8((const uint8_t *)"\xff", 1));
    assert_false(jw_is_utf8((const uint8_t *)"\xc0\xaf", 2));         /* overlong */
    assert_false(jw_is_utf8((const uint8_t *)"\xed\xa0\x80", 3));     /* surrogate */
    assert_false(jw_is_utf8((const uint8_t *)"\xe2\x82", 2));         /* cut short */
    assert_false(jw_is_utf8((const uint8_t *)"\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
}

/* Tens of MB, more than the writer thread's chunks, pieces of every size:
 * all of it arrives, in order. */
static void large_output_arrives_whole_and_in_order(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    jw w;
    jw_init(&w, out, 1);
    jw_array_begin(&w);
    static char blob[200000];
    memset(blob, 'x', sizeof blob);
    uint64_t n = 3000000;
    for (uint64_t i = 0; i < n; i++) {
        jw_uint(&w, i);
        if (i % 500000 == 0)
            jw_string(&w, blob, sizeof blob); /* larger than the writer's buffer */
    }
    jw_array_end(&w);
    assert_int_equal(jw_finish(&w), 0);
    fclose(out);
    json_error_t err;
    json_t *doc = json_loadb(text, len, 0, &err);
    assert_non_null(doc);
    assert_int_equal(json_array_size(doc), n + 6);
    size_t at = 0;
    for (uint64_t i = 0; i < n; i++, at++) {
        assert_int_equal(json_integer_value(json_array_get(doc, at)), (json_int_t)i);
        if (i % 500000 == 0)
            assert_int_equal(json_string_length(json_array_get(doc, ++at)), sizeof blob);
    }
    json_decref(doc);
    free(text);
}

/* A full disk is a failure with the reason in errno, not "Success". */
static void write_failure_is_reported_with_its_cause(void **state)
{
    (void)state;
    FILE *out = fopen("/dev/full", "w");
    if (!out)
        fail_msg("cannot open /dev/full");
    jw w;
    jw_init(&w, out, 1);
    jw_array_begin(&w);
    for (int i = 0; i < 2000000; i++)
        jw_uint(&w, (uint64_t)i);
    jw_array_end(&w);
    errno = 0;
    assert_int_equal(jw_finish(&w), -1);
    assert_int_equal(errno, ENOSPC);
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_strings_survive_as_text),
        cmocka_unit_test(numbers_are_exact),
        cmocka_unit_test(full_uint64_range_is_written),
        cmocka_unit_test(utf8_check_rejects_malformed_text),
        cmocka_unit_test(large_output_arrives_whole_and_in_order),
        cmocka_unit_test(write_failure_is_reported_with_its_cause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
