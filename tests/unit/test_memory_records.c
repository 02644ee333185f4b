/* The snapshot's memory records: their encoding, and a snapshot source
 * reading records that overlap, in and out of recording order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "gomapviz/source.h"
#include "snapshot/snapshot_impl.h"

static void headers_round_trip_forward_and_back(void **state)
{
    (void)state;
    const struct {
        uint64_t prev_end, address, len;
    } cases[] = {
        {0, 0xc000012000, 16},              /* first record: far from 0 */
        {0xc000012010, 0xc000012020, 10},   /* a little ahead */
        {0xc000012020, 0xc000000000, 4096}, /* behind */
        {UINT64_MAX - 8, 0, 1},             /* from the top of the address space to 0 */
        {0, UINT64_MAX - 1, 1},             /* the highest record that does not wrap */
        {5, 5, UINT64_C(1) << 40},          /* long */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t body[GMV_RECORD_HEADER_MAX + 8] = {0};
        size_t n = gmv_record_put_header(body, cases[i].prev_end, cases[i].address, cases[i].len);
        assert_in_range(n, 2, GMV_RECORD_HEADER_MAX);
        /* a length past the body is refused; with the bytes there it reads back */
        size_t pos = 0;
        uint64_t prev = cases[i].prev_end;
        gmv_record r;
        const char *why = NULL;
        if (cases[i].len > 8) {
            assert_int_equal(gmv_record_next(body, n + 8, &pos, &prev, &r, &why), -1);
            assert_string_equal(why, "a record longer than the section holds");
            continue;
        }
        assert_int_equal(gmv_record_next(body, n + (size_t)cases[i].len, &pos, &prev, &r, &why), 1);
        assert_int_equal(r.address, cases[i].address);
        assert_int_equal(r.len, cases[i].len);
        assert_ptr_equal(r.bytes, body + n);
        assert_int_equal(pos, n + cases[i].len);
        assert_int_equal(prev, cases[i].address + cases[i].len);
        assert_int_equal(gmv_record_next(body, pos, &pos, &prev, &r, &why), 0); /* the end */
    }
}

static void malformed_records_are_named(void **state)
{
    (void)state;
    const struct {
        uint8_t bytes[16];
        size_t len;
        const char *why;
    } cases[] = {
        {{0x80}, 1, "a record header is cut short or malformed"},        /* varint cut short */
        {{0x02}, 1, "a record header is cut short or malformed"},        /* no length */
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0},
         12, "a record header is cut short or malformed"},                  /* over 64 bits */
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0},
         13, "a record header is cut short or malformed"},                  /* an 11-byte varint */
        {{0x00, 0x00}, 2, "a record of 0 bytes"},
        {{0x00, 0x05, 1, 2}, 4, "a record longer than the section holds"},
        /* zigzag 1 (-1): address 2^64 - 1 from 0, one byte: it ends past the top */
        {{0x01, 0x01, 0x00}, 3, "a record that wraps around the address space"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t pos = 0;
        uint64_t prev = 0;
        gmv_record r;
        const char *why = NULL;
        assert_int_equal(gmv_record_next(cases[i].bytes, cases[i].len, &pos, &prev, &r, &why), -1);
        assert_string_equal(why, cases[i].why);
    }
}

#define FILLERS 40

/* Appends a record of `len` bytes at `address`, each byte its address's low
 * byte plus `salt`, to `buf`; returns the new length. */
static size_t put_record(uint8_t *buf, size_t used, uint64_t *prev_end, uint64_t address, uint64_t len,
                         uint8_t salt)
{
    used += gmv_record_put_header(buf + used, *prev_end, address, len);
    for (uint64_t i = 0; i < len; i++)
        buf[used++] = (uint8_t)(address + i + salt);
    *prev_end = address + len;
    return used;
}

/* Records in capture order that overlap: one inside another, one across
 * another's end, the same read twice; in two chunks. Every byte of memory
 * is its address's low byte, so any record holding an address gives the
 * right byte. Reads in order, against it, and at random must all find them. */
static void overlapping_records_read_right_in_any_order(void **state)
{
    (void)state;
    uint8_t *a = malloc(8192), *b = malloc(8192);
    assert_non_null(a);
    assert_non_null(b);
    uint64_t prev = 0;
    size_t na = 0, nb = 0;
    /* FILLERS records before and after, so that a look-up far from the last
     * one goes past the scans near it to the index by address */
    for (uint64_t i = 0; i < FILLERS; i++)
        na = put_record(a, na, &prev, 0x200000 + 64 * i, 8, 0);
    na = put_record(a, na, &prev, 0x10000, 256, 0);  /* [0x10000, 0x10100) */
    na = put_record(a, na, &prev, 0x10040, 16, 0);   /* inside it */
    na = put_record(a, na, &prev, 0x90000, 32, 0);   /* far away */
    nb = put_record(b, nb, &prev, 0x100f0, 64, 0);   /* across the first one's end: [0x100f0, 0x10130) */
    nb = put_record(b, nb, &prev, 0x10000, 256, 0);  /* the first one again */
    nb = put_record(b, nb, &prev, 0x5000, 8, 0);     /* behind everything */
    for (uint64_t i = 0; i < FILLERS; i++)
        nb = put_record(b, nb, &prev, 0x300000 + 64 * i, 8, 0);
    gmv_snapshot *snap = gmv_snapshot_new();
    assert_non_null(snap);
    assert_int_equal(gmv_snapshot_adopt_block(snap, a), 0);
    assert_int_equal(gmv_snapshot_adopt_block(snap, b), 0);
    assert_int_equal(gmv_snapshot_add_chunk(snap, a, na), 0);
    assert_int_equal(gmv_snapshot_add_chunk(snap, b, nb), 0);
    snap->nranges = 6 + 2 * FILLERS;
    snap->nbytes = 256 + 16 + 32 + 64 + 256 + 8 + 2 * 8 * FILLERS;

    gmv_source *src = NULL;
    assert_int_equal(gmv_snapshot_open_source(&src, snap), 0);
    const uint64_t probes[] = {0x10000, 0x10045, 0x90010, 0x10120, 0x100ff, 0x5004, 0x10000, 0x10100, 0x1012f,
                               0x5007, 0x90000, 0x10050, 0x9001f, 0x200000, 0x300000 + 64 * (FILLERS - 1) + 7,
                               0x200000 + 64 * 20 + 3, 0x10040, 0x1004f, 0x100f0};
    uint64_t state_rng = 12345;
    for (int round = 0; round < 3; round++) {
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
            size_t i = k;
            if (round == 1)
                i = sizeof probes / sizeof probes[0] - 1 - k; /* against the order */
            if (round == 2) {
                state_rng = state_rng * 6364136223846793005u + 1442695040888963407u;
                i = (size_t)(state_rng >> 33) % (sizeof probes / sizeof probes[0]);
            }
            uint8_t byte = 0;
            assert_int_equal(gmv_source_read(src, probes[i], &byte, 1), 1);
            assert_int_equal(byte, (uint8_t)probes[i]);
        }
    }
    /* a read across the first record's end goes on into the one across it */
    uint8_t run[0x30];
    assert_int_equal(gmv_source_read(src, 0x100e0, run, sizeof run), (int64_t)sizeof run);
    for (size_t i = 0; i < sizeof run; i++)
        assert_int_equal(run[i], (uint8_t)(0x100e0 + i));
    /* nothing holds these */
    uint8_t byte;
    assert_int_equal(gmv_source_read(src, 0x10130, &byte, 1), 0);
    assert_int_equal(gmv_source_read(src, 0x4fff, &byte, 1), 0);
    assert_int_equal(gmv_source_read(src, 0x90020, &byte, 1), 0);
    assert_int_equal(gmv_source_read(src, 0x200008, &byte, 1), 0); /* between two fillers */
    gmv_source_free(src);
    gmv_snapshot_free(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headers_round_trip_forward_and_back),
        cmocka_unit_test(malformed_records_are_named),
        cmocka_unit_test(overlapping_records_read_right_in_any_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
