/* Geo commands through their typed calls, on RESP2 and RESP3: GEOADD with
 * options, GEODIST as a nil-able double in each unit, GEOPOS positions (the
 * rsdk_geo view, nil for a missing member), GEOHASH, GEOSEARCH from a
 * member or a point by radius or box with and without distance, hash and
 * position, GEORADIUS_RO, and GEOSEARCHSTORE. */
#include <math.h>

#include "typed_common.h"

static void add_and_measure(rsdk_client *c, int proto) {
    (void)proto;
    rcore_geoadd_data places[] = {{13.361389, 38.115556, RSDK_S("Palermo")}, {15.087269, 37.502669, RSDK_S("Catania")}};
    int64_t n = 0;
    OK(rcore_geoadd(c, "g:sic", places, 2, NULL, &n));
    assert_int_equal(n, 2);
    /* NX + CH: nothing new, nothing changed */
    OK(rcore_geoadd(c, "g:sic", places, 1, &(rcore_geoadd_opts){.condition = RCORE_GEOADD_CONDITION_NX, .change = true},
                    &n));
    assert_int_equal(n, 0);
    rsdk_double_or_nil d;
    OK(rcore_geodist(c, "g:sic", "Palermo", "Catania", NULL, &d));
    assert_false(d.nil);
    assert_true(fabs(d.value - 166274.1516) < 0.01); /* meters by default */
    OK(rcore_geodist(c, "g:sic", "Palermo", "Catania", &(rcore_geodist_opts){.unit = RCORE_GEODIST_UNIT_KM}, &d));
    assert_true(fabs(d.value - 166.2742) < 0.001);
    OK(rcore_geodist(c, "g:sic", "Palermo", "Nowhere", NULL, &d));
    assert_true(d.nil);
    rsdk_geo pos;
    OK(rcore_geopos(c, "g:sic", &(rcore_geopos_opts){.member = (rsdk_str[]){RSDK_S("Palermo"), RSDK_S("Nowhere")},
                                                     .member_count = 2},
                    &pos));
    assert_int_equal(pos.count, 2);
    rsdk_geo_place g = rsdk_geo_at(&pos, 0);
    assert_true(g.has_coords && !g.has_dist && !g.has_hash);
    assert_null(g.member.ptr); /* GEOPOS: positions only */
    assert_true(fabs(g.longitude - 13.361389) < 1e-5);
    assert_true(fabs(g.latitude - 38.115556) < 1e-5);
    assert_false(rsdk_geo_at(&pos, 1).has_coords); /* no such member */
    rsdk_geo_deinit(&pos);
    rsdk_strings h;
    OK(rcore_geohash(c, "g:sic", &(rcore_geohash_opts){.member = (rsdk_str[]){RSDK_S("Palermo")}, .member_count = 1}, &h));
    tc_assert_list(&h, 1, "sqc8b49rny0");
    rsdk_strings_deinit(&h);
}

static void search(rsdk_client *c, int proto) {
    (void)proto;
    rcore_geoadd_data places[] = {{13.361389, 38.115556, RSDK_S("Palermo")},
                                  {15.087269, 37.502669, RSDK_S("Catania")},
                                  {12.758489, 38.788135, RSDK_S("edge1")}};
    OK(rcore_geoadd(c, "g:s", places, 3, NULL, NULL));
    rsdk_geo r;
    OK(rcore_geosearch(c, "g:s", (rcore_geosearch_from){.kind = RCORE_GEOSEARCH_FROM_FROMLONLAT, .fromlonlat = {15, 37}},
                       (rcore_geosearch_by){.kind = RCORE_GEOSEARCH_BY_CIRCLE,
                                            .circle = {200, RCORE_GEOSEARCH_CIRCLE_UNIT_KM}},
                       &(rcore_geosearch_opts){.order = RCORE_GEOSEARCH_ORDER_ASC, .withdist = true}, &r));
    assert_int_equal(r.count, 2);
    rsdk_geo_place g = rsdk_geo_at(&r, 0);
    assert_string_equal(g.member.ptr, "Catania");
    assert_true(g.has_dist && !g.has_hash && !g.has_coords);
    assert_true(fabs(g.dist - 56.4413) < 0.001);
    assert_string_equal(rsdk_geo_at(&r, 1).member.ptr, "Palermo");
    rsdk_geo_deinit(&r);
    /* all three: distance, hash, position, in the server's fixed order */
    OK(rcore_geosearch(c, "g:s", (rcore_geosearch_from){.kind = RCORE_GEOSEARCH_FROM_FROMLONLAT, .fromlonlat = {15, 37}},
                       (rcore_geosearch_by){.kind = RCORE_GEOSEARCH_BY_CIRCLE,
                                            .circle = {200, RCORE_GEOSEARCH_CIRCLE_UNIT_KM}},
                       &(rcore_geosearch_opts){.order = RCORE_GEOSEARCH_ORDER_ASC, .withcoord = true, .withdist = true,
                                               .withhash = true},
                       &r));
    assert_int_equal(r.count, 2);
    g = rsdk_geo_at(&r, 1);
    assert_string_equal(g.member.ptr, "Palermo");
    assert_true(g.has_dist && g.has_hash && g.has_coords);
    assert_true(fabs(g.dist - 190.4424) < 0.001);
    assert_int_equal(g.hash, 3479099956230698);
    assert_true(fabs(g.longitude - 13.361389) < 1e-5 && fabs(g.latitude - 38.115556) < 1e-5);
    rsdk_geo_deinit(&r);
    /* the position alone */
    OK(rcore_georadius_ro(c, "g:s", 15, 37, 200, RCORE_GEORADIUS_RO_UNIT_KM,
                          &(rcore_georadius_ro_opts){.withcoord = true, .order = RCORE_GEORADIUS_RO_ORDER_ASC}, &r));
    assert_int_equal(r.count, 2);
    g = rsdk_geo_at(&r, 0);
    assert_string_equal(g.member.ptr, "Catania");
    assert_true(g.has_coords && !g.has_dist && !g.has_hash);
    assert_true(fabs(g.longitude - 15.087269) < 1e-5);
    rsdk_geo_deinit(&r);
    OK(rcore_geosearch(c, "g:s", (rcore_geosearch_from){.kind = RCORE_GEOSEARCH_FROM_MEMBER, .member = RSDK_S("Palermo")},
                       (rcore_geosearch_by){.kind = RCORE_GEOSEARCH_BY_BOX,
                                            .box = {400, 400, RCORE_GEOSEARCH_BOX_UNIT_KM}},
                       &(rcore_geosearch_opts){.order = RCORE_GEOSEARCH_ORDER_DESC,
                                               .count_block = &(rcore_geosearch_count_block){.count = 2}},
                       &r));
    assert_int_equal(r.count, 2);
    g = rsdk_geo_at(&r, 0);
    assert_string_equal(g.member.ptr, "Catania"); /* farthest first; members only */
    assert_false(g.has_dist || g.has_hash || g.has_coords);
    rsdk_geo_deinit(&r);
    int64_t n = 0;
    OK(rcore_geosearchstore(c, "g:dst", "g:s",
                            (rcore_geosearchstore_from){.kind = RCORE_GEOSEARCHSTORE_FROM_MEMBER, .member = RSDK_S("Palermo")},
                            (rcore_geosearchstore_by){.kind = RCORE_GEOSEARCHSTORE_BY_CIRCLE,
                                                      .circle = {100, RCORE_GEOSEARCHSTORE_CIRCLE_UNIT_KM}},
                            &(rcore_geosearchstore_opts){.storedist = true}, &n));
    assert_int_equal(n, 2); /* Palermo and edge1 */
    rsdk_double_or_nil sc;
    OK(rcore_zscore(c, "g:dst", "Palermo", &sc));
    assert_true(sc.value < 0.001); /* STOREDIST: the distance is the score */
}

static void add_dist_pos_hash(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, add_and_measure);
}
static void search_by_radius_and_box(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, search);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_dist_pos_hash),
        cmocka_unit_test(search_by_radius_and_box),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
