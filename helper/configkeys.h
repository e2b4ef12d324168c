/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The keys of nsbox.conf as one table (configkeys.c): for each key its
 * name, where it may stand, its type, its default, how a value is checked
 * while libconfuse parses it, where it is stored, how `nsbox check -v`
 * shows it, and one line saying what it is. config.c builds libconfuse's
 * options from the table and converts and frees a config by it, check.c's
 * summary prints a rule by it, and tests/unit/test_configkeys.c holds
 * man/nsbox.conf.5 to it. A new key is an entry there, its field in
 * struct rule (rule.h) and its test. */
#ifndef NSBOX_CONFIGKEYS_H
#define NSBOX_CONFIGKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rule.h"
#include "values.h"

/* libconfuse's types, only named here: outside config, nothing touches
 * libconfuse (config.h). */
struct cfg_t;
struct cfg_opt_t;

/* Where a key may stand; a key may have more than one. */
enum {
	KEY_AT_TOP = 1 << 0,  /* the top level; for a rule key, every rule's default */
	KEY_IN_RULE = 1 << 1, /* rule NAME { ... } */
	KEY_IN_BIND = 1 << 2, /* bind { ... } */
};

/* What a value looks like in the config, the field it is stored in and
 * how it is shown (configkeys.c: key_bool, key_string, ...). */
struct config_type;

/* nsbox check -v's summary of a rule, being printed (configkeys.c). */
struct summary;

/* How a key is shown on nsbox check -v's summary of a rule. */
enum key_show {
	SHOW_SAME_LINE = 0, /* after the one before, with ", " */
	SHOW_NEW_LINE,	    /* at the start of a line */
	SHOW_HIDDEN,	    /* not shown (another key's entry shows it) */
};

struct config_key {
	const char *name;
	unsigned where; /* KEY_AT_TOP, KEY_IN_RULE, KEY_IN_BIND */
	const struct config_type *type;
	/* The value of a key set nowhere, as nsbox.conf would write it
	 * ("false", "128", "2%"), converted as a written one is. NULL: none
	 * (NULL, 0, false, an empty list). nsbox.conf(5) must say the same. */
	const char *def;
	/* Checks a value while libconfuse parses it: cfg_error() and -1 when
	 * it is wrong. NULL: the type says all. */
	int (*validate)(const struct config_key *k, struct cfg_t *cfg, struct cfg_opt_t *opt);
	/* What validate checks against: */
	enum template_kind template; /* the kind of a template */
	long min, max;		     /* a number's range; max: a list's or section's size */
	const char *choices[2];	     /* a choice's words, stored as 0 and 1 */
	/* The field in struct rule (a key that may stand in a rule), struct
	 * config (one only at the top) or struct bind_template (in a bind),
	 * and of a list or section, its size_t count. */
	size_t offset, count_offset;
	/* A section: the keys it holds (KEY_IN_*) and the size of each one
	 * stored. */
	unsigned holds;
	size_t size;
	/* nsbox check -v: where, and how when not as the type shows it. */
	enum key_show show_as;
	void (*show)(const struct config_key *k, const struct rule *r, struct summary *s);
	const char *doc; /* one line */
};

extern const struct config_key config_keys[];
extern const size_t n_config_keys;

/* The key called NAME, or NULL. Names are unique, whatever the scope. */
const struct config_key *config_key_named(const char *name);

/* "boolean", "integer", "string", "list of strings" or "section": how
 * nsbox.conf(5)'s "Type:" line of a key of type T starts. */
const char *config_type_name(const struct config_type *t);

/* Libconfuse's options for the keys of WHERE (one of KEY_*), built from
 * the table once; sections get the options of the keys they hold. */
struct cfg_opt_t *config_key_options(unsigned where);

/* Store the value of key K found in FROM (NULL: set nowhere, K's default)
 * into TO, the struct that holds K's field; FILE names the config in
 * messages. -ENOMEM, or -EINVAL logged as FILE:LINE. */
int config_key_convert(const struct config_key *k, struct cfg_t *from, void *to, const char *file);

/* Free what the keys stored in OBJ hold, OBJ holding the fields of the
 * keys of HOLDER (KEY_AT_TOP: a struct config, KEY_IN_RULE: a rule,
 * KEY_IN_BIND: a bind_template). */
void config_keys_free(unsigned holder, void *obj);

/* Whether key K's field is in the struct of HOLDER (see above). */
bool config_key_stored_in(const struct config_key *k, unsigned holder);

/* nsbox check -v's lines for rule R: every rule key, in table order. */
void config_show_rule(const struct rule *r, FILE *f);

#endif
