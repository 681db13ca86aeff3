/* test_lab_cidr.c - the one address parser (netns/lab_cidr.c) and the lab's
 * ranges: what the lab, a case's readdress and the topology accept. No root.
 */
#include "netns/lab_cidr.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>

static const struct {
	const char *text;
	int ret; /* lab_cidr_parse() */
	int family, plen;
	bool in_range;
} cidr_cases[] = {
	{ "198.18.0.1", 0, AF_INET, -1, true },
	{ "198.18.0.1/24", 0, AF_INET, 24, true },
	{ "198.19.255.254/15", 0, AF_INET, 15, true },
	{ "198.18.0.1/14", 0, AF_INET, 14, false }, /* its prefix reaches out of the range */
	{ "198.18.0.1/32", 0, AF_INET, 32, true },
	{ "198.20.0.1", 0, AF_INET, -1, false },
	{ "10.0.0.1/8", 0, AF_INET, 8, false },
	{ "0.0.0.0/0", 0, AF_INET, 0, false },
	{ "2001:2::1/64", 0, AF_INET6, 64, true },
	{ "2001:2::1/47", 0, AF_INET6, 47, false },
	{ "2001:db8::1", 0, AF_INET6, -1, false },
	{ "198.18.0.1/33", -EINVAL, 0, 0, false },
	{ "2001:2::1/129", -EINVAL, 0, 0, false },
	{ "198.18.0.1/ 24", -EINVAL, 0, 0, false }, /* digits only */
	{ "198.18.0.1/+24", -EINVAL, 0, 0, false },
	{ "198.18.0.1/", -EINVAL, 0, 0, false },
	{ "198.18.0.1/24x", -EINVAL, 0, 0, false },
	{ "198.18.0", -EINVAL, 0, 0, false },
	{ "client", -EINVAL, 0, 0, false },
	{ "", -EINVAL, 0, 0, false },
};

START_TEST(parse_and_range)
{
	struct lab_cidr c;
	int ret = lab_cidr_parse(cidr_cases[_i].text, &c);

	ck_assert_msg(ret == cidr_cases[_i].ret, "'%s': %d", cidr_cases[_i].text, ret);
	if (ret)
		return;
	ck_assert_int_eq(c.family, cidr_cases[_i].family);
	ck_assert_int_eq(c.plen, cidr_cases[_i].plen);
	ck_assert_msg(lab_cidr_in_range(&c) == cidr_cases[_i].in_range, "'%s' in range: %d",
		      cidr_cases[_i].text, lab_cidr_in_range(&c));
}
END_TEST

START_TEST(parse_null_and_bytes)
{
	struct lab_cidr c;

	ck_assert_int_eq(lab_cidr_parse(NULL, &c), -EINVAL);
	ck_assert_int_eq(lab_cidr_parse("198.18.0.9/24", &c), 0);
	ck_assert_int_eq(c.addr[0], 198);
	ck_assert_int_eq(c.addr[1], 18);
	ck_assert_int_eq(c.addr[2], 0);
	ck_assert_int_eq(c.addr[3], 9);
	ck_assert_int_eq(c.addr[4], 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lab_cidr");
	TCase *tc = tcase_create("cidr");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, parse_and_range, 0, sizeof(cidr_cases) / sizeof(cidr_cases[0]));
	tcase_add_test(tc, parse_null_and_bytes);
	suite_add_tcase(s, tc);
	return check_run(s);
}
