/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "configkeys.h"
#include "configshape.h"
#include "log.h"
#include "path.h"

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

/* Where the value of key K for rule SEC is: the rule's own, else the top
 * level's (for a key that may stand there), else nowhere (NULL). */
static cfg_t *value_scope(const struct config_key *k, cfg_t *sec, cfg_t *top)
{
	if (cfg_size(sec, k->name) > 0)
		return sec;
	if ((k->where & KEY_AT_TOP) && cfg_size(top, k->name) > 0)
		return top;
	return NULL;
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

/* Rule SEC of config FILE into R: every key of the table (configkeys.c),
 * then what must hold between keys. */
static int convert_rule(cfg_t *top, cfg_t *sec, struct rule *r, const char *file)
{
	int err;

	r->name = strdup(cfg_title(sec));
	r->line = sec->line;
	if (!r->name)
		return -ENOMEM;
	for (size_t i = 0; i < n_config_keys; i++) {
		const struct config_key *k = &config_keys[i];

		if (!config_key_stored_in(k, KEY_IN_RULE))
			continue;
		err = config_key_convert(k, value_scope(k, sec, top), r, file);
		if (err < 0)
			return err;
	}
	if (!r->rootfs_lower != !r->rootfs_upper) {
		log_error("%s:%d: rule %s: rootfs_lower and rootfs_upper go together", file,
			  r->line, r->name);
		return -EINVAL;
	}
	if (r->rootfs_lower && r->rootfs && cfg_size(sec, "rootfs") > 0) {
		log_error("%s:%d: rule %s: set rootfs or rootfs_lower/rootfs_upper, not both",
			  file, r->line, r->name);
		return -EINVAL;
	}
	if (r->rootfs_upper && r->share != SHARE_USER) {
		log_error("%s:%d: rule %s: rootfs_upper needs share = \"user\" (two boxes of one "
			  "user must not mount the same upper layer)",
			  file, r->line, r->name);
		return -EINVAL;
	}
	/* One upper layer per user: two users sharing one would read each
	 * other's writes (and overlayfs warns "upperdir is in-use"). */
	if (r->rootfs_upper && !names_the_user(r->rootfs_upper)) {
		log_error("%s:%d: rule %s: rootfs_upper \"%s\" must name the user (%%u or %%U): "
			  "each user needs an upper layer of their own",
			  file, r->line, r->name, r->rootfs_upper);
		return -EINVAL;
	}
	if (!r->rootfs && !r->rootfs_lower) {
		log_error("%s:%d: rule %s: no rootfs (set it in the rule or at the top level)",
			  file, r->line, r->name);
		return -EINVAL;
	}
	return 0;
}

static int convert(cfg_t *cfg, const char *name, struct config **ret)
{
	struct config *c = calloc(1, sizeof(*c));
	const struct config_key *on_error = config_key_named("on_error");
	size_t n = cfg_size(cfg, "rule");
	struct rule top_rule = { 0 };
	int r = 0;

	if (!c || !(c->path = strdup(name)))
		goto oom;
	for (size_t i = 0; i < n_config_keys && r == 0; i++) {
		const struct config_key *k = &config_keys[i];

		if (config_key_stored_in(k, KEY_AT_TOP))
			r = config_key_convert(k, cfg_size(cfg, k->name) > 0 ? cfg : NULL, c, name);
	}
	/* The top level's on_error is also the policy for what fails before
	 * a rule is known: what a rule that sets none gets. */
	if (r == 0)
		r = config_key_convert(on_error, value_scope(on_error, cfg, cfg), &top_rule, name);
	c->on_error = top_rule.on_error;
	if (n > 0 && !(c->rules = calloc(n, sizeof(*c->rules))))
		goto oom;
	for (size_t i = 0; i < n && r == 0; i++) {
		c->n_rules = i + 1;
		r = convert_rule(cfg, cfg_getnsec(cfg, "rule", (unsigned)i), &c->rules[i], name);
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

	cfg = cfg_init(config_key_options(KEY_AT_TOP), CFGF_NONE);
	if (!cfg)
		return -ENOMEM;
	parsing_name = name;
	cfg_set_error_function(cfg, log_confuse_error);
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
		r = walk_path("config", path, WALK_ROOT_OWNED, PATH_TRUST_ROOT, &pathfd);
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

bool config_names_groups(const struct config *c)
{
	for (size_t i = 0; i < c->n_rules; i++)
		if (c->rules[i].n_groups > 0)
			return true;
	return false;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_rules; i++) {
		free(c->rules[i].name);
		config_keys_free(KEY_IN_RULE, &c->rules[i]);
	}
	config_keys_free(KEY_AT_TOP, c);
	free(c->rules);
	free(c->path);
	free(c->text);
	free(c);
}
