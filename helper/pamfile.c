/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading /etc/pam.d the way Linux-PAM's pam_handlers.c does, far enough to
 * know the order of a service's session modules: '#' starts a comment, a
 * '\' at the end of a line continues it, "[...]" is one field, the type may
 * start with '-', "@include FILE" brings in every line of FILE and
 * "session include FILE" / "session substack FILE" its session lines; a
 * relative FILE is looked up in the pam.d directory; nesting deeper than
 * PAM_SUBSTACK_MAX_LEVEL breaks the stack.
 *
 * Safety: this runs in `nsbox check`, as whoever runs it, on files root
 * owns. Still, a file is opened O_NONBLOCK|O_NOCTTY and read only if it is
 * a regular file (a FIFO named there cannot hang the check), at most
 * PAMFILE_MAX_SIZE bytes of it, at most PAMFILE_MAX_FILES files and
 * PAMFILE_MAX_ENTRIES modules per service (an include loop ends). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/util.h"
#include "pamfile.h"

#define NSBOX_MODULE "pam_nsbox.so"
#define SPACES	     " \t\n\r\v\f"

/* The next field of *P: whitespace-separated, or "[...]" up to the first
 * ']' (which may hold spaces). NULL at the end. */
static char *next_field(char **p)
{
	char *s = *p + strspn(*p, SPACES), *e;

	if (!*s)
		return NULL;
	if (*s == '[' && (e = strchr(s, ']')))
		e++;
	else
		e = s + strcspn(s, SPACES);
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

int pam_parse_line(char *line, struct pam_line *ret)
{
	char *p = line, *first = next_field(&p), *arg;

	*ret = (struct pam_line){ 0 };
	if (!first)
		return 1;
	if (streq(first, "@include")) {
		ret->at_include = true;
		ret->module = next_field(&p);
		return ret->module ? 0 : -EINVAL;
	}
	ret->type = first[0] == '-' ? first + 1 : first;
	ret->control = next_field(&p);
	ret->module = next_field(&p);
	if (!ret->control || !ret->module)
		return -EINVAL;
	while ((arg = next_field(&p)))
		if (streq(arg, "leave"))
			ret->leave = true;
	return 0;
}

static bool is_nsbox_module(const char *module)
{
	const char *base = strrchr(module, '/');

	return streq(base ? base + 1 : module, NSBOX_MODULE);
}

struct loader {
	const char *dir;
	struct pam_stack *stack;
};

static int strv_push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static int add_problem(struct pam_stack *s, const char *fmt, ...) _printf_(2, 3);
static int add_problem(struct pam_stack *s, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	return strv_push(&s->problems, &s->n_problems, r < 0 ? NULL : text);
}

/* DIR/NAME, or NAME when it is absolute (as Linux-PAM's includes). */
static char *file_path(const char *dir, const char *name)
{
	char *path = NULL;

	if (name[0] == '/')
		return strdup(name);
	return asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : path;
}

/* The whole of PATH as a string, if it is a regular file of sane size. */
static int read_small_file(const char *path, char **ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EBADFD;
	if (st.st_size > PAMFILE_MAX_SIZE)
		return -EFBIG;
	buf = malloc(PAMFILE_MAX_SIZE + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k = RETRY_EINTR(read(fd, buf + len, PAMFILE_MAX_SIZE + 1 - len));
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > PAMFILE_MAX_SIZE)
			return -EFBIG;
	}
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EINVAL; /* a NUL byte: not a PAM file */
	*ret = TAKE_PTR(buf);
	return 0;
}

/* The next logical line from *CUR: comment cut at '#', a line ending in
 * '\' joined with the next. *LINENO counts physical lines; *FIRST gets the
 * number of the logical line's first. NULL at the end of the text. */
static char *next_logical_line(char **cur, unsigned *lineno, unsigned *first)
{
	char *start = *cur, *out = *cur;

	if (!**cur)
		return NULL;
	*first = *lineno + 1;
	for (;;) {
		char *p = *cur, *nl = strchr(p, '\n'), *hash, *end;
		size_t len;

		if (!*p)
			break;
		if (nl)
			*nl = '\0';
		*cur = nl ? nl + 1 : p + strlen(p);
		(*lineno)++;
		hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		end = p + strlen(p);
		while (end > p && strchr(SPACES, end[-1]))
			end--;
		len = (size_t)(end - p);
		memmove(out, p, len);
		out += len;
		if (hash || len == 0 || out[-1] != '\\')
			break;
		out[-1] = ' ';
	}
	*out = '\0';
	return start;
}

static int load_file(struct loader *l, const char *name, const char *from, unsigned from_line,
		     unsigned depth);

static int add_entry(struct loader *l, const char *path, unsigned lineno, const struct pam_line *pl)
{
	struct pam_stack *s = l->stack;
	struct pam_entry *ne, *e;

	if (s->n_entries >= PAMFILE_MAX_ENTRIES)
		return add_problem(s, "%s:%u: more than %d session modules; stopped reading", path,
				   lineno, PAMFILE_MAX_ENTRIES);
	ne = realloc(s->entries, (s->n_entries + 1) * sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	s->entries = ne;
	e = &ne[s->n_entries];
	*e = (struct pam_entry){ .file = strdup(path),
				 .line = lineno,
				 .module = strdup(pl->module),
				 .nsbox = is_nsbox_module(pl->module) };
	e->leave = e->nsbox && pl->leave;
	s->n_entries++;
	if (!e->file || !e->module)
		return -ENOMEM;
	return 0;
}

/* One logical line of PATH: a session module, or an include to follow. */
static int handle_line(struct loader *l, const char *path, unsigned lineno, char *text,
		       unsigned depth)
{
	struct pam_line pl;
	int r = pam_parse_line(text, &pl);

	if (r != 0)
		return 0; /* empty, or a line PAM itself skips as broken */
	if (pl.at_include)
		return load_file(l, pl.module, path, lineno, depth + 1);
	if (strcasecmp(pl.type, "session") != 0)
		return 0;
	if (strcasecmp(pl.control, "include") == 0 || strcasecmp(pl.control, "substack") == 0)
		return load_file(l, pl.module, path, lineno, depth + 1);
	return add_entry(l, path, lineno, &pl);
}

static int load_file(struct loader *l, const char *name, const char *from, unsigned from_line,
		     unsigned depth)
{
	_cleanup_free_ char *path = file_path(l->dir, name), *text = NULL;
	char *cur, *line;
	unsigned lineno = 0, first = 0;
	int r;

	if (!path)
		return -ENOMEM;
	if (depth >= PAMFILE_MAX_DEPTH)
		return add_problem(l->stack,
				   "%s:%u: includes nested %d deep (PAM refuses the stack)", from,
				   from_line, PAMFILE_MAX_DEPTH);
	if (++l->stack->n_files > PAMFILE_MAX_FILES)
		return add_problem(l->stack, "%s:%u: more than %d files included; stopped reading",
				   from, from_line, PAMFILE_MAX_FILES);
	r = read_small_file(path, &text);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return from ? add_problem(l->stack, "%s:%u: cannot read included %s: %s", from,
					  from_line, path, strerror(-r))
			    : add_problem(l->stack, "%s: cannot read: %s", path, strerror(-r));
	cur = text;
	while ((line = next_logical_line(&cur, &lineno, &first))) {
		r = handle_line(l, path, first, line, depth);
		if (r < 0)
			return r;
	}
	return 0;
}

int pam_stack_load(const char *dir, const char *service, struct pam_stack *ret)
{
	struct loader l = { .dir = dir, .stack = ret };
	int r;

	*ret = (struct pam_stack){ 0 };
	r = load_file(&l, service, NULL, 0, 0);
	if (r < 0)
		pam_stack_free(ret);
	return r;
}

void pam_stack_free(struct pam_stack *s)
{
	for (size_t i = 0; i < s->n_entries; i++) {
		free(s->entries[i].file);
		free(s->entries[i].module);
	}
	free(s->entries);
	for (size_t i = 0; i < s->n_problems; i++)
		free(s->problems[i]);
	free(s->problems);
	*s = (struct pam_stack){ 0 };
}

static void warnf(size_t *count, pam_warn_fn warn, void *userdata, const char *fmt, ...)
	_printf_(4, 5);
static void warnf(size_t *count, pam_warn_fn warn, void *userdata, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	warn(text, userdata);
	(*count)++;
}

static const char *module_name(const char *module)
{
	const char *base = strrchr(module, '/');

	return base ? base + 1 : module;
}

size_t pam_stack_warnings(const struct pam_stack *s, const char *service, pam_warn_fn warn,
			  void *userdata)
{
	const struct pam_entry *confine = NULL, *leave = NULL;
	size_t count = 0, i_confine = 0, i_leave = 0;

	for (size_t i = 0; i < s->n_entries; i++) {
		const struct pam_entry *e = &s->entries[i];
		if (e->nsbox && !e->leave && !confine)
			confine = e, i_confine = i;
		else if (e->leave && !leave)
			leave = e, i_leave = i;
	}
	if (!confine)
		return 0;
	for (size_t i = 0; i < s->n_problems; i++)
		warnf(&count, warn, userdata, "%s (service %s)", s->problems[i], service);
	for (size_t i = i_confine + 1; i < s->n_entries; i++) {
		const struct pam_entry *e = &s->entries[i];
		if (e->leave)
			continue; /* reported below, if it is the first */
		if (e->nsbox)
			warnf(&count, warn, userdata,
			      "%s:%u: service %s: a second confining pam_nsbox.so (the first is "
			      "%s:%u) "
			      "refuses every confined session",
			      e->file, e->line, service, confine->file, confine->line);
		else
			warnf(&count, warn, userdata,
			      "%s:%u: service %s: %s runs inside the box: it comes after the "
			      "confining "
			      "pam_nsbox.so at %s:%u, which must be the last session line",
			      e->file, e->line, service, module_name(e->module), confine->file,
			      confine->line);
	}
	if (!leave || i_leave > i_confine) {
		warnf(&count, warn, userdata,
		      "%s:%u: service %s: no \"session optional pam_nsbox.so leave\" line before "
		      "the "
		      "confining pam_nsbox.so: the session modules above it close inside the box",
		      confine->file, confine->line, service);
		return count;
	}
	for (size_t i = 0; i < i_leave; i++)
		warnf(&count, warn, userdata,
		      "%s:%u: service %s: %s closes inside the box: it comes before pam_nsbox.so "
		      "leave at %s:%u, which must be the first session line",
		      s->entries[i].file, s->entries[i].line, service,
		      module_name(s->entries[i].module), leave->file, leave->line);
	return count;
}

static int service_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int pam_check_dir(const char *dir, pam_warn_fn warn, void *userdata)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, service_filter, alphasort), r = 0;
	size_t count = 0;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = file_path(dir, names[i]->d_name);
		struct pam_stack s;
		struct stat st;

		/* Only regular files are services (stat follows a symlink, as
		 * PAM's fopen does); a FIFO or directory is no service. */
		if (r == 0 && path && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			r = pam_stack_load(dir, names[i]->d_name, &s);
			if (r == 0) {
				count += pam_stack_warnings(&s, names[i]->d_name, warn, userdata);
				pam_stack_free(&s);
			}
		} else if (!path) {
			r = -ENOMEM;
		}
		free(names[i]);
	}
	free(names);
	return r < 0 ? r : (int)count;
}
