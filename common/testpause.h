/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault-test hooks, compiled in only with NSBOX_TEST_BUILD: at a named
 * setup step the process logs "test-pause STEP pid=N" and waits for
 * SIGUSR1 (a blocked signal is queued even for a PID namespace's init), so
 * a test can kill or probe it right there. Release builds have no hooks. */
#ifndef NSBOX_TESTPAUSE_H
#define NSBOX_TESTPAUSE_H

#ifdef NSBOX_TEST_BUILD
#include <signal.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* The pid the host sees: box init must set it (getpid() says 1 there). */
static int test_pause_pid;

static inline void test_pause_at(const char *wanted, const char *step)
{
	sigset_t set;

	if (!wanted || strcmp(wanted, step) != 0)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	syslog(LOG_NOTICE, "test-pause %s pid=%d", step,
	       test_pause_pid ? test_pause_pid : (int)getpid());
	sigwaitinfo(&set, NULL);
}

static inline void test_pause_set_pid(int pid)
{
	test_pause_pid = pid;
}
#else
#define test_pause_at(wanted, step) ((void)(wanted), (void)(step))
#define test_pause_set_pid(pid) ((void)(pid))
#endif

#endif
