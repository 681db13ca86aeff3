/* test_peer_report.c - the byte pattern the peers send and check
 * (peer_fill_pattern(), peer_rx_check() in harness/peer_report.c): byte k of
 * a connection's stream is k % 251, and the receiver finds the first byte
 * that is not where it belongs.
 */
#include "peer/peer_int.h"

#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

/* @n bytes of the stream from offset @from into st->rx_buf, as the sender wrote them. */
static void rx_from_tx(struct peer_state *st, long long from, size_t n)
{
	peer_fill_pattern(st);
	memcpy(st->rx_buf, st->tx_buf + from % PEER_PATTERN_MOD, n);
	st->rx_total = from;
}

START_TEST(pattern_in_order_passes)
{
	static struct peer_state st;

	rx_from_tx(&st, 0, 1000);
	ck_assert_int_eq(peer_rx_check(&st, 1000), -1);
	rx_from_tx(&st, 123456, PEER_TX_CHUNK); /* any offset, a whole chunk */
	ck_assert_int_eq(peer_rx_check(&st, PEER_TX_CHUNK), -1);
}
END_TEST

START_TEST(pattern_breaks_are_found)
{
	static struct peer_state st;

	rx_from_tx(&st, 1000, 500);
	st.rx_buf[17] ^= 1; /* a corrupted byte */
	ck_assert_int_eq(peer_rx_check(&st, 500), 1017);

	rx_from_tx(&st, 0, 600); /* bytes 100..199 repeated where 200.. belong */
	memcpy(st.rx_buf + 200, st.rx_buf + 100, 100);
	ck_assert_int_eq(peer_rx_check(&st, 600), 200);

	rx_from_tx(&st, 0, 1000); /* 256 bytes lost: a power of two shifts the pattern too */
	memmove(st.rx_buf + 300, st.rx_buf + 556, 444);
	ck_assert_int_eq(peer_rx_check(&st, 744), 300);

	rx_from_tx(&st, 0, 10); /* read as if from the wrong offset */
	st.rx_total = 5;
	ck_assert_int_eq(peer_rx_check(&st, 10), 5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("peer_report");
	TCase *tc = tcase_create("pattern");

	tcase_add_test(tc, pattern_in_order_passes);
	tcase_add_test(tc, pattern_breaks_are_found);
	suite_add_tcase(s, tc);
	return check_run(s);
}
