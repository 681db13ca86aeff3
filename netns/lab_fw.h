/* lab_fw.h - nftables rules inside one lab namespace, through libnftables.
 *
 * Takes: a lab host and rules in nft syntax (so cases can carry raw nft match
 * expressions). Gives: a handle holding ONE libnftables context per
 * namespace, created inside that namespace and always used from inside it (a
 * context binds to the namespace where its netlink socket was opened: used
 * from elsewhere it changes the wrong ruleset; DESIGN.md). Rules live in
 * tables their user creates (with lab_fw_run()); they vanish with the
 * namespace, or earlier when that user deletes its table. lab_fw_close() frees
 * only the context: it cannot know which tables are whose.
 *
 * Where to drop (DESIGN.md, KERNEL-FACTS.md): on the receiver's ingress or in
 * a router, never on the sender's own egress (a local drop changes TCP's
 * behaviour), except a crashed host's own egress.
 */
#ifndef LAB_FW_H
#define LAB_FW_H

#include <stdint.h>

#include "lab.h"
#include "tf_err.h"

struct lab_fw;

/**
 * lab_fw_open() - an nftables context inside @host's namespace.
 * Return: 0 and *@out, or -errno (-EOPNOTSUPP when the kernel has no nftables).
 * Free with lab_fw_close().
 */
int lab_fw_open(struct lab *lab, int host, struct lab_fw **out, struct tf_err *err);

/** lab_fw_close() - free the context (rules stay until the namespace goes). NULL does nothing. */
void lab_fw_close(struct lab_fw *fw);

/**
 * lab_fw_run() - run nft commands (one or more lines of nft syntax, e.g.
 * "add table netdev tf\nadd chain netdev tf in { type filter hook ingress device eth0 priority 0; }")
 * inside the namespace, atomically.
 * Return: 0 or -EINVAL with libnftables' error text (file:line:col: Error: ...) in @err.
 */
int lab_fw_run(struct lab_fw *fw, const char *cmds, struct tf_err *err);

/* What a counter object counted. */
struct lab_fw_count {
	uint64_t packets, bytes;
};

/**
 * lab_fw_counter() - read the named counter object @name of table @family @table
 * (created with "add counter FAMILY TABLE NAME", used by rules as "counter name NAME").
 * Return: 0 with *@out, or -ENOENT / -errno.
 */
int lab_fw_counter(struct lab_fw *fw, const char *family, const char *table, const char *name,
		   struct lab_fw_count *out, struct tf_err *err);

/* Called by lab_fw_counters() for each counter object; a negative return stops. */
typedef int (*lab_fw_counter_cb)(const char *name, uint64_t packets, uint64_t bytes, void *arg);

/**
 * lab_fw_counters() - every named counter object of table @family @table, in
 * one request (what a runner sampling several counters every few ms wants).
 * Names, family and table are nft identifiers (letters, digits, '_', '-', '.').
 * Return: the number of counters reported, -ENOENT when there is no such table,
 * a negative value from @cb, or -errno with nft's text in @err.
 */
int lab_fw_counters(struct lab_fw *fw, const char *family, const char *table, lab_fw_counter_cb cb,
		    void *arg, struct tf_err *err);

#endif
