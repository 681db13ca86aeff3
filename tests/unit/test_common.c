/* test_common.c - the shared helpers of harness/common/: the seconds
 * formatter's one rounding rule (secs.h), the floor of a time to a coarser
 * unit that turns case-clock microseconds into the millisecond they fall in
 * (clock.h), and the growable array (vec.h). Table-driven; no root.
 */
#include "common/secs.h"
#include "common/clock.h"
#include "common/vec.h"
#include "common/dirs.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	int64_t ms;
	int decimals;
	const char *text;
} secs_cases[] = {
	/* 3 decimals: exact, the text of every time in KTAP, report.txt, JSON. */
	{ 0, 3, "0.000" },
	{ 1, 3, "0.001" },
	{ 1250, 3, "1.250" },
	{ 7199996, 3, "7199.996" },
	{ -1, 3, "-0.001" },
	{ -12, 3, "-0.012" },
	{ -1250, 3, "-1.250" },
	{ -1000, 3, "-1.000" },
	/* Fewer decimals: half away from zero, the same on both sides. */
	{ 1250, 1, "1.3" },
	{ 1249, 1, "1.2" },
	{ 1350, 1, "1.4" },
	{ -1250, 1, "-1.3" },
	{ -1249, 1, "-1.2" },
	{ 1005, 2, "1.01" },
	{ 1004, 2, "1.00" },
	{ -1005, 2, "-1.01" },
	{ 999, 2, "1.00" },
	{ 9950, 1, "10.0" },
	{ 500, 0, "1" },
	{ 499, 0, "0" },
	{ -500, 0, "-1" },
	{ 60000, 0, "60" },
	/* Rounded to zero: no sign. */
	{ -49, 1, "0.0" },
	{ -50, 1, "-0.1" },
	{ -4, 2, "0.00" },
	{ -499, 0, "0" },
	/* SECS_SHORT: as few decimals as exact, at least one. */
	{ 1500, SECS_SHORT, "1.5" },
	{ 1000, SECS_SHORT, "1.0" },
	{ 250, SECS_SHORT, "0.25" },
	{ 12648, SECS_SHORT, "12.648" },
	{ 924600, SECS_SHORT, "924.6" },
	{ 0, SECS_SHORT, "0.0" },
	{ -1500, SECS_SHORT, "-1.5" },
	{ -1, SECS_SHORT, "-0.001" },
	/* The extremes of an int64_t of milliseconds. */
	{ INT64_MAX, 3, "9223372036854775.807" },
	{ INT64_MIN, 3, "-9223372036854775.808" },
	{ INT64_MAX, 0, "9223372036854776" },
};

START_TEST(secs_one_rule)
{
	char buf[SECS_LEN];
	const char *got = secs_fmt(buf, sizeof(buf), secs_cases[_i].ms, secs_cases[_i].decimals);

	ck_assert_ptr_eq(got, buf);
	ck_assert_msg(!strcmp(buf, secs_cases[_i].text),
		      "%lld ms, %d decimals: \"%s\", want \"%s\"", (long long)secs_cases[_i].ms,
		      secs_cases[_i].decimals, buf, secs_cases[_i].text);
}
END_TEST

/* Microseconds on the case clock: the millisecond the instant falls in. */
static const struct {
	int64_t us;
	const char *text;
} us_cases
	[] = {
		{ 0, "0.000" },		{ 999, "0.000" },
		{ 1000, "0.001" },	{ 1000499, "1.000" },
		{ 1000500, "1.000" }, /* 1.0005 s is in millisecond 1000 */
		{ 1000999, "1.000" },	{ 1001000, "1.001" },
		{ -1, "-0.001" }, /* just before t=0 is in millisecond -1, not 0 */
		{ -500, "-0.001" }, /* -0.0005 s */
		{ -1000, "-0.001" },	{ -1001, "-0.002" },
		{ -1000500, "-1.001" },
	};

START_TEST(secs_of_microseconds_floor)
{
	char buf[SECS_LEN];

	secs_fmt(buf, sizeof(buf), mono_floor(us_cases[_i].us, 1000), 3);
	ck_assert_msg(!strcmp(buf, us_cases[_i].text), "%lld us: \"%s\", want \"%s\"",
		      (long long)us_cases[_i].us, buf, us_cases[_i].text);
}
END_TEST

START_TEST(secs_truncates_like_snprintf)
{
	char buf[5];

	memset(buf, 'x', sizeof(buf));
	secs_fmt(buf, sizeof(buf), 12345, 3);
	ck_assert_str_eq(buf, "12.3");
	secs_fmt(buf, 1, 12345, 3);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(mono_floor_units)
{
	ck_assert_int_eq(mono_floor(1999999, 1000000), 1);
	ck_assert_int_eq(mono_floor(-1, 1000000), -1);
	ck_assert_int_eq(mono_floor(-1000000, 1000000), -1);
	ck_assert_int_eq(mono_floor(-1000001, 1000000), -2);
	ck_assert_int_eq(mono_floor(7, 1), 7);
}
END_TEST

START_TEST(mono_clock_moves_forward)
{
	int64_t a = mono_ns(), ms = mono_ms(), b = mono_ns();

	ck_assert(a > 0 && b >= a);
	ck_assert(ms >= a / 1000000 && ms <= b / 1000000);
}
END_TEST

struct row {
	int id;
	char pad[13]; /* an odd size: the grower must not assume alignment of 8 */
};

/* rm -rf: a tree with a file, a subdirectory and a link to outside, which
 * is removed, not followed. */
START_TEST(dirs_remove_tree)
{
	char dir[] = "/tmp/tcpfault-test-dirs.XXXXXX", outside[] = "/tmp/tcpfault-test-out.XXXXXX";
	char path[256];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(mkdtemp(outside));
	snprintf(path, sizeof(path), "%s/a/b", dir);
	ck_assert_int_eq(dirs_make(path), 0);
	snprintf(path, sizeof(path), "%s/a/b/f", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/a/link", dir);
	ck_assert_int_eq(symlink(outside, path), 0);
	ck_assert_int_eq(dirs_remove(dir), 0);
	ck_assert_int_ne(access(dir, F_OK), 0);
	ck_assert_int_eq(access(outside, F_OK), 0);
	ck_assert_int_eq(dirs_remove(dir), 0); /* gone already: done */
	rmdir(outside);
}
END_TEST

START_TEST(vec_grow_doubles)
{
	struct row *v = NULL;
	int cap = 0;

	ck_assert_int_eq(vec_grow(&v, &cap, 0, sizeof(*v)), 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(vec_grow(&v, &cap, 1, sizeof(*v)), 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(cap, VEC_MIN_CAP);
	ck_assert_int_eq(vec_grow(&v, &cap, VEC_MIN_CAP, sizeof(*v)), 0);
	ck_assert_int_eq(cap, VEC_MIN_CAP); /* room enough: unchanged */
	ck_assert_int_eq(vec_grow(&v, &cap, VEC_MIN_CAP + 1, sizeof(*v)), 0);
	ck_assert_int_eq(cap, 2 * VEC_MIN_CAP);
	ck_assert_int_eq(vec_grow(&v, &cap, 100, sizeof(*v)), 0);
	ck_assert_int_eq(cap, 128); /* doubled until it holds 100 */
	free(v);
}
END_TEST

START_TEST(vec_grow_refuses_overflow)
{
	char *v = NULL;
	int cap = 0;

	/* INT_MAX elements of SIZE_MAX / 4 bytes cannot be addressed. */
	ck_assert_int_eq(vec_grow(&v, &cap, INT_MAX, SIZE_MAX / 4), -EOVERFLOW);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(cap, 0);
}
END_TEST

START_TEST(vec_push_keeps_and_zeroes)
{
	struct row *v = NULL, *r;
	int n = 0, cap = 0;

	for (int i = 0; i < 1000; i++) {
		r = vec_push(&v, &n, &cap, sizeof(*v));
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->id, 0);
		ck_assert_int_eq(r->pad[12], 0);
		ck_assert_ptr_eq(r, &v[i]);
		r->id = i + 1;
		memset(r->pad, 'p', sizeof(r->pad));
	}
	ck_assert_int_eq(n, 1000);
	ck_assert_int_eq(cap, 1024);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(v[i].id, i + 1);
	free(v);
}
END_TEST

START_TEST(vec_push_full_count)
{
	char *v = NULL;
	int n = INT_MAX, cap = INT_MAX;

	ck_assert_ptr_null(vec_push(&v, &n, &cap, 1));
	ck_assert_int_eq(n, INT_MAX);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("helpers");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, secs_one_rule, 0, sizeof(secs_cases) / sizeof(secs_cases[0]));
	tcase_add_loop_test(tc, secs_of_microseconds_floor, 0,
			    sizeof(us_cases) / sizeof(us_cases[0]));
	tcase_add_test(tc, secs_truncates_like_snprintf);
	tcase_add_test(tc, mono_floor_units);
	tcase_add_test(tc, mono_clock_moves_forward);
	tcase_add_test(tc, dirs_remove_tree);
	tcase_add_test(tc, vec_grow_doubles);
	tcase_add_test(tc, vec_grow_refuses_overflow);
	tcase_add_test(tc, vec_push_keeps_and_zeroes);
	tcase_add_test(tc, vec_push_full_count);
	suite_add_tcase(s, tc);
	return check_run(s);
}
