/* observations.c - the growable and keyed observations; see observations.h. */
#include "obs/observations.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int obs_sysctls_set(struct obs_host_sysctls *s, const char *key, const char *value)
{
	struct obs_sysctl *e = NULL;

	for (int i = 0; i < s->n && !e; i++)
		if (!strcmp(s->v[i].key, key))
			e = &s->v[i];
	if (!e) {
		if (s->n == s->cap) {
			int cap = s->cap ? 2 * s->cap : 32;
			struct obs_sysctl *v = realloc(s->v, (size_t)cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			s->v = v;
			s->cap = cap;
		}
		e = &s->v[s->n++];
		snprintf(e->key, sizeof(e->key), "%s", key);
	}
	snprintf(e->value, sizeof(e->value), "%s", value);
	return 0;
}

const char *obs_sysctls_get(const struct obs_host_sysctls *s, const char *key)
{
	for (int i = 0; s && i < s->n; i++)
		if (!strcmp(s->v[i].key, key))
			return s->v[i].value;
	return NULL;
}

void obs_sysctls_free(struct obs_sysctls *s)
{
	for (int h = 0; h < CASE_MAX_HOSTS; h++) {
		free(s->hosts[h].v);
		s->hosts[h] = (struct obs_host_sysctls){ 0 };
	}
	s->n_hosts = 0;
}

void obs_sockopts_set(struct obs_sockopts *s, const char *name, bool known, long long value)
{
	struct obs_sockopt *o = NULL;

	for (int i = 0; i < s->n && !o; i++)
		if (!strcmp(s->v[i].name, name))
			o = &s->v[i];
	if (!o) {
		if (s->n == OBS_MAX_SOCKOPTS)
			return;
		o = &s->v[s->n++];
		snprintf(o->name, sizeof(o->name), "%s", name);
	}
	o->known = known;
	o->value = value;
}
