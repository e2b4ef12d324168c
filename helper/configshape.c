/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shape pre-check of a config: what nsbox.conf may look like before
 * libconfuse parses it (config.c). Comments are blanked out and the text
 * is checked to be plain statements, each key at most once per section,
 * so that libconfuse's quirks (a later value silently replacing an
 * earlier one, quoted keys, "rule|users" paths, dropped characters,
 * comments that shift its line count) never decide what a config means. */
#include "configshape.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../common/util.h"

/* Long enough for any key of ours; longer words are cut when compared. */
#define CONFIG_KEY_MAX 64

/* Blank out comments (# and // to the end of the line, slash-star blocks),
 * keeping newlines. Debian 12's libconfuse 3.3 miscounts lines after a
 * comment (FILE:LINE would be wrong) and refuses comments inside lists;
 * after this it never sees one. Quoted strings are left alone; // and
 * slash-star start a comment only where a token could start (also right
 * after a quoted string), as in libconfuse's own lexer. An unterminated
 * comment or string is an error at the line it starts on: libconfuse
 * would silently drop the rest of the file, rules included. */
static int strip_comments(char *text, int *ret_line, const char **ret_what)
{
	int line = 1, start = 0;
	char quote = 0;
	char *p;

	for (p = text; *p; p++) {
		bool token_start = p == text || strchr(" \t\r\n{}=,(\"'", p[-1]);

		if (*p == '\n')
			line++;
		if (quote) {
			if (*p == '\\' && p[1]) {
				p++;
				line += *p == '\n';
			} else if (*p == quote) {
				quote = 0;
			}
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
			start = line;
		} else if (*p == '#' || (token_start && p[0] == '/' && p[1] == '/')) {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				return 0;
			line++;
		} else if (token_start && p[0] == '/' && p[1] == '*') {
			start = line;
			for (*p++ = ' ', *p = ' '; *p && !(p[0] == '*' && p[1] == '/'); p++) {
				if (*p == '\n')
					line++;
				else
					*p = ' ';
			}
			if (!*p) {
				*ret_line = start;
				*ret_what = "a /* comment is not closed";
				return -EINVAL;
			}
			p[0] = p[1] = ' ';
			p++;
		}
	}
	if (quote) {
		*ret_line = start;
		*ret_what = "a quoted string is not closed";
		return -EINVAL;
	}
	return 0;
}

/* A token of the config text (comments already blanked out). */
struct lexer {
	const char *p;
	int line;
	char tok[CONFIG_KEY_MAX]; /* the token, cut short if longer */
	bool quoted;		  /* tok is a quoted string (tok holds no text) */
	int tok_line;
	const char *error; /* why the text is not of the shape we accept */
};

/* The characters of a bare word: what libconfuse takes in one, less those
 * it would silently drop or treat specially (+ alone, *, $, |, parentheses
 * and the like), which nsbox refuses instead. */
static bool is_word_char(unsigned char c)
{
	/* c != 0: strchr() finds the terminating NUL too. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("_-./:@%~", c)) || c >= 0x80;
}

/* The next token into l->tok: one of { } = , "+=", a quoted string or a
 * bare word. False at the end, or with l->error set on a character that
 * is none of these. */
static bool next_token(struct lexer *l)
{
	size_t n = 0;

	while (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n')
		l->line += *l->p++ == '\n';
	if (!*l->p)
		return false;
	l->tok_line = l->line;
	l->quoted = false;
	if (l->p[0] == '$' && l->p[1] == '{') {
		l->error = "${...} is not supported (the helper has no environment)";
		return false;
	}
	if (strchr("{}=,", *l->p)) {
		l->tok[n++] = *l->p++;
	} else if (l->p[0] == '+' && l->p[1] == '=') {
		memcpy(l->tok, "+=", 2);
		n = 2;
		l->p += 2;
	} else if (*l->p == '"' || *l->p == '\'') {
		char quote = *l->p++;

		l->quoted = true;
		for (; *l->p && *l->p != quote; l->p++) {
			if (l->p[0] == '$' && l->p[1] == '{') {
				l->error = "${...} is not supported (the helper has no environment)";
				return false;
			}
			if (*l->p == '\\' && l->p[1])
				l->p++;
			l->line += *l->p == '\n';
		}
		if (*l->p)
			l->p++;
	} else if (is_word_char((unsigned char)*l->p)) {
		for (; is_word_char((unsigned char)*l->p); l->p++)
			if (n < sizeof(l->tok) - 1)
				l->tok[n++] = *l->p;
	} else {
		l->error = "unexpected character (outside quotes only letters, digits, _-./:@%~, "
			   "braces, commas, = and += may appear)";
		return false;
	}
	l->tok[n] = '\0';
	return true;
}

static bool tok_is(const struct lexer *l, const char *s)
{
	return !l->quoted && streq(l->tok, s);
}

/* A value: a string, a word, or a list in braces. */
static bool skip_value(struct lexer *l)
{
	if (!next_token(l))
		return false;
	if (!tok_is(l, "{"))
		return l->quoted || is_word_char((unsigned char)l->tok[0]);
	while (next_token(l))
		if (tok_is(l, "}"))
			return true;
	return false;
}

/* The shape of the file, checked before libconfuse parses it: statements
 * of the form KEY = VALUE, KEY += VALUE, SECTION [TITLE] { ... }, with bare
 * keys, and every key at most once per section. libconfuse would let a
 * later value silently replace an earlier one (users = {"alice"} ...
 * users = {"bob"} in one rule leaves alice unconfined; a second on_error
 * turns deny into allow), accepts quoted keys and "rule|users" paths that
 * reach into other sections, and drops characters it does not know; any
 * of it is an error here. "+=" appends to a list and may repeat. Returns
 * -EINVAL with the line and the reason. */
static int check_shape(const char *text, int *ret_line, char *why, size_t why_size)
{
	enum { DEPTH = 8, KEYS = 64 };
	static char keys[DEPTH][KEYS][CONFIG_KEY_MAX];
	size_t n_keys[DEPTH] = { 0 };
	struct lexer l = { .p = text, .line = 1 };
	char word[CONFIG_KEY_MAX];
	int depth = 0;

	while (next_token(&l)) {
		int word_line = l.tok_line;
		bool seen = false;

		if (tok_is(&l, "}") && depth > 0) {
			depth--;
			continue;
		}
		if (l.quoted || !is_word_char((unsigned char)l.tok[0])) {
			*ret_line = word_line;
			snprintf(why, why_size, "a key or section name was expected here (bare, not quoted)");
			return -EINVAL;
		}
		snprintf(word, sizeof(word), "%s", l.tok);
		if (!next_token(&l))
			break;
		if (tok_is(&l, "=") || tok_is(&l, "+=")) {
			bool append = tok_is(&l, "+=");

			for (size_t i = 0; i < n_keys[depth] && !seen; i++)
				seen = streq(keys[depth][i], word);
			if (seen && !append) {
				*ret_line = word_line;
				snprintf(why, why_size,
					 "%s is set twice here (a later value would silently replace the first)",
					 word);
				return -EINVAL;
			}
			if (!seen) {
				if (n_keys[depth] == KEYS) {
					*ret_line = word_line;
					snprintf(why, why_size, "more than %d keys in one section", KEYS);
					return -EINVAL;
				}
				snprintf(keys[depth][n_keys[depth]++], CONFIG_KEY_MAX, "%s", word);
			}
			if (!skip_value(&l))
				break;
			continue;
		}
		/* A section: WORD { or WORD TITLE { */
		if (!tok_is(&l, "{") && !((l.quoted || is_word_char((unsigned char)l.tok[0])) &&
					  next_token(&l) && tok_is(&l, "{")))
			break;
		if (++depth >= DEPTH) {
			*ret_line = l.tok_line;
			snprintf(why, why_size, "sections nested too deep");
			return -EINVAL;
		}
		n_keys[depth] = 0;
	}
	if (l.error) {
		*ret_line = l.line;
		snprintf(why, why_size, "%s", l.error);
		return -EINVAL;
	}
	/* Anything else that stopped the scan (a missing value, an unbalanced
	 * brace) is a syntax error libconfuse reports with its own words. */
	return 0;
}

int config_precheck(char *text, int *ret_line, char *why, size_t why_size)
{
	const char *what = NULL;

	if (strip_comments(text, ret_line, &what) < 0) {
		snprintf(why, why_size, "%s", what);
		return -EINVAL;
	}
	return check_shape(text, ret_line, why, why_size);
}
