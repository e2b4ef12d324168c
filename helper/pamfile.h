/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A reader of PAM service files (/etc/pam.d), for `nsbox check`: it
 * expands a service's session stack the way Linux-PAM does (`@include`,
 * `session include`, `session substack`, comments, `\` continuations) and
 * says where pam_nsbox sits in it. Nothing here runs at login. */
#ifndef NSBOX_PAMFILE_H
#define NSBOX_PAMFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Linux-PAM's PAM_SUBSTACK_MAX_LEVEL: an include this deep (the service
 * file is level 0) breaks the stack. */
#define PAMFILE_MAX_DEPTH 16
/* Ceilings, so a hostile or looping pam.d cannot make the check hang. */
#define PAMFILE_MAX_SIZE    (1024 * 1024)
#define PAMFILE_MAX_FILES   256
#define PAMFILE_MAX_ENTRIES 4096

/* One logical line of a PAM file, split as Linux-PAM splits it. */
struct pam_line {
	bool at_include;     /* "@include FILE": every type of FILE */
	const char *type;    /* "session", "auth"...; without a leading '-' */
	const char *control; /* "required", "[default=1]", "include"... */
	const char *module;  /* module path, or the file of include/substack */
	bool leave;	     /* one of the arguments is "leave" */
};

/* A session module of a service's expanded stack, in the order PAM runs it. */
struct pam_entry {
	char *file; /* the file it is in, as named (DIR/NAME or absolute) */
	unsigned line;
	char *module;
	bool nsbox; /* pam_nsbox.so */
	bool leave; /* pam_nsbox.so leave */
};

struct pam_stack {
	struct pam_entry *entries;
	size_t n_entries;
	char **problems; /* "FILE:LINE: cannot read ..."; NULL-terminated */
	size_t n_problems;
	size_t n_files;
};

/* Split LINE (modified in place; comments and continuations already
 * removed). Returns 0, 1 for an empty line, -EINVAL for a line PAM would
 * reject (too few fields). */
int pam_parse_line(char *line, struct pam_line *ret);

/* The session stack of SERVICE, a file in DIR (or an absolute path).
 * Unreadable files are problems in the stack, not errors: -errno only for
 * memory. */
int pam_stack_load(const char *dir, const char *service, struct pam_stack *ret);
void pam_stack_free(struct pam_stack *s);

/* Called once per warning, with "FILE:LINE: what is wrong" (no newline). */
typedef void (*pam_warn_fn)(const char *text, void *userdata);

/* Warn where SERVICE's stack puts host work inside the box: session modules
 * after the confining pam_nsbox line (they open in the box), before the
 * `leave` line (they close in it), no `leave` line, a second confining
 * line. Nothing when the stack has no confining line. Returns the number of
 * warnings. */
size_t pam_stack_warnings(const struct pam_stack *s, const char *service, pam_warn_fn warn,
			  void *userdata);

/* Every service file in DIR (hidden files skipped) whose stack mentions
 * pam_nsbox, checked as above, in name order. Returns the number of
 * warnings, or -errno when DIR cannot be read (-ENOENT: no pam.d). */
int pam_check_dir(const char *dir, pam_warn_fn warn, void *userdata);

#endif
