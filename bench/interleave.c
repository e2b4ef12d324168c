/* SPDX-License-Identifier: GPL-2.0-or-later */
/* interleave: time whole commands round-robin, so that machine noise hits
 * every command alike, and print medians and ratios to the first (the
 * floor).
 *
 *   interleave [-r ROUNDS] [-w WARMUP] FILE
 *
 * FILE has one command per line: NAME<TAB>ARGV0 ARG... (split on spaces,
 * no shell, so no shell start-up is measured). Lines starting with # are
 * skipped. Output, one line per command:
 *   NAME,median_ms,p10_ms,p90_ms,ratio,failures
 * A command that exits non-zero counts as a failure (and is still timed). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 32
#define MAX_ARGS 64

struct cmd {
	char *name;
	char *argv[MAX_ARGS];
	double *samples;
	int failures;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double run_once(struct cmd *c)
{
	double start = now_ms();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		c->failures++;
	return now_ms() - start;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *s, int n, double p)
{
	return s[(int)(p * (n - 1) + 0.5)];
}

static int load(const char *file, struct cmd *cmds)
{
	char line[4096];
	FILE *f = fopen(file, "r");
	int n = 0;

	if (!f) {
		perror(file);
		exit(2);
	}
	while (n < MAX_CMDS && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *tok, *save = NULL;
		int a = 0;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		cmds[n].name = strdup(line);
		for (tok = strtok_r(tab + 1, " ", &save); tok && a < MAX_ARGS - 1;
		     tok = strtok_r(NULL, " ", &save))
			cmds[n].argv[a++] = strdup(tok);
		cmds[n].argv[a] = NULL;
		if (a > 0)
			n++;
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS] = { 0 };
	int rounds = 200, warmup = 10, n, c;
	double floor_ms = 0;

	while ((c = getopt(argc, argv, "r:w:")) != -1) {
		if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 'w')
			warmup = atoi(optarg);
		else
			return 2;
	}
	if (optind != argc - 1 || rounds < 1) {
		fprintf(stderr, "usage: interleave [-r ROUNDS] [-w WARMUP] FILE\n");
		return 2;
	}
	n = load(argv[optind], cmds);
	for (int i = 0; i < n; i++)
		cmds[i].samples = calloc((size_t)rounds, sizeof(double));
	for (int w = 0; w < warmup; w++)
		for (int i = 0; i < n; i++)
			run_once(&cmds[i]);
	for (int i = 0; i < n; i++)
		cmds[i].failures = 0;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++) {
			/* Rotate the starting command so none always goes first. */
			struct cmd *cm = &cmds[(i + r) % n];
			cm->samples[r] = run_once(cm);
		}
	for (int i = 0; i < n; i++) {
		double med;
		qsort(cmds[i].samples, (size_t)rounds, sizeof(double), cmp);
		med = pct(cmds[i].samples, rounds, 0.5);
		if (i == 0)
			floor_ms = med;
		printf("%s,%.3f,%.3f,%.3f,%.2f,%d\n", cmds[i].name, med,
		       pct(cmds[i].samples, rounds, 0.1), pct(cmds[i].samples, rounds, 0.9),
		       med / floor_ms, cmds[i].failures);
	}
	return 0;
}
