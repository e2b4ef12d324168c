/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "configshape.h"

#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "path.h"
#include "values.h"

/* Every key of a rule may also stand at the top level, where it is the
 * default for rules that do not set it. */
#define POLICY_OPTS                                                \
	CFG_STR("rootfs", NULL, CFGF_NODEFAULT),                   \
	CFG_STR("hostname", NULL, CFGF_NODEFAULT),                 \
	CFG_STR("shell", NULL, CFGF_NODEFAULT),                    \
	CFG_STR_LIST("tmpfs", NULL, CFGF_NODEFAULT),               \
	CFG_STR("tmpfs_size", NULL, CFGF_NODEFAULT),               \
	CFG_BOOL("syslog_socket", cfg_false, CFGF_NODEFAULT),      \
	CFG_BOOL("accounting", cfg_true, CFGF_NODEFAULT),          \
	CFG_STR("on_error", NULL, CFGF_NODEFAULT),                 \
	CFG_STR("share", NULL, CFGF_NODEFAULT),                    \
	CFG_STR("linger", NULL, CFGF_NODEFAULT),                   \
	CFG_STR("network", NULL, CFGF_NODEFAULT),                  \
	CFG_INT("pids_max", 0, CFGF_NODEFAULT),                    \
	CFG_STR("memory_max", NULL, CFGF_NODEFAULT),               \
	CFG_INT("cpu_weight", 0, CFGF_NODEFAULT),                  \
	CFG_INT("nofile", 0, CFGF_NODEFAULT),                      \
	CFG_INT("ptys_max", 0, CFGF_NODEFAULT),                    \
	CFG_STR("rootfs_lower", NULL, CFGF_NODEFAULT),             \
	CFG_STR("rootfs_upper", NULL, CFGF_NODEFAULT),             \
	CFG_SEC("bind", bind_opts, CFGF_MULTI)

static cfg_opt_t bind_opts[] = {
	CFG_STR("source", NULL, CFGF_NODEFAULT),
	CFG_STR("target", NULL, CFGF_NODEFAULT),
	CFG_BOOL("readonly", cfg_false, CFGF_NONE),
	CFG_BOOL("optional", cfg_false, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t rule_opts[] = {
	CFG_STR_LIST("users", NULL, CFGF_NODEFAULT),
	CFG_STR_LIST("groups", NULL, CFGF_NODEFAULT),
	POLICY_OPTS,
	CFG_END(),
};

static cfg_opt_t top_opts[] = {
	CFG_BOOL("confine_root", cfg_false, CFGF_NONE),
	POLICY_OPTS,
	CFG_SEC("rule", rule_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END(),
};

/* The name shown in "NAME:LINE: message"; parsing is single-threaded. */
static const char *parsing_name;

/* libconfuse's error function (cfg_set_error_function): fmt is libconfuse's
 * or cfg_error()'s printf format, with its arguments in ap. The attribute
 * says so, so that the compiler checks the format at its source instead of
 * warning that vsnprintf() gets one that is not a literal. */
static _printf_(2, 0) void log_confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One line: a value quoted in the message may hold control bytes. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	log_error("%s:%d: %s", parsing_name, cfg ? cfg->line : 0, msg);
}

static int validate_on_error(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v && (streq(v, "deny") || streq(v, "allow")))
		return 0;
	cfg_error(cfg, "on_error must be \"deny\" or \"allow\", not \"%s\"", v ? v : "");
	return -1;
}

static int validate_template(cfg_t *cfg, cfg_opt_t *opt, enum template_kind kind)
{
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i), *why = NULL;

		if (template_check(v, kind, &why) < 0) {
			cfg_error(cfg, "%s \"%s\": %s", cfg_opt_name(opt), v ? v : "", why);
			return -1;
		}
	}
	return 0;
}

static int validate_path(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_template(cfg, opt, TEMPLATE_PATH);
}

/* rootfs_lower and rootfs_upper end up in overlayfs's option string,
 * where ',', ':' and '\\' are separators or escapes; the upper layer
 * lives in a directory of its own, never "/". */
static int validate_layer(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (validate_template(cfg, opt, TEMPLATE_PATH) < 0)
		return -1;
	if (v && strpbrk(v, ",:\\")) {
		cfg_error(cfg, "%s \"%s\": ',', ':' and '\\' cannot be used in overlay paths",
			  cfg_opt_name(opt), v);
		return -1;
	}
	if (v && streq(v, "/")) {
		cfg_error(cfg, "%s \"/\": must be a directory below /", cfg_opt_name(opt));
		return -1;
	}
	return 0;
}

static int validate_box_path(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_size(opt) > CONFIG_MAX_MOUNTS) {
		cfg_error(cfg, "%s: more than %d entries", cfg_opt_name(opt), CONFIG_MAX_MOUNTS);
		return -1;
	}
	return validate_template(cfg, opt, TEMPLATE_BOX_PATH);
}

static int validate_tmpfs(cfg_t *cfg, cfg_opt_t *opt)
{
	/* Few: each is a tmpfs the user can fill (see tmpfs_size). */
	if (cfg_opt_size(opt) > CONFIG_MAX_TMPFS) {
		cfg_error(cfg, "tmpfs: more than %d entries", CONFIG_MAX_TMPFS);
		return -1;
	}
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i), *why = NULL;
		_cleanup_free_ char *path = NULL;
		unsigned mode;

		if (!v || split_tmpfs_entry(v, &path, &mode, &why) < 0 ||
		    template_check(path, TEMPLATE_BOX_PATH, &why) < 0) {
			cfg_error(cfg, "tmpfs \"%s\": %s", v ? v : "", why ? why : "invalid");
			return -1;
		}
	}
	return 0;
}

static int validate_hostname(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_template(cfg, opt, TEMPLATE_HOSTNAME);
}

/* A tmpfs size (values.c check_tmpfs_size). */
static int validate_size(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v && check_tmpfs_size(v) == 0)
		return 0;
	cfg_error(cfg, "tmpfs_size must be a number above 0 with k, m, g or %%, not \"%s\"",
		  v ? v : "");
	return -1;
}

static int validate_choice(cfg_t *cfg, cfg_opt_t *opt, const char *a, const char *b)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v && (streq(v, a) || streq(v, b)))
		return 0;
	cfg_error(cfg, "%s must be \"%s\" or \"%s\", not \"%s\"", cfg_opt_name(opt), a, b,
		  v ? v : "");
	return -1;
}

static int validate_share(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_choice(cfg, opt, "session", "user");
}

static int validate_network(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_choice(cfg, opt, "host", "none");
}

static int validate_linger(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	long secs;

	if (v && parse_duration(v, &secs) == 0)
		return 0;
	cfg_error(cfg, "linger must be a duration (30s, 5m, 2h, 1d, 0) or \"forever\", not \"%s\"",
		  v ? v : "");
	return -1;
}

static int validate_bytes(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	unsigned long long bytes;

	if (v && parse_bytes(v, &bytes) == 0)
		return 0;
	cfg_error(cfg, "%s must be a size (512m, 2g...), not \"%s\"", cfg_opt_name(opt), v ? v : "");
	return -1;
}

static int validate_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v >= lo && v <= hi)
		return 0;
	cfg_error(cfg, "%s must be between %ld and %ld, not %ld", cfg_opt_name(opt), lo, hi, v);
	return -1;
}

static int validate_pids(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 4194304);
}

static int validate_weight(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, 10000);
}

static int validate_nofile(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 16, 1048576);
}

/* devpts takes max= up to NR_UNIX98_PTY_MAX; 0 would be no cap at all. */
static int validate_ptys(cfg_t *cfg, cfg_opt_t *opt)
{
	return validate_range(cfg, opt, 1, CONFIG_PTYS_MAX_CEILING);
}

static int validate_names(cfg_t *cfg, cfg_opt_t *opt)
{
	if (cfg_opt_size(opt) > CONFIG_MAX_NAMES) {
		cfg_error(cfg, "%s: more than %d names", cfg_opt_name(opt), CONFIG_MAX_NAMES);
		return -1;
	}
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *v = cfg_opt_getnstr(opt, i);
		if (!v || !*v || strlen(v) > 255 || strpbrk(v, ":/\n")) {
			cfg_error(cfg, "%s: invalid name \"%s\"", cfg_opt_name(opt), v ? v : "");
			return -1;
		}
	}
	return 0;
}

static int validate_bind(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

	if (cfg_opt_size(opt) > CONFIG_MAX_MOUNTS) {
		cfg_error(cfg, "more than %d bind sections", CONFIG_MAX_MOUNTS);
		return -1;
	}
	if (!sec || cfg_size(sec, "source") == 0) {
		cfg_error(cfg, "bind: \"source\" is required");
		return -1;
	}
	return 0;
}

/* Box records keep rule names in 128 bytes (registry.h): a longer one
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

static int validate_rule(cfg_t *cfg, cfg_opt_t *opt)
{
	cfg_t *sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);

	if (cfg_opt_size(opt) > CONFIG_MAX_RULES) {
		cfg_error(cfg, "more than %d rules", CONFIG_MAX_RULES);
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

static void set_validators(cfg_t *cfg)
{
	static const char *const scopes[] = { "", "rule|" };
	static const struct {
		const char *key;
		cfg_validate_callback_t fn;
	} checks[] = {
		{ "on_error", validate_on_error },	{ "rootfs", validate_path },
		{ "shell", validate_box_path },		{ "tmpfs", validate_tmpfs },
		{ "hostname", validate_hostname },	{ "bind|source", validate_path },
		{ "bind|target", validate_box_path },	{ "bind", validate_bind },
		{ "tmpfs_size", validate_size },	{ "share", validate_share },
		{ "network", validate_network },	{ "linger", validate_linger },
		{ "memory_max", validate_bytes },	{ "pids_max", validate_pids },
		{ "cpu_weight", validate_weight },	{ "nofile", validate_nofile },
		{ "ptys_max", validate_ptys },
		{ "rootfs_lower", validate_layer },	{ "rootfs_upper", validate_layer },
	};
	char key[64];

	for (size_t s = 0; s < ARRAY_SIZE(scopes); s++)
		for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
			snprintf(key, sizeof(key), "%s%s", scopes[s], checks[i].key);
			cfg_set_validate_func(cfg, key, checks[i].fn);
		}
	cfg_set_validate_func(cfg, "rule|users", validate_names);
	cfg_set_validate_func(cfg, "rule|groups", validate_names);
	cfg_set_validate_func(cfg, "rule", validate_rule);
}

/* The rule's own value of KEY, else the top level's, else NULL. */
static cfg_t *scope_of(cfg_t *rule, cfg_t *top, const char *key)
{
	if (cfg_size(rule, key) > 0)
		return rule;
	if (cfg_size(top, key) > 0)
		return top;
	return NULL;
}

static int dup_str(cfg_t *rule, cfg_t *top, const char *key, char **ret)
{
	cfg_t *scope = scope_of(rule, top, key);

	*ret = NULL;
	if (!scope)
		return 0;
	*ret = strdup(cfg_getstr(scope, key));
	return *ret ? 0 : -ENOMEM;
}

static int dup_list(cfg_t *scope, const char *key, char ***ret, size_t *ret_n)
{
	size_t n = scope ? cfg_size(scope, key) : 0;

	*ret = NULL;
	*ret_n = 0;
	if (n == 0)
		return 0;
	*ret = calloc(n + 1, sizeof(char *));
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*ret)[i] = strdup(cfg_getnstr(scope, key, (unsigned)i));
		if (!(*ret)[i])
			return -ENOMEM;
		*ret_n = i + 1;
	}
	return 0;
}

static int dup_binds(cfg_t *scope, struct rule *r)
{
	size_t n = scope ? cfg_size(scope, "bind") : 0;

	if (n == 0)
		return 0;
	r->binds = calloc(n, sizeof(*r->binds));
	if (!r->binds)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		cfg_t *b = cfg_getnsec(scope, "bind", (unsigned)i);
		const char *target = cfg_size(b, "target") ? cfg_getstr(b, "target") : NULL;
		struct bind_template *t = &r->binds[i];

		r->n_binds = i + 1;
		t->source = strdup(cfg_getstr(b, "source"));
		t->target = strdup(target ? target : cfg_getstr(b, "source"));
		t->readonly = cfg_getbool(b, "readonly");
		t->optional = cfg_getbool(b, "optional");
		if (!t->source || !t->target)
			return -ENOMEM;
		/* A target defaults to the source; it must then pass as a box
		 * path too. */
		if (!target) {
			const char *why = NULL;
			if (template_check(t->target, TEMPLATE_BOX_PATH, &why) < 0) {
				log_error("%s:%d: bind \"%s\" as target: %s", parsing_name, b->line,
					  t->target, why);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static enum on_error on_error_of(cfg_t *scope)
{
	return scope && streq(cfg_getstr(scope, "on_error"), "allow") ? ON_ERROR_ALLOW
								       : ON_ERROR_DENY;
}

/* share, linger, network and the limits (all validated while parsing). */
static void convert_lifecycle(cfg_t *sec, cfg_t *top, struct rule *r)
{
	cfg_t *scope;

	scope = scope_of(sec, top, "share");
	r->share = scope && streq(cfg_getstr(scope, "share"), "user") ? SHARE_USER : SHARE_SESSION;
	scope = scope_of(sec, top, "linger");
	if (!scope || parse_duration(cfg_getstr(scope, "linger"), &r->linger) < 0)
		r->linger = 0;
	scope = scope_of(sec, top, "network");
	r->network_none = scope && streq(cfg_getstr(scope, "network"), "none");
	scope = scope_of(sec, top, "pids_max");
	r->pids_max = scope ? cfg_getint(scope, "pids_max") : 0;
	scope = scope_of(sec, top, "cpu_weight");
	r->cpu_weight = scope ? cfg_getint(scope, "cpu_weight") : 0;
	scope = scope_of(sec, top, "nofile");
	r->nofile = scope ? cfg_getint(scope, "nofile") : 0;
	scope = scope_of(sec, top, "ptys_max");
	r->ptys_max = scope ? cfg_getint(scope, "ptys_max") : CONFIG_DEFAULT_PTYS_MAX;
	scope = scope_of(sec, top, "memory_max");
	if (!scope || parse_bytes(cfg_getstr(scope, "memory_max"), &r->memory_max) < 0)
		r->memory_max = 0;
}

/* Whether template T names the user (%u or %U, not an escaped %%u). */
static bool names_the_user(const char *t)
{
	for (const char *p = t; *p; p++)
		if (*p == '%' && p[1]) {
			if (p[1] == 'u' || p[1] == 'U')
				return true;
			p++;
		}
	return false;
}

static int convert_rule(cfg_t *top, cfg_t *sec, struct rule *r)
{
	cfg_t *scope;
	int err = 0;

	r->name = strdup(cfg_title(sec));
	r->line = sec->line;
	if (!r->name)
		return -ENOMEM;
	err = dup_list(sec, "users", &r->users, &r->n_users);
	err = err ?: dup_list(sec, "groups", &r->groups, &r->n_groups);
	err = err ?: dup_str(sec, top, "rootfs", &r->rootfs);
	err = err ?: dup_str(sec, top, "hostname", &r->hostname);
	err = err ?: dup_str(sec, top, "shell", &r->shell);
	err = err ?: dup_str(sec, top, "tmpfs_size", &r->tmpfs_size);
	err = err ?: dup_str(sec, top, "rootfs_lower", &r->rootfs_lower);
	err = err ?: dup_str(sec, top, "rootfs_upper", &r->rootfs_upper);
	err = err ?: dup_list(scope_of(sec, top, "tmpfs"), "tmpfs", &r->tmpfs, &r->n_tmpfs);
	err = err ?: dup_binds(scope_of(sec, top, "bind"), r);
	if (err)
		return err;
	scope = scope_of(sec, top, "syslog_socket");
	r->syslog_socket = scope && cfg_getbool(scope, "syslog_socket");
	scope = scope_of(sec, top, "accounting");
	r->accounting = !scope || cfg_getbool(scope, "accounting");
	r->on_error = on_error_of(scope_of(sec, top, "on_error"));
	if (!r->hostname && !(r->hostname = strdup("nsbox")))
		return -ENOMEM;
	if (!r->tmpfs_size && !(r->tmpfs_size = strdup(CONFIG_DEFAULT_TMPFS_SIZE)))
		return -ENOMEM;
	convert_lifecycle(sec, top, r);
	if (!r->rootfs_lower != !r->rootfs_upper) {
		log_error("%s:%d: rule %s: rootfs_lower and rootfs_upper go together", parsing_name,
			  r->line, r->name);
		return -EINVAL;
	}
	if (r->rootfs_lower && r->rootfs && cfg_size(sec, "rootfs") > 0) {
		log_error("%s:%d: rule %s: set rootfs or rootfs_lower/rootfs_upper, not both",
			  parsing_name, r->line, r->name);
		return -EINVAL;
	}
	if (r->rootfs_upper && r->share != SHARE_USER) {
		log_error("%s:%d: rule %s: rootfs_upper needs share = \"user\" (two boxes of one "
			  "user must not mount the same upper layer)",
			  parsing_name, r->line, r->name);
		return -EINVAL;
	}
	/* One upper layer per user: two users sharing one would read each
	 * other's writes (and overlayfs warns "upperdir is in-use"). */
	if (r->rootfs_upper && !names_the_user(r->rootfs_upper)) {
		log_error("%s:%d: rule %s: rootfs_upper \"%s\" must name the user (%%u or %%U): "
			  "each user needs an upper layer of their own",
			  parsing_name, r->line, r->name, r->rootfs_upper);
		return -EINVAL;
	}
	if (!r->rootfs && !r->rootfs_lower) {
		log_error("%s:%d: rule %s: no rootfs (set it in the rule or at the top level)",
			  parsing_name, r->line, r->name);
		return -EINVAL;
	}
	return 0;
}

static int convert(cfg_t *cfg, const char *name, struct config **ret)
{
	struct config *c = calloc(1, sizeof(*c));
	size_t n = cfg_size(cfg, "rule");
	int r = 0;

	if (!c || !(c->path = strdup(name)))
		goto oom;
	c->confine_root = cfg_getbool(cfg, "confine_root");
	c->on_error = on_error_of(scope_of(cfg, cfg, "on_error"));
	if (n > 0 && !(c->rules = calloc(n, sizeof(*c->rules))))
		goto oom;
	for (size_t i = 0; i < n && r == 0; i++) {
		c->n_rules = i + 1;
		r = convert_rule(cfg, cfg_getnsec(cfg, "rule", (unsigned)i), &c->rules[i]);
	}
	if (r < 0) {
		if (r == -ENOMEM)
			log_error("%s: out of memory", name);
		config_free(c);
		return r;
	}
	*ret = c;
	return 0;
oom:
	config_free(c);
	log_error("%s: out of memory", name);
	return -ENOMEM;
}

int config_parse_buffer(const char *name, const char *data, size_t size, struct config **ret)
{
	_cleanup_free_ char *text = NULL;
	const char *nul;
	char why[160];
	cfg_t *cfg;
	int line = 0, r;

	if (size > CONFIG_MAX_BYTES) {
		log_error("%s: larger than %d bytes", name, CONFIG_MAX_BYTES);
		return -EFBIG;
	}
	/* libconfuse wants a C string. */
	text = malloc(size + 1);
	if (!text)
		return -ENOMEM;
	memcpy(text, data, size);
	text[size] = '\0';
	/* libconfuse stops at a NUL: the rules after it would be lost. */
	nul = memchr(data, '\0', size);
	if (nul) {
		line = 1;
		for (const char *c = data; c < nul; c++)
			line += *c == '\n';
		log_error("%s:%d: a NUL byte (the config must be text)", name, line);
		return -EINVAL;
	}
	if (config_precheck(text, &line, why, sizeof(why)) < 0) {
		log_error("%s:%d: %s", name, line, why);
		return -EINVAL;
	}

	cfg = cfg_init(top_opts, CFGF_NONE);
	if (!cfg)
		return -ENOMEM;
	parsing_name = name;
	cfg_set_error_function(cfg, log_confuse_error);
	set_validators(cfg);
	switch (cfg_parse_buf(cfg, text)) {
	case CFG_SUCCESS:
		r = convert(cfg, name, ret);
		break;
	case CFG_FILE_ERROR:
		r = log_errno(EIO, "%s", name);
		break;
	default:
		r = -EINVAL;
		break;
	}
	cfg_free(cfg);
	return r;
}

/* Open the config the way OpenSSH opens its own: every directory from / down
 * and the file itself root-owned and not writable by group or others. The
 * check runs on the fds that are then read, so nothing can be swapped in
 * between. */
static int open_config(const char *path, bool check_owner, int *ret_fd)
{
	_cleanup_close_ int pathfd = -1;
	char proc[64];
	int fd, r;

	if (check_owner) {
		r = walk_path("config", path, WALK_ROOT_OWNED, &pathfd);
		if (r < 0)
			return r;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
		path = proc;
	}
	/* O_NONBLOCK: a FIFO planted in place of the config must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return log_errno(errno, "config %s", path);
	*ret_fd = fd;
	return 0;
}

int config_load(const char *path, bool check_owner, struct config **ret)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t got = 0;
	int r;

	if (!path_is_normalized_absolute(path)) {
		log_error("config \"%s\": not a normalised absolute path", path);
		return -EINVAL;
	}
	if ((r = open_config(path, check_owner, &fd)) < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return log_errno(errno, "stat(\"%s\")", path);
	if (!S_ISREG(st.st_mode)) {
		log_error("config %s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		log_error("config %s: larger than %d bytes", path, CONFIG_MAX_BYTES);
		return -EFBIG;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return log_errno(errno, "read(\"%s\")", path);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	r = config_parse_buffer(path, data, got, ret);
	/* The bytes just parsed, unchanged (the parser works on a copy): the
	 * policy index carries them, so it is the summary of exactly these
	 * bytes, whatever the file held before or after the read. */
	if (r == 0 && check_owner) {
		(*ret)->text = TAKE_PTR(data);
		(*ret)->text_size = got;
	}
	return r;
}

static void strv_free_n(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_rules; i++) {
		struct rule *r = &c->rules[i];
		free(r->name);
		strv_free_n(r->users, r->n_users);
		strv_free_n(r->groups, r->n_groups);
		free(r->rootfs);
		free(r->hostname);
		free(r->shell);
		free(r->tmpfs_size);
		free(r->rootfs_lower);
		free(r->rootfs_upper);
		strv_free_n(r->tmpfs, r->n_tmpfs);
		for (size_t j = 0; j < r->n_binds; j++) {
			free(r->binds[j].source);
			free(r->binds[j].target);
		}
		free(r->binds);
	}
	free(c->rules);
	free(c->path);
	free(c->text);
	free(c);
}
