/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The table of config keys (helper/configkeys.c) against nsbox.conf(5):
 * every key is a .TP tag of man/nsbox.conf.5 (made with a font macro, as
 * tests/docs/man.t reads tags), in the part of the page that fits where
 * it may stand; the page's "Default:" says the table's default and its
 * "Type:" the table's type; and the table itself is sound (one line of
 * documentation each, names unique). Run from the top of the tree, as
 * make unit-tests and tests/run.sh do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configkeys.h"
#include "tap.h"

#define MAN_PAGE "man/nsbox.conf.5"
#define MAX_LINES 4096

static char *lines[MAX_LINES];
static char *section_of[MAX_LINES]; /* the .SH a line is under */
static size_t n_lines;

static int read_page(void)
{
	FILE *f = fopen(MAN_PAGE, "r");
	char buf[1024], *section = "";

	if (!f)
		return -1;
	while (n_lines < MAX_LINES && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strncmp(buf, ".SH ", 4) == 0) {
			char *name = buf + 4;
			size_t len;

			name += strspn(name, " \"");
			len = strcspn(name, "\"");
			section = strndup(name, len);
		}
		lines[n_lines] = strdup(buf);
		section_of[n_lines++] = section;
	}
	fclose(f);
	return 0;
}

/* Whether roff line L is a tag made with a font macro whose text holds
 * NAME as a word: tests/docs/man.t's has_tag. */
static bool tag_names(const char *l, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (l[0] != '.' || !strchr("BI", l[1]) || !strchr(" BIR", l[2]))
		return false;
	for (p = strstr(l, name); p; p = strstr(p + 1, name))
		if (strchr(" \"", p[-1]) && (p[len] == '\0' || strchr(" \",=", p[len])))
			return true;
	return false;
}

/* The line after the .TP whose tag names NAME, or -1. */
static long find_tag(const char *name)
{
	for (size_t i = 1; i < n_lines; i++)
		if (strncmp(lines[i - 1], ".TP", 3) == 0 && tag_names(lines[i], name))
			return (long)i;
	return -1;
}

/* The text after WHAT ("Default:", "Type:") in the item of the tag at
 * line TAG, roff undone ("\(dq" as '"', a font macro dropped), up to the
 * end of its first word, with a trailing '.' or ',' cut; NULL if the item
 * has no such line. */
static char *item_field(long tag, const char *what, bool first_word)
{
	static char out[256];

	for (size_t i = (size_t)tag + 1; i < n_lines; i++) {
		const char *l = lines[i], *v;
		size_t o = 0;

		if (strncmp(l, ".TP", 3) == 0 || strncmp(l, ".SH", 3) == 0 ||
		    strncmp(l, ".SS", 3) == 0)
			return NULL;
		if (strncmp(l, what, strlen(what)) != 0)
			continue;
		v = l + strlen(what);
		v += strspn(v, " ");
		if (!*v && i + 1 < n_lines)
			v = lines[i + 1];
		if (v[0] == '.')
			v += strcspn(v, " ") + strspn(v + strcspn(v, " "), " ");
		while (*v && o < sizeof(out) - 1 && !(first_word && *v == ' ')) {
			if (strncmp(v, "\\(dq", 4) == 0) {
				out[o++] = '"';
				v += 4;
			} else {
				out[o++] = *v++;
			}
		}
		while (first_word && o > 0 && strchr(".,", out[o - 1]))
			o--;
		out[o] = '\0';
		return out;
	}
	return NULL;
}

static void check_key(const struct config_key *k)
{
	long tag = find_tag(k->name);
	const char *v, *type = config_type_name(k->type), *want = NULL;

	ok(k->doc && *k->doc && !strchr(k->doc, '\n'), "%s: one line of documentation", k->name);
	ok(config_key_named(k->name) == k, "%s: no other key has its name", k->name);
	if (!ok(tag >= 0, "nsbox.conf.5 documents config key '%s'", k->name)) {
		printf("# no .TP tag for '%s' in %s\n", k->name, MAN_PAGE);
		return;
	}
	/* A key of every rule and of the top level is a rule key; one of
	 * the top level alone a global key. */
	if (k->where == (KEY_AT_TOP | KEY_IN_RULE))
		want = "RULE KEYS";
	else if (k->where == KEY_AT_TOP && strcmp(type, "section") != 0)
		want = "GLOBAL KEYS";
	if (want && !ok(strcmp(section_of[tag], want) == 0, "nsbox.conf.5: %s is under %s",
			k->name, want))
		printf("# its tag is under %s\n", section_of[tag]);
	if (k->def) {
		char quoted[256];

		v = item_field(tag, "Default:", true);
		snprintf(quoted, sizeof(quoted), "\"%s\"", k->def);
		if (!ok(v && (strcmp(v, k->def) == 0 || strcmp(v, quoted) == 0),
			"nsbox.conf.5: %s's default is %s", k->name, k->def))
			printf("# the page says: Default: %s\n", v ? v : "(no Default: line)");
	}
	v = item_field(tag, "Type:", false);
	if (v) {
		size_t len = strlen(type);
		if (!ok(strncmp(v, type, len) == 0 && (!v[len] || strchr(" ,.:;", v[len])),
			"nsbox.conf.5: %s's type is %s", k->name, type))
			printf("# the page says: Type: %s\n", v);
	}
}

int main(void)
{
	if (!ok(read_page() == 0, "%s can be read (run from the top of the tree)", MAN_PAGE))
		return done_testing();
	ok(n_config_keys > 20, "the table has the keys (%zu)", n_config_keys);
	for (size_t i = 0; i < n_config_keys; i++)
		check_key(&config_keys[i]);
	/* The test can fail: a name the page does not have is not found. */
	ok(find_tag("no_such_key") < 0, "a key the page lacks is not found");
	return done_testing();
}
