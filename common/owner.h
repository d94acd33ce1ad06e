/*
 * Who owns something a process leaves behind (a run in the database, a job file in the
 * temporary directory), and whether that owner still lives.  A pid alone is not an identity:
 * pids are reused, so the owner is the pid with the process's start time (field 22 of
 * /proc/PID/stat, clock ticks since boot), the boot id (/proc/sys/kernel/random/boot_id: a
 * start time means nothing after a reboot) and the host name (a database on a shared file
 * system is seen from several machines, and one machine cannot look at another's processes).
 */
#ifndef BB_COMMON_OWNER_H
#define BB_COMMON_OWNER_H

#include <sys/types.h>

typedef struct bb_owner {
	long pid;
	unsigned long long start; /* clock ticks after boot */
	char boot_id[40];         /* "" unknown */
	char host[256];           /* "" unknown */
} bb_owner;

typedef enum bb_owner_state {
	BB_OWNER_ALIVE,   /* that very process is running on this host */
	BB_OWNER_GONE,    /* it has ended (or this host was rebooted since) */
	BB_OWNER_UNKNOWN, /* another host, or too little recorded to tell */
} bb_owner_state;

/* This process as an owner.  Returns 0, or -1 when /proc cannot be read (*o then holds what
 * could be found: the pid at least). */
int bb_owner_self(bb_owner *o);

/* The start time of process pid (field 22 of /proc/PID/stat), or 0 when there is no such
 * process, it is a zombie (it has ended; only its exit status waits to be collected), or its
 * stat cannot be read. */
unsigned long long bb_proc_start_time(pid_t pid);

/* Whether the process o names is alive, looked at from this process. */
bb_owner_state bb_owner_check(const bb_owner *o);

#endif
