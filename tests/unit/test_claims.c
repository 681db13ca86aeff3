/* test_claims.c - the claims table (harness/claims.c) on synthetic results:
 * every verdict, and the compiled table against ARTICLE-CLAIMS.md's ids. */
#include "report/claims.h"

#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

static struct case_def *parse(const char *name, const char *text)
{
	struct case_def *c = case_parse_buffer(name, text, strlen(text), stderr);

	ck_assert_ptr_nonnull(c);
	return c;
}

/* Four cases: A24 quick and stock, A07 and A04 without a time, A18. */
static void mk_suite(struct suite *s)
{
	static const char *const texts[][2] = {
		{ "model/fw2.case",
		  "title t\nsource A24\nsysctl client net.ipv4.tcp_fin_timeout=3\n"
		  "client connect server 80\nat 1 client close\nend 6\n"
		  "expect client state CLOSED within model fin-wait2\n" },
		{ "model/fw2-stock.case",
		  "title t\nsource A24\ntier stock\nclient connect server 80\n"
		  "at 1 client close\nend 66\n"
		  "expect client state CLOSED within model fin-wait2\n" },
		{ "host-crash/x.case", "title t\nsource A07 A04\nexpect client no-error\n" },
		{ "teardown/y.case", "title t\nsource A18\nexpect client no-error\n" },
	};

	s->n_cases = 4;
	s->cases = calloc(4, sizeof(*s->cases));
	for (int i = 0; i < 4; i++) {
		s->cases[i].def = parse(texts[i][0], texts[i][1]);
		snprintf(s->cases[i].id, sizeof(s->cases[i].id), "%.*s",
			 (int)strlen(texts[i][0]) - 5, texts[i][0]);
	}
}

static const json_t *row_of(const json_t *rows, const char *id)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "id")), id))
			return r;
	ck_abort_msg("no row %s", id);
	return NULL;
}

static const char *field(const json_t *rows, const char *id, const char *key)
{
	return json_string_value(json_object_get(row_of(rows, id), key));
}

START_TEST(test_table)
{
	struct suite s;
	struct model_kernel k;
	struct model_params stock;
	json_t *results = json_loads(
		"[{\"id\":\"model/fw2\",\"control\":false,\"verdict\":\"pass\",\"sources\":[\"A24\"],"
		"  \"expectations\":[{\"offset_ms\":3210,\"model\":{\"scenario\":\"fin-wait2\","
		"  \"origin\":\"entering FIN_WAIT2\",\"value_ms\":3000}}]},"
		" {\"id\":\"model/fw2\",\"control\":true,\"verdict\":\"fail\",\"sources\":[\"A24\"]},"
		" {\"id\":\"host-crash/x\",\"control\":false,\"verdict\":\"pass\","
		"  \"sources\":[\"A07\",\"A04\"],\"expectations\":[{\"verdict\":\"pass\"}]},"
		" {\"id\":\"teardown/y\",\"control\":false,\"verdict\":\"fail\",\"reason\":\"line 3\","
		"  \"sources\":[\"A18\"]}]",
		0, NULL);
	json_t *rows;
	int failed;

	ck_assert_ptr_nonnull(results);
	mk_suite(&s);
	model_kernel_from_release("6.18.0", &k);
	model_params_init(&stock, &k);
	rows = claims_build(&s, results, &stock, &failed);
	ck_assert_int_eq((int)json_array_size(rows), 27);
	/* A24: the article's 60 s is in the model's band; measured by the quick case */
	ck_assert_str_eq(field(rows, "A24", "verdict"), "confirmed");
	ck_assert_int_eq(json_integer_value(json_object_get(row_of(rows, "A24"), "measured_ms")),
			 3210);
	ck_assert_ptr_nonnull(
		strstr(field(rows, "A24", "measured"), "quick: client tcp_fin_timeout=3"));
	ck_assert_ptr_nonnull(
		strstr(field(rows, "A24", "measured"), "--tier stock: model/fw2-stock"));
	/* A07: a number, its case ran and passed without a time: the run failed it */
	ck_assert_str_eq(field(rows, "A07", "verdict"), "failed");
	/* A04: no number, its case passed */
	ck_assert_str_eq(field(rows, "A04", "verdict"), "confirmed");
	/* A18: its case failed */
	ck_assert_str_eq(field(rows, "A18", "verdict"), "failed");
	ck_assert_ptr_nonnull(strstr(field(rows, "A18", "reason"), "teardown/y fail: line 3"));
	ck_assert_int_eq(failed, 2);
	/* A03: nobody cites it */
	ck_assert_str_eq(field(rows, "A03", "verdict"), "no-case");
	ck_assert_int_eq(json_integer_value(json_object_get(row_of(rows, "A03"), "model_ms")),
			 7875000);
	json_decref(rows);
	/* Nothing ran: A24 is judged by the model and points at the stock case. */
	json_decref(results);
	results = json_array();
	rows = claims_build(&s, results, &stock, &failed);
	ck_assert_int_eq(failed, 0);
	ck_assert_str_eq(field(rows, "A24", "verdict"), "confirmed");
	ck_assert_str_eq(field(rows, "A24", "measured"),
			 "not in this run: --tier stock: model/fw2-stock");
	ck_assert_str_eq(field(rows, "A18", "verdict"), "differs"); /* 63 s vs 131 s */
	ck_assert_str_eq(field(rows, "A04", "verdict"), "not-run");
	json_decref(rows);
	json_decref(results);
	for (int i = 0; i < s.n_cases; i++)
		case_free(s.cases[i].def);
	free(s.cases);
}
END_TEST

/* The compiled table: A01..A27 in order, each with a statement. */
START_TEST(test_compiled)
{
	char id[16];

	ck_assert_int_eq(claims_count(), 27);
	for (int i = 0; i < claims_count(); i++) {
		snprintf(id, sizeof(id), "A%02d", i + 1);
		ck_assert_str_eq(claims_get(i)->id, id);
		ck_assert(strlen(claims_get(i)->statement) > 30);
		ck_assert((claims_get(i)->article_ms >= 0) ==
			  (claims_get(i)->article_number != NULL));
	}
	ck_assert_ptr_null(claims_get(27));
}
END_TEST

START_TEST(test_missing)
{
	struct suite s;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	mk_suite(&s);
	ck_assert_int_eq(claims_report_missing(&s, f), 27 - 4); /* A04 A07 A18 A24 */
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "  A03 (article 001): Linux defaults 7200 s / 75 s / 9 "
					  "probes"));
	ck_assert_ptr_nonnull(strstr(buf, "Article's number: 2 h 11 min 15 s (7875 s)"));
	ck_assert_ptr_null(strstr(buf, "A24 ("));
	free(buf);
	for (int i = 0; i < s.n_cases; i++)
		case_free(s.cases[i].def);
	free(s.cases);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("claims");

	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_compiled);
	tcase_add_test(tc, test_missing);
	suite_add_tcase(s, tc);
	return check_run(s);
}
