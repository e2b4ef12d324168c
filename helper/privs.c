/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

static int cap_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	return (int)syscall(SYS_capget, &hdr, data);
}

static int cap_set(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	return (int)syscall(SYS_capset, &hdr, data);
}

bool have_effective_cap(int cap)
{
	struct __user_cap_data_struct data[2] = { 0 };

	if (cap_get(data) < 0)
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

int become_user_keep_caps(uid_t uid, gid_t gid)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	/* Order matters: groups and gid while we still may change them. */
	if (setgroups(0, NULL) < 0)
		return log_errno(errno, "setgroups(0)");
	if (setresgid(gid, gid, gid) < 0)
		return log_errno(errno, "setresgid(%u)", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		return log_errno(errno, "setresuid(%u)", (unsigned)uid);
	/* Now the user's uid: not traceable by the user (the kernel clears it
	 * only when fs.suid_dumpable is 0), for the rest of the setup. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return log_errno(errno, "prctl(PR_SET_DUMPABLE, 0)");

	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0)
		return log_errno(errno, "getresuid()");
	if (ruid != uid || euid != uid || suid != uid || rgid != gid || egid != gid ||
	    sgid != gid) {
		log_error("credentials did not change to uid %u gid %u", (unsigned)uid,
			  (unsigned)gid);
		return -EPERM;
	}
	/* Do not trust the kernel rule quoted above: check it. Without
	 * CAP_SYS_ADMIN in the namespace no mount below would work anyway,
	 * but this names the real cause. */
	if (!have_effective_cap(CAP_SYS_ADMIN)) {
		log_error("capabilities were lost on setresuid(%u)", (unsigned)uid);
		return -EPERM;
	}
	return 0;
}

static int last_cap(void)
{
	int cap = CAP_LAST_CAP;

	/* The running kernel may know more capabilities than our headers. */
	while (prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0)
		cap++;
	return cap;
}

int drop_all_caps(void)
{
	struct __user_cap_data_struct data[2] = { 0 };
	int top = last_cap();

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return log_errno(errno, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	/* The bounding set needs CAP_SETPCAP, so it goes before capset(). */
	for (int cap = 0; cap <= top; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return log_errno(errno, "prctl(PR_CAPBSET_DROP, %d)", cap);
	if (cap_set(data) < 0)
		return log_errno(errno, "capset(0)");

	if (cap_get(data) < 0)
		return log_errno(errno, "capget()");
	for (int i = 0; i < 2; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable) {
			log_error("capabilities are still set after dropping them");
			return -EPERM;
		}
	for (int cap = 0; cap <= top; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0) {
			log_error("capability %d is still in the bounding set", cap);
			return -EPERM;
		}
	return 0;
}

int harden_process(bool nondumpable)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return log_errno(errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	if (nondumpable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return log_errno(errno, "prctl(PR_SET_DUMPABLE, 0)");
	return 0;
}
