/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys of nsbox.conf (configkeys.h): the table, and what its columns
 * mean to libconfuse, to the conversion into struct rule and to nsbox
 * check -v. */
#include "configkeys.h"

#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "log.h"
#include "../common/util.h"

/* The field at OFFSET of the struct at BASE, as a TYPE. */
#define FIELD(base, offset, type)  ((type *)(void *)((char *)(base) + (offset)))
#define CFIELD(base, offset, type) ((type const *)(const void *)((const char *)(base) + (offset)))
#define STR_(x)			   #x
#define STR(x)			   STR_(x)

/* --- nsbox check -v's summary of a rule -------------------------------- */

/* Items on lines of "  a, b, c", or lines of their own. */
struct summary {
	FILE *f;
	bool open; /* a line is started and not ended */
};

static _printf_(3, 4) void summary_item(struct summary *s, bool start_line, const char *fmt, ...)
{
	va_list ap;

	if (s->open && !start_line)
		fputs(", ", s->f);
	else
		fputs(s->open ? "\n  " : "  ", s->f);
	s->open = true;
	va_start(ap, fmt);
	vfprintf(s->f, fmt, ap);
	va_end(ap);
}

static void summary_end_line(struct summary *s)
{
	if (s->open)
		fputs("\n", s->f);
	s->open = false;
}

/* --- types -------------------------------------------------------------- */

struct config_type {
	const char *name; /* configkeys.h config_type_name() */
	cfg_type_t cfg_type;
	cfg_flag_t cfg_flags;
	/* K's value in FROM (NULL: its default) into K's field of TO. */
	int (*convert)(const struct config_key *k, cfg_t *from, void *to, const char *file);
	/* What K's field of OBJ holds, freed; NULL: nothing. */
	void (*free)(const struct config_key *k, void *obj);
	/* K's value in R on the summary. */
	void (*show)(const struct config_key *k, const struct rule *r, struct summary *s);
	/* The size of the field, for a type that takes more than one. */
	size_t field_size;
};

/* The text of K's value: FROM's, else the default. */
static const char *text_of(const struct config_key *k, cfg_t *from)
{
	return from ? cfg_getstr(from, k->name) : k->def;
}

static bool new_line(const struct config_key *k)
{
	return k->show_as == SHOW_NEW_LINE;
}

/* boolean: a bool field */
static int convert_bool(const struct config_key *k, cfg_t *from, void *to,
			const char *file _unused_)
{
	*FIELD(to, k->offset, bool) =
		from ? cfg_getbool(from, k->name) : k->def && streq(k->def, "true");
	return 0;
}

static void show_bool(const struct config_key *k, const struct rule *r, struct summary *s)
{
	summary_item(s, new_line(k), "%s %s", k->name,
		     *CFIELD(r, k->offset, bool) ? "true" : "false");
}

/* integer: a long field, 0 when unset (not shown then) */
static int convert_integer(const struct config_key *k, cfg_t *from, void *to,
			   const char *file _unused_)
{
	long *field = FIELD(to, k->offset, long);

	if (from)
		*field = cfg_getint(from, k->name);
	else
		*field = k->def ? strtol(k->def, NULL, 10) : 0;
	return 0;
}

static void show_integer(const struct config_key *k, const struct rule *r, struct summary *s)
{
	long v = *CFIELD(r, k->offset, long);

	if (v)
		summary_item(s, new_line(k), "%s %ld", k->name, v);
}

/* string: a char * field, NULL when unset (not shown then) */
static int convert_string(const struct config_key *k, cfg_t *from, void *to,
			  const char *file _unused_)
{
	const char *v = text_of(k, from);
	char **field = FIELD(to, k->offset, char *);

	*field = v ? strdup(v) : NULL;
	return v && !*field ? -ENOMEM : 0;
}

static void free_string(const struct config_key *k, void *obj)
{
	free(*FIELD(obj, k->offset, char *));
}

static void show_string(const struct config_key *k, const struct rule *r, struct summary *s)
{
	const char *v = *CFIELD(r, k->offset, char *);

	if (v)
		summary_item(s, new_line(k), "%s %s", k->name, v);
}

/* list of strings: a char ** field (NULL-terminated) and its count */
static int convert_list(const struct config_key *k, cfg_t *from, void *to,
			const char *file _unused_)
{
	size_t n = from ? cfg_size(from, k->name) : 0;
	char ***list = FIELD(to, k->offset, char **);
	size_t *count = FIELD(to, k->count_offset, size_t);

	*list = NULL;
	*count = 0;
	if (n == 0)
		return 0;
	*list = calloc(n + 1, sizeof(char *));
	if (!*list)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*list)[i] = strdup(cfg_getnstr(from, k->name, (unsigned)i));
		if (!(*list)[i])
			return -ENOMEM;
		*count = i + 1;
	}
	return 0;
}

static void free_list(const struct config_key *k, void *obj)
{
	char **list = *FIELD(obj, k->offset, char **);
	size_t n = *FIELD(obj, k->count_offset, size_t);

	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

/* "*" is everyone (in users; no path is "*"). */
static void show_list(const struct config_key *k, const struct rule *r, struct summary *s)
{
	char *const *list = *CFIELD(r, k->offset, char **);
	size_t n = *CFIELD(r, k->count_offset, size_t);

	if (n == 0)
		return;
	summary_end_line(s);
	fprintf(s->f, "  %s:", k->name);
	for (size_t i = 0; i < n; i++)
		fprintf(s->f, " %s", streq(list[i], "*") ? "(everyone)" : list[i]);
	fputs("\n", s->f);
}

/* one of two words (k->choices), stored as 0 for the first and 1 for the
 * second: in an enum field (key_choice) or a bool one (key_switch) */
static int convert_choice(const struct config_key *k, cfg_t *from, void *to,
			  const char *file _unused_)
{
	const char *v = text_of(k, from);
	bool second = v && streq(v, k->choices[1]);

	if (k->type->field_size == sizeof(bool))
		*FIELD(to, k->offset, bool) = second;
	else
		*FIELD(to, k->offset, int) = second;
	return 0;
}

static void show_choice(const struct config_key *k, const struct rule *r, struct summary *s)
{
	bool second = k->type->field_size == sizeof(bool) ? *CFIELD(r, k->offset, bool)
							   : *CFIELD(r, k->offset, int) != 0;

	summary_item(s, new_line(k), "%s %s", k->name, k->choices[second]);
}

/* a duration (values.c parse_duration): a long field of seconds */
static int convert_duration(const struct config_key *k, cfg_t *from, void *to,
			    const char *file _unused_)
{
	const char *v = text_of(k, from);
	long *field = FIELD(to, k->offset, long);

	if (!v || parse_duration(v, field) < 0)
		*field = 0;
	return 0;
}

static void show_duration(const struct config_key *k, const struct rule *r, struct summary *s)
{
	summary_item(s, new_line(k), "%s %lds", k->name, *CFIELD(r, k->offset, long));
}

/* a size in bytes (values.c parse_bytes): an unsigned long long field, 0
 * when unset (not shown then) */
static int convert_bytes(const struct config_key *k, cfg_t *from, void *to,
			 const char *file _unused_)
{
	const char *v = text_of(k, from);
	unsigned long long *field = FIELD(to, k->offset, unsigned long long);

	if (!v || parse_bytes(v, field) < 0)
		*field = 0;
	return 0;
}

static void show_bytes(const struct config_key *k, const struct rule *r, struct summary *s)
{
	unsigned long long v = *CFIELD(r, k->offset, unsigned long long);

	if (v)
		summary_item(s, new_line(k), "%s %llu", k->name, v);
}

/* bind { ... }, repeated: an array of struct bind_template and its count,
 * each filled by the keys KEY_IN_BIND */
static int convert_binds(const struct config_key *k, cfg_t *from, void *to, const char *file)
{
	size_t n = from ? cfg_size(from, k->name) : 0;
	struct bind_template **binds = FIELD(to, k->offset, struct bind_template *);
	size_t *count = FIELD(to, k->count_offset, size_t);
	int r;

	*binds = NULL;
	*count = 0;
	if (n == 0)
		return 0;
	*binds = calloc(n, sizeof(**binds));
	if (!*binds)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		cfg_t *b = cfg_getnsec(from, k->name, (unsigned)i);
		struct bind_template *t = &(*binds)[i];
		const char *why = NULL;

		*count = i + 1;
		for (size_t j = 0; j < n_config_keys; j++) {
			const struct config_key *bk = &config_keys[j];

			if (!config_key_stored_in(bk, KEY_IN_BIND))
				continue;
			r = config_key_convert(bk, cfg_size(b, bk->name) > 0 ? b : NULL, t, file);
			if (r < 0)
				return r;
		}
		/* A target defaults to the source; it must then pass as a box
		 * path too. */
		if (t->target || !t->source)
			continue;
		if (!(t->target = strdup(t->source)))
			return -ENOMEM;
		if (template_check(t->target, TEMPLATE_BOX_PATH, &why) < 0) {
			log_error("%s:%d: bind \"%s\" as target: %s", file, b->line, t->target, why);
			return -EINVAL;
		}
	}
	return 0;
}

static void free_binds(const struct config_key *k, void *obj)
{
	struct bind_template *binds = *FIELD(obj, k->offset, struct bind_template *);
	size_t n = *FIELD(obj, k->count_offset, size_t);

	for (size_t i = 0; binds && i < n; i++)
		config_keys_free(KEY_IN_BIND, &binds[i]);
	free(binds);
}

static void show_binds(const struct config_key *k, const struct rule *r, struct summary *s)
{
	const struct bind_template *binds = *CFIELD(r, k->offset, struct bind_template *);
	size_t n = *CFIELD(r, k->count_offset, size_t);

	summary_end_line(s);
	for (size_t i = 0; i < n; i++)
		fprintf(s->f, "  %s %s -> %s%s%s\n", k->name, binds[i].source, binds[i].target,
			binds[i].readonly ? " (read-only)" : "", binds[i].optional ? " (optional)" : "");
}

/* The types, one a line: how nsbox.conf(5)'s "Type:" names it, libconfuse's
 * type and flags, its functions above (convert, free, show) and, for a type
 * whose fields come in more than one size, the size of the field. A value
 * may be set nowhere (CFGF_NODEFAULT): the key's default is then converted
 * as a set value is. */
#define ONE CFGF_NODEFAULT
static const struct config_type
	key_bool = { "boolean", CFGT_BOOL, ONE, convert_bool, NULL, show_bool, 0 },
	key_integer = { "integer", CFGT_INT, ONE, convert_integer, NULL, show_integer, 0 },
	key_string = { "string", CFGT_STR, ONE, convert_string, free_string, show_string, 0 },
	key_list = { "list of strings", CFGT_STR, ONE | CFGF_LIST, convert_list, free_list,
		     show_list, 0 },
	key_choice = { "string", CFGT_STR, ONE, convert_choice, NULL, show_choice, sizeof(int) },
	key_switch = { "string", CFGT_STR, ONE, convert_choice, NULL, show_choice, sizeof(bool) },
	key_duration = { "string", CFGT_STR, ONE, convert_duration, NULL, show_duration, 0 },
	key_bytes = { "string", CFGT_STR, ONE, convert_bytes, NULL, show_bytes, 0 },
	key_binds = { "section", CFGT_SEC, CFGF_MULTI, convert_binds, free_binds, show_binds, 0 },
	/* config.c makes each rule a struct rule. */
	key_rules = { "section", CFGT_SEC, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES, NULL,
		      NULL, NULL, 0 };
#undef ONE

const char *config_type_name(const struct config_type *t)
{
	return t->name;
}

/* --- validators --------------------------------------------------------- */

static int validate_template(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	if (k->max && cfg_opt_size(opt) > (unsigned long)k->max) {
		cfg_error(cfg, "%s: more than %ld entries", k->name, k->max);
		return -1;
	}
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i), *why = NULL;

		if (template_check(v, k->template, &why) < 0) {
			cfg_error(cfg, "%s \"%s\": %s", k->name, v ? v : "", why);
			return -1;
		}
	}
	return 0;
}

/* rootfs_lower and rootfs_upper end up in overlayfs's option string,
 * where ',', ':' and '\\' are separators or escapes; the upper layer
 * lives in a directory of its own, never "/". */
static int validate_layer(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (validate_template(k, cfg, opt) < 0)
		return -1;
	if (v && strpbrk(v, ",:\\")) {
		cfg_error(cfg, "%s \"%s\": ',', ':' and '\\' cannot be used in overlay paths",
			  k->name, v);
		return -1;
	}
	if (v && streq(v, "/")) {
		cfg_error(cfg, "%s \"/\": must be a directory below /", k->name);
		return -1;
	}
	return 0;
}

static int validate_tmpfs(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	/* Few: each is a tmpfs the user can fill (see tmpfs_size). */
	if (cfg_opt_size(opt) > (unsigned long)k->max) {
		cfg_error(cfg, "%s: more than %ld entries", k->name, k->max);
		return -1;
	}
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i), *why = NULL;
		_cleanup_free_ char *path = NULL;
		unsigned mode;

		if (!v || split_tmpfs_entry(v, &path, &mode, &why) < 0 ||
		    template_check(path, TEMPLATE_BOX_PATH, &why) < 0) {
			cfg_error(cfg, "%s \"%s\": %s", k->name, v ? v : "", why ? why : "invalid");
			return -1;
		}
	}
	return 0;
}

static int validate_tmpfs_size(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v && check_tmpfs_size(v) == 0)
		return 0;
	cfg_error(cfg, "%s must be a number above 0 with k, m, g or %%, not \"%s\"", k->name,
		  v ? v : "");
	return -1;
}

static int validate_choice(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v && (streq(v, k->choices[0]) || streq(v, k->choices[1])))
		return 0;
	cfg_error(cfg, "%s must be \"%s\" or \"%s\", not \"%s\"", k->name, k->choices[0],
		  k->choices[1], v ? v : "");
	return -1;
}

static int validate_duration(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	long secs;

	if (v && parse_duration(v, &secs) == 0)
		return 0;
	cfg_error(cfg, "%s must be a duration (30s, 5m, 2h, 1d, 0) or \"forever\", not \"%s\"",
		  k->name, v ? v : "");
	return -1;
}

static int validate_bytes(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	unsigned long long bytes;

	if (v && parse_bytes(v, &bytes) == 0)
		return 0;
	cfg_error(cfg, "%s must be a size (512m, 2g...), not \"%s\"", k->name, v ? v : "");
	return -1;
}

static int validate_range(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v >= k->min && v <= k->max)
		return 0;
	cfg_error(cfg, "%s must be between %ld and %ld, not %ld", k->name, k->min, k->max, v);
	return -1;
}

static int validate_names(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_size(opt) > (unsigned long)k->max) {
		cfg_error(cfg, "%s: more than %ld names", k->name, k->max);
		return -1;
	}
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);
		if (!v || !*v || strlen(v) > 255 || strpbrk(v, ":/\n")) {
			cfg_error(cfg, "%s: invalid name \"%s\"", k->name, v ? v : "");
			return -1;
		}
	}
	return 0;
}

static int validate_bind(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

	if (cfg_opt_size(opt) > (unsigned long)k->max) {
		cfg_error(cfg, "more than %ld %s sections", k->max, k->name);
		return -1;
	}
	if (!sec || cfg_size(sec, "source") == 0) {
		cfg_error(cfg, "%s: \"source\" is required", k->name);
		return -1;
	}
	return 0;
}

/* Box records keep rule names in 128 bytes (common/boxrecord.h): a longer one
 * would never be found again, and a shared box would be built twice. */
static bool rule_name_is_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > CONFIG_RULE_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int validate_rule(const struct config_key *k, cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

	if (cfg_opt_size(opt) > (unsigned long)k->max) {
		cfg_error(cfg, "more than %ld rules", k->max);
		return -1;
	}
	if (sec && !rule_name_is_valid(cfg_title(sec))) {
		cfg_error(cfg, "rule \"%s\": a rule name is 1 to %d bytes, no control characters",
			  cfg_title(sec) ? cfg_title(sec) : "", CONFIG_RULE_NAME_MAX);
		return -1;
	}
	if (sec && cfg_size(sec, "users") == 0 && cfg_size(sec, "groups") == 0) {
		cfg_error(cfg, "rule %s: matches no one (set users or groups)", cfg_title(sec));
		return -1;
	}
	return 0;
}

/* --- how some keys are shown -------------------------------------------- */

static void show_rootfs(const struct config_key *k, const struct rule *r, struct summary *s)
{
	if (r->rootfs_lower)
		summary_item(s, new_line(k), "rootfs overlay of %s (shared, read-only) and %s (per user)",
			     r->rootfs_lower, r->rootfs_upper);
	else
		summary_item(s, new_line(k), "%s %s", k->name, r->rootfs);
}

static void show_syslog_socket(const struct config_key *k, const struct rule *r,
			       struct summary *s)
{
	if (r->syslog_socket)
		summary_item(s, new_line(k), "syslog socket bound");
}

static void show_user_namespaces(const struct config_key *k, const struct rule *r,
				 struct summary *s)
{
	if (r->user_namespaces)
		summary_item(s, new_line(k), "user namespaces allowed");
}

/* Only a shared box lingers. */
static void show_linger(const struct config_key *k, const struct rule *r, struct summary *s)
{
	if (r->share == SHARE_USER)
		show_duration(k, r, s);
}

static void show_ptys_max(const struct config_key *k, const struct rule *r, struct summary *s)
{
	summary_item(s, new_line(k), "%s %ld per user", k->name, r->ptys_max);
}

/* --- the table ---------------------------------------------------------- */

/* key_choice stores its index in an enum field, as an int. */
_Static_assert(sizeof(enum on_error) == sizeof(int) && sizeof(enum share) == sizeof(int) &&
		       sizeof(int) != sizeof(bool),
	       "a choice's field is an int");

#define IN_RULE(field)		.offset = offsetof(struct rule, field)
#define IN_RULE_N(field, count) IN_RULE(field), .count_offset = offsetof(struct rule, count)
#define RULE_KEY		(KEY_AT_TOP | KEY_IN_RULE)

const struct config_key config_keys[] = {
	{ .name = "confine_root", .where = KEY_AT_TOP, .type = &key_bool, .def = "false",
	  .offset = offsetof(struct config, confine_root),
	  .doc = "whether a rule may confine root" },
	{ .name = "rule", .where = KEY_AT_TOP, .type = &key_rules, .holds = KEY_IN_RULE,
	  .validate = validate_rule, .max = CONFIG_MAX_RULES,
	  .doc = "whom a box confines and how; the first rule that names a user wins" },
	{ .name = "users", .where = KEY_IN_RULE, .type = &key_list, IN_RULE_N(users, n_users),
	  .validate = validate_names, .max = CONFIG_MAX_NAMES,
	  .doc = "the users a rule names, \"*\" for everyone" },
	{ .name = "groups", .where = KEY_IN_RULE, .type = &key_list, IN_RULE_N(groups, n_groups),
	  .validate = validate_names, .max = CONFIG_MAX_NAMES,
	  .doc = "the groups whose members a rule names" },
	{ .name = "rootfs", .where = RULE_KEY, .type = &key_string, IN_RULE(rootfs),
	  .validate = validate_template, .template = TEMPLATE_PATH, .show_as = SHOW_NEW_LINE,
	  .show = show_rootfs, .doc = "the host directory that is the box's /" },
	{ .name = "rootfs_lower", .where = RULE_KEY, .type = &key_string, IN_RULE(rootfs_lower),
	  .validate = validate_layer, .template = TEMPLATE_PATH, .show_as = SHOW_HIDDEN,
	  .doc = "instead of rootfs: the shared, read-only layer of an overlay" },
	{ .name = "rootfs_upper", .where = RULE_KEY, .type = &key_string, IN_RULE(rootfs_upper),
	  .validate = validate_layer, .template = TEMPLATE_PATH, .show_as = SHOW_HIDDEN,
	  .doc = "the overlay's per-user writable layer" },
	{ .name = "hostname", .where = RULE_KEY, .type = &key_string, .def = BOX_DEFAULT_HOSTNAME,
	  IN_RULE(hostname), .validate = validate_template, .template = TEMPLATE_HOSTNAME,
	  .show_as = SHOW_NEW_LINE, .doc = "the box's hostname" },
	{ .name = "shell", .where = RULE_KEY, .type = &key_string, IN_RULE(shell),
	  .validate = validate_template, .template = TEMPLATE_BOX_PATH, .max = CONFIG_MAX_MOUNTS,
	  .show_as = SHOW_HIDDEN, .doc = "the login shell in the box, instead of the user's own" },
	{ .name = "on_error", .where = RULE_KEY, .type = &key_choice, .def = "deny",
	  IN_RULE(on_error), .validate = validate_choice, .choices = { "deny", "allow" },
	  .doc = "whether a login whose box cannot be built is refused or let in unconfined" },
	{ .name = "syslog_socket", .where = RULE_KEY, .type = &key_bool, .def = "false",
	  IN_RULE(syslog_socket), .show = show_syslog_socket,
	  .doc = "whether the host's /dev/log is bound into the box" },
	{ .name = "accounting", .where = RULE_KEY, .type = &key_bool, .def = "true",
	  IN_RULE(accounting), .show_as = SHOW_HIDDEN,
	  .doc = "whether the host's utmp, wtmp and lastlog are in the box" },
	{ .name = "share", .where = RULE_KEY, .type = &key_choice, .def = "session",
	  IN_RULE(share), .validate = validate_choice, .choices = { "session", "user" },
	  .show_as = SHOW_NEW_LINE, .doc = "a box per session, or one for all of a user's sessions" },
	{ .name = "linger", .where = RULE_KEY, .type = &key_duration, .def = "0", IN_RULE(linger),
	  .validate = validate_duration, .show = show_linger,
	  .doc = "how long a shared box outlives its last session" },
	{ .name = "network", .where = RULE_KEY, .type = &key_switch, .def = "host",
	  IN_RULE(network_none), .validate = validate_choice, .choices = { "host", "none" },
	  .doc = "the host's network, or none but loopback" },
	{ .name = "user_namespaces", .where = RULE_KEY, .type = &key_bool, .def = "false",
	  IN_RULE(user_namespaces), .show = show_user_namespaces,
	  .doc = "whether sessions may create and join user namespaces (container tools)" },
	{ .name = "pids_max", .where = RULE_KEY, .type = &key_integer, IN_RULE(pids_max),
	  .validate = validate_range, .min = 1, .max = 4194304,
	  .doc = "the most processes the user may run (RLIMIT_NPROC)" },
	{ .name = "memory_max", .where = RULE_KEY, .type = &key_bytes, IN_RULE(memory_max),
	  .validate = validate_bytes, .doc = "the most address space a process may take (RLIMIT_AS)" },
	{ .name = "nofile", .where = RULE_KEY, .type = &key_integer, IN_RULE(nofile),
	  .validate = validate_range, .min = 16, .max = 1048576,
	  .doc = "the most files a process may hold open (RLIMIT_NOFILE)" },
	{ .name = "cpu_weight", .where = RULE_KEY, .type = &key_integer, IN_RULE(cpu_weight),
	  .validate = validate_range, .min = 1, .max = 10000,
	  .doc = "the CPU share of the session, as cgroup v2's cpu.weight (applied as nice)" },
	/* devpts takes max= up to NR_UNIX98_PTY_MAX; 0 would be no cap at all. */
	{ .name = "ptys_max", .where = RULE_KEY, .type = &key_integer,
	  .def = STR(CONFIG_DEFAULT_PTYS_MAX), IN_RULE(ptys_max), .validate = validate_range,
	  .min = 1, .max = CONFIG_PTYS_MAX_CEILING, .show = show_ptys_max,
	  .doc = "the terminals all of one user's boxes may hold together" },
	{ .name = "tmpfs", .where = RULE_KEY, .type = &key_list, IN_RULE_N(tmpfs, n_tmpfs),
	  .validate = validate_tmpfs, .max = CONFIG_MAX_TMPFS,
	  .doc = "box paths that get an empty tmpfs of their own, as PATH or PATH:MODE" },
	{ .name = "tmpfs_size", .where = RULE_KEY, .type = &key_string,
	  .def = CONFIG_DEFAULT_TMPFS_SIZE, IN_RULE(tmpfs_size), .validate = validate_tmpfs_size,
	  .show_as = SHOW_HIDDEN, .doc = "the size= of each tmpfs of a box, /tmp and /dev/shm too" },
	{ .name = "bind", .where = RULE_KEY, .type = &key_binds, IN_RULE_N(binds, n_binds),
	  .holds = KEY_IN_BIND, .size = sizeof(struct bind_template), .validate = validate_bind,
	  .max = CONFIG_MAX_MOUNTS, .doc = "a host path bound into the box" },
	{ .name = "readonly_paths", .where = RULE_KEY, .type = &key_list,
	  IN_RULE_N(readonly_paths, n_readonly_paths), .validate = validate_template,
	  .template = TEMPLATE_BOX_PATH, .max = CONFIG_MAX_MOUNTS,
	  .doc = "host paths bound read-only at the same place in the box" },
	{ .name = "source", .where = KEY_IN_BIND, .type = &key_string,
	  .offset = offsetof(struct bind_template, source), .validate = validate_template,
	  .template = TEMPLATE_PATH, .doc = "the host path a bind binds" },
	{ .name = "target", .where = KEY_IN_BIND, .type = &key_string,
	  .offset = offsetof(struct bind_template, target), .validate = validate_template,
	  .template = TEMPLATE_BOX_PATH, .max = CONFIG_MAX_MOUNTS,
	  .doc = "where a bind appears in the box; the source's path if unset" },
	{ .name = "readonly", .where = KEY_IN_BIND, .type = &key_bool, .def = "false",
	  .offset = offsetof(struct bind_template, readonly),
	  .doc = "whether a bind is read-only in the box" },
	{ .name = "optional", .where = KEY_IN_BIND, .type = &key_bool, .def = "false",
	  .offset = offsetof(struct bind_template, optional),
	  .doc = "whether a missing source is skipped rather than refused" },
};
const size_t n_config_keys = ARRAY_SIZE(config_keys);

/* --- the table at work -------------------------------------------------- */

const struct config_key *config_key_named(const char *name)
{
	for (size_t i = 0; i < n_config_keys; i++)
		if (streq(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

bool config_key_stored_in(const struct config_key *k, unsigned holder)
{
	if (!k->type->convert)
		return false;
	/* A key that may stand in a rule is a rule's, also at the top. */
	return holder == KEY_AT_TOP ? k->where == KEY_AT_TOP : (k->where & holder) != 0;
}

/* libconfuse's validator for every key that has one: the key's own. */
static int validate_option(cfg_t *cfg, cfg_opt_t *opt)
{
	const struct config_key *k = config_key_named(cfg_opt_name(opt));

	return k && k->validate ? k->validate(k, cfg, opt) : 0;
}

cfg_opt_t *config_key_options(unsigned where)
{
	/* One array for each place a key may stand, ended by a zeroed
	 * CFG_END(); parsing is single-threaded. */
	static cfg_opt_t opts[3][ARRAY_SIZE(config_keys) + 1];
	static bool built[3];
	size_t w = where == KEY_AT_TOP ? 0 : where == KEY_IN_RULE ? 1 : 2;
	size_t n = 0;

	if (built[w])
		return opts[w];
	for (size_t i = 0; i < n_config_keys; i++) {
		const struct config_key *k = &config_keys[i];

		if (!(k->where & where))
			continue;
		opts[w][n++] = (cfg_opt_t){
			.name = k->name,
			.type = k->type->cfg_type,
			.flags = k->type->cfg_flags,
			.subopts = k->holds ? config_key_options(k->holds) : NULL,
			.validcb = k->validate ? validate_option : NULL,
		};
	}
	built[w] = true;
	return opts[w];
}

int config_key_convert(const struct config_key *k, cfg_t *from, void *to, const char *file)
{
	return k->type->convert ? k->type->convert(k, from, to, file) : 0;
}

void config_keys_free(unsigned holder, void *obj)
{
	for (size_t i = 0; i < n_config_keys; i++) {
		const struct config_key *k = &config_keys[i];

		if (config_key_stored_in(k, holder) && k->type->free)
			k->type->free(k, obj);
	}
}

void config_show_rule(const struct rule *r, FILE *f)
{
	struct summary s = { .f = f };

	for (size_t i = 0; i < n_config_keys; i++) {
		const struct config_key *k = &config_keys[i];

		if (!config_key_stored_in(k, KEY_IN_RULE) || k->show_as == SHOW_HIDDEN)
			continue;
		(k->show ? k->show : k->type->show)(k, r, &s);
	}
	summary_end_line(&s);
}
