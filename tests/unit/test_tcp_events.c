/* test_tcp_events.c - unit tests of harness/obs/tcp_events that need no BPF:
 * the one-line format of an event, type names, and the namespace id (the
 * inode number the kernel side filters on). The kernel side is tested in
 * tests/integration/test_tcp_events.c.
 */
#include "obs/tcp_events.h"

#include <arpa/inet.h>
#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

START_TEST(test_format_v4_state)
{
	struct tcp_event ev = {
		.type = TCP_EVENT_STATE,
		.family = AF_INET,
		.netns = 4026531840u,
		.local_port = 41234,
		.remote_port = 8080,
		.old_state = TCP_SYN_SENT,
		.state = TCP_ESTABLISHED,
	};
	char line[200];

	inet_pton(AF_INET, "198.18.0.1", ev.local);
	inet_pton(AF_INET, "198.18.0.2", ev.remote);
	tcp_event_format(&ev, line, sizeof(line));
	ck_assert_str_eq(line, "state 198.18.0.1:41234 -> 198.18.0.2:8080 SYN_SENT -> "
			       "ESTABLISHED netns 4026531840");
}
END_TEST

START_TEST(test_format_v6_error_and_reset)
{
	struct tcp_event ev = {
		.type = TCP_EVENT_ERROR,
		.family = AF_INET6,
		.netns = 7,
		.local_port = 80,
		.remote_port = 5000,
		.state = TCP_CLOSE,
		.err = ETIMEDOUT,
	};
	char line[200];

	inet_pton(AF_INET6, "2001:2::1", ev.local);
	inet_pton(AF_INET6, "2001:2::2", ev.remote);
	tcp_event_format(&ev, line, sizeof(line));
	ck_assert_str_eq(line, "error [2001:2::1]:80 -> [2001:2::2]:5000 CLOSE errno 110 netns 7");
	ev.type = TCP_EVENT_SEND_RESET;
	ev.no_socket = 1;
	tcp_event_format(&ev, line, sizeof(line));
	ck_assert_str_eq(line, "send-reset [2001:2::1]:80 -> [2001:2::2]:5000 CLOSE no socket "
			       "netns 7");
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_str_eq(tcp_event_type_name(TCP_EVENT_RETRANSMIT), "retransmit");
	ck_assert_str_eq(tcp_event_type_name(TCP_EVENT_RECEIVE_RESET), "receive-reset");
	ck_assert_str_eq(tcp_event_type_name(0), "unknown");
	ck_assert_str_eq(tcp_event_type_name(TCP_EVENT_NUM), "unknown");
}
END_TEST

/* The id is the namespace file's inode: what `ls -iL /proc/self/ns/net` shows. */
START_TEST(test_netns_id)
{
	struct tf_err err = { "" };
	struct stat st;
	uint32_t id = 0;
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(stat("/proc/self/ns/net", &st), 0);
	ck_assert_int_eq(tcp_events_netns_id(fd, &id, &err), 0);
	ck_assert_uint_eq(id, (uint32_t)st.st_ino);
	close(fd);
	ck_assert_int_eq(tcp_events_netns_id(-1, &id, &err), -EBADF);
	ck_assert_ptr_nonnull(strstr(err.msg, "namespace fd -1"));
}
END_TEST

/* Both builds answer open: the event path, or -EOPNOTSUPP with "unavailable: why". */
START_TEST(test_open_contract)
{
	struct tf_err err = { "" };
	struct tcp_events *te = NULL;
	int ret = tcp_events_open(&te, &err);

	if (!tcp_events_available()) {
		ck_assert_int_eq(ret, -EOPNOTSUPP);
		ck_assert_ptr_null(te);
	}
	if (ret < 0)
		ck_assert_msg(ret != -EOPNOTSUPP || !strncmp(err.msg, "unavailable: ", 13), "%s",
			      err.msg);
	else
		ck_assert_int_ge(tcp_events_fd(te), 0);
	tcp_events_close(te);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_events");
	TCase *tc = tcase_create("user side");

	tcase_add_test(tc, test_format_v4_state);
	tcase_add_test(tc, test_format_v6_error_and_reset);
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_netns_id);
	tcase_add_test(tc, test_open_contract);
	suite_add_tcase(s, tc);
	return check_run(s);
}
