/* lab_fw.c - nftables rules inside one lab namespace; see lab_fw.h.
 *
 * One libnftables context per handle, created inside the host's namespace,
 * and every call switches the thread into that namespace again before it
 * touches the context: libnftables may open (or reopen) its netlink socket
 * lazily, and a netlink socket belongs to the namespace of the thread that
 * opened it. The handle keeps its own duplicate of the namespace fd, so it
 * never depends on the lab's fd still being open.
 *
 * Text in, text out: commands are nft syntax; output and errors are captured
 * in libnftables' buffers (never printed); counters are read as JSON output
 * and parsed with jansson.
 */
#include "lab_fw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <jansson.h>
#include <nftables/libnftables.h>

#include "lab_internal.h"

struct lab_fw {
	struct nft_ctx *ctx;
	int netns_fd; /* ours (F_DUPFD_CLOEXEC) */
	char where[LAB_NAME_MAX + 8]; /* "host server", for messages */
};

/*
 * libnftables' error text: "Error: No such file or directory\nlist counter
 * inet t x\n                     ^^^^\n". Kept whole (the caret line says
 * where), minus the final newline; cut to the size of tf_err.
 */
static int lab_fw_fail(struct lab_fw *fw, const char *what, struct tf_err *err)
{
	const char *text = nft_ctx_get_error_buffer(fw->ctx);
	size_t n = text ? strlen(text) : 0;
	int ret = -EINVAL;

	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	if (text && strstr(text, "No such file or directory"))
		ret = -ENOENT;
	else if (text && (strstr(text, "Operation not supported") ||
			  strstr(text, "Protocol not supported")))
		ret = -EOPNOTSUPP;
	return tf_err_set(err, ret, "%s: nft %s: %.*s", fw->where, what, (int)n,
			  n ? text : "failed without a message");
}

/*
 * Run @cmds inside the namespace with output flags @flags; on success the
 * output buffer is left for the caller in *@out (owned by the context, valid
 * until the next call). 0 or -errno.
 */
static int lab_fw_exec(struct lab_fw *fw, const char *cmds, unsigned int flags, const char **out,
		       const char *what, struct tf_err *err)
{
	int saved, rc;

	saved = lab_ns_switch(fw->netns_fd);
	if (saved < 0)
		return tf_err_set(err, saved, "%s: cannot enter its namespace: %s", fw->where,
				  strerror(-saved));
	nft_ctx_output_set_flags(fw->ctx, flags);
	rc = nft_run_cmd_from_buffer(fw->ctx, cmds);
	/* Both buffers are read (and so rewound) on every call: a stale error
	 * text must not be reported with the next command. */
	if (out)
		*out = nft_ctx_get_output_buffer(fw->ctx);
	else
		nft_ctx_get_output_buffer(fw->ctx);
	lab_ns_restore(saved);
	if (rc != 0)
		return lab_fw_fail(fw, what, err);
	nft_ctx_get_error_buffer(fw->ctx);
	return 0;
}

int lab_fw_open(struct lab *lab, int host, struct lab_fw **out, struct tf_err *err)
{
	const char *name = lab_host_name(lab, host);
	struct lab_fw *fw;
	int saved, ret;

	*out = NULL;
	if (!name)
		return tf_err_set(err, -EINVAL, "nftables: no host with index %d in the lab", host);
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return tf_err_set(err, -ENOMEM, "host %s: nftables: out of memory", name);
	snprintf(fw->where, sizeof(fw->where), "host %s", name);
	fw->netns_fd = fcntl(lab_host_netns_fd(lab, host), F_DUPFD_CLOEXEC, 3);
	if (fw->netns_fd < 0) {
		ret = -errno;
		tf_err_set(err, ret, "%s: nftables: dup of its namespace fd: %s", fw->where,
			   strerror(-ret));
		goto out_free;
	}
	saved = lab_ns_switch(fw->netns_fd);
	if (saved < 0) {
		ret = tf_err_set(err, saved, "%s: cannot enter its namespace: %s", fw->where,
				 strerror(-saved));
		goto out_close_fd;
	}
	fw->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	lab_ns_restore(saved);
	if (!fw->ctx) {
		ret = tf_err_set(err, -ENOMEM, "%s: nft_ctx_new failed", fw->where);
		goto out_close_fd;
	}
	if (nft_ctx_buffer_output(fw->ctx) || nft_ctx_buffer_error(fw->ctx)) {
		ret = tf_err_set(err, -ENOMEM, "%s: nftables: cannot buffer output", fw->where);
		goto out_free_ctx;
	}
	/* A first request tells whether the kernel has nf_tables at all. */
	ret = lab_fw_exec(fw, "list tables", 0, NULL, "probe", err);
	if (ret)
		goto out_free_ctx;
	*out = fw;
	return 0;

out_free_ctx:
	nft_ctx_free(fw->ctx);
out_close_fd:
	close(fw->netns_fd);
out_free:
	free(fw);
	return ret;
}

void lab_fw_close(struct lab_fw *fw)
{
	int saved;

	if (!fw)
		return;
	/* Freeing closes the netlink socket: no request, but do it where it lives. */
	saved = lab_ns_switch(fw->netns_fd);
	nft_ctx_free(fw->ctx);
	if (saved >= 0)
		lab_ns_restore(saved);
	close(fw->netns_fd);
	free(fw);
}

/*
 * Commands go through a memfd and nft_run_cmd_from_filename(), not
 * nft_run_cmd_from_buffer(): for buffer input libnftables 1.0 prints the
 * buffer's first line under every error (erec_print(), INDESC_BUFFER), with
 * the caret placed for the line that failed; for file input it prints
 * "file:line:col: Error: ..." and the right line. The memfd's path is then
 * replaced by "nft" in the text.
 */
static int lab_fw_exec_file(struct lab_fw *fw, const char *cmds, struct tf_err *err)
{
	char path[64], text[sizeof(err->msg)];
	size_t len = strlen(cmds), off = 0;
	int fd, saved, rc, ret = 0;

	fd = memfd_create("lab_fw", MFD_CLOEXEC);
	if (fd < 0)
		return tf_err_set(err, -errno, "%s: nftables: memfd_create: %s", fw->where,
				  strerror(errno));
	while (off < len && ret == 0) {
		ssize_t n = write(fd, cmds + off, len - off);

		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (ret) {
		close(fd);
		return tf_err_set(err, ret, "%s: nftables: write: %s", fw->where, strerror(-ret));
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	saved = lab_ns_switch(fw->netns_fd);
	if (saved < 0) {
		close(fd);
		return tf_err_set(err, saved, "%s: cannot enter its namespace: %s", fw->where,
				  strerror(-saved));
	}
	nft_ctx_output_set_flags(fw->ctx, 0);
	rc = nft_run_cmd_from_filename(fw->ctx, path);
	nft_ctx_get_output_buffer(fw->ctx);
	lab_ns_restore(saved);
	close(fd);
	if (rc == 0) {
		nft_ctx_get_error_buffer(fw->ctx);
		return 0;
	}
	ret = lab_fw_fail(fw, "commands", err);
	if (err) {
		const char *at = strstr(err->msg, path);

		if (at) {
			snprintf(text, sizeof(text), "%.*snft%s", (int)(at - err->msg), err->msg,
				 at + strlen(path));
			memcpy(err->msg, text, sizeof(text));
		}
	}
	return ret;
}

int lab_fw_run(struct lab_fw *fw, const char *cmds, struct tf_err *err)
{
	if (!fw || !cmds)
		return tf_err_set(err, -EINVAL, "nftables: no handle or no commands");
	return lab_fw_exec_file(fw, cmds, err);
}

/* nft identifiers: a letter or '_' first, then letters, digits, '_', '-', '.'
 * (nft's scanner); anything else would let a name carry more syntax. */
static bool lab_fw_name_ok(const char *s)
{
	size_t i;

	if (!s || !s[0] || strlen(s) > 64)
		return false;
	for (i = 0; s[i]; i++) {
		char ch = s[i];
		bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
		bool more = (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';

		if (!alpha && (i == 0 || !more))
			return false;
	}
	return true;
}

/* Every {"counter": {...}} element of a JSON listing, to @cb. */
static int lab_fw_counters_parse(struct lab_fw *fw, const char *text, lab_fw_counter_cb cb,
				 void *arg, struct tf_err *err)
{
	json_error_t jerr;
	json_t *root = json_loads(text ? text : "", 0, &jerr), *items, *it;
	size_t i;
	int n = 0, ret = 0;

	items = json_object_get(root, "nftables");
	if (!json_is_array(items)) {
		json_decref(root);
		return tf_err_set(err, -EPROTO, "%s: nft JSON output not understood: %s", fw->where,
				  root ? "no \"nftables\" array" : jerr.text);
	}
	json_array_foreach(items, i, it) {
		json_t *c = json_object_get(it, "counter");
		json_t *pk = json_object_get(c, "packets"), *by = json_object_get(c, "bytes");
		const char *name = json_string_value(json_object_get(c, "name"));

		if (!c)
			continue; /* metainfo */
		if (!name || !json_is_integer(pk) || !json_is_integer(by)) {
			ret = tf_err_set(err, -EPROTO,
					 "%s: nft JSON counter without name/packets/bytes",
					 fw->where);
			break;
		}
		ret = cb(name, (uint64_t)json_integer_value(pk), (uint64_t)json_integer_value(by),
			 arg);
		if (ret < 0)
			break;
		n++;
	}
	json_decref(root);
	return ret < 0 ? ret : n;
}

int lab_fw_counters(struct lab_fw *fw, const char *family, const char *table, lab_fw_counter_cb cb,
		    void *arg, struct tf_err *err)
{
	const char *out = NULL;
	char cmd[160];
	int ret;

	if (!fw || !cb || !lab_fw_name_ok(family) || !lab_fw_name_ok(table))
		return tf_err_set(err, -EINVAL, "nftables: bad counter listing request");
	snprintf(cmd, sizeof(cmd), "list counters table %s %s", family, table);
	ret = lab_fw_exec(fw, cmd, NFT_CTX_OUTPUT_JSON, &out, "list counters", err);
	if (ret)
		return ret;
	return lab_fw_counters_parse(fw, out, cb, arg, err);
}

struct lab_fw_one {
	const char *name;
	uint64_t packets, bytes;
	bool found;
};

static int lab_fw_one_cb(const char *name, uint64_t packets, uint64_t bytes, void *arg)
{
	struct lab_fw_one *o = arg;

	if (strcmp(name, o->name) != 0)
		return 0;
	o->packets = packets;
	o->bytes = bytes;
	o->found = true;
	return 0;
}

int lab_fw_counter(struct lab_fw *fw, const char *family, const char *table, const char *name,
		   struct lab_fw_count *out_count, struct tf_err *err)
{
	struct lab_fw_one one = { .name = name };
	const char *out = NULL;
	char cmd[256];
	int ret;

	if (!fw || !lab_fw_name_ok(family) || !lab_fw_name_ok(table) || !lab_fw_name_ok(name))
		return tf_err_set(err, -EINVAL, "nftables: bad counter name %s %s %s",
				  family ? family : "?", table ? table : "?", name ? name : "?");
	snprintf(cmd, sizeof(cmd), "list counter %s %s %s", family, table, name);
	ret = lab_fw_exec(fw, cmd, NFT_CTX_OUTPUT_JSON, &out, "list counter", err);
	if (ret)
		return ret;
	ret = lab_fw_counters_parse(fw, out, lab_fw_one_cb, &one, err);
	if (ret < 0)
		return ret;
	if (!one.found)
		return tf_err_set(err, -ENOENT, "%s: no counter %s in table %s %s", fw->where, name,
				  family, table);
	if (out_count)
		*out_count = (struct lab_fw_count){ .packets = one.packets, .bytes = one.bytes };
	return 0;
}
