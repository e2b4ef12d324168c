/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shape pre-check config.c runs on a config's text before libconfuse
 * sees it (configshape.c). */
#ifndef NSBOX_CONFIGSHAPE_H
#define NSBOX_CONFIGSHAPE_H

#include <stddef.h>

/* Blank out the comments of TEXT (a C string, changed in place; newlines
 * are kept, so lines keep their numbers) and check the shape of what is
 * left: statements KEY = VALUE, KEY += VALUE and SECTION [TITLE] { ... }
 * with bare keys, each key at most once per section. Returns -EINVAL with
 * the line in *RET_LINE and the reason in WHY; 0 otherwise (a syntax
 * error this does not name is left to libconfuse, in its own words). */
int config_precheck(char *text, int *ret_line, char *why, size_t why_size);

#endif
