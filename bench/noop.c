/* SPDX-License-Identifier: GPL-2.0-or-later */
/* noop: a static program that exits at once; bench/floors spawns it as the
 * cheapest program start there is. */
int main(void)
{
	return 0;
}
