/*
 * The probe `blasbench inspect -- CMD` injects into CMD (libblasbench-inspect.so, LD_PRELOAD).
 * It changes nothing the process does: its constructor restores LD_PRELOAD to what the user had
 * (or removes it) and removes blasbench's own variables from environ before any code of the
 * program runs, so neither the program nor its children see them; it exports no symbol, sets
 * no handler and calls nothing in a library until exit.  At exit (an atexit handler registered
 * in the constructor: exit() runs it before the ELF destructors, where OpenBLAS and libgomp shut
 * their pools down) it walks
 * dl_iterate_phdr (libraries dlopen'ed late included) and writes, to the file descriptor
 * blasbench passed, one line per loaded object and one per value read through a library's own
 * getters inside the process (thread counts in effect, version, kernel, threading layer).
 * A forked child's exit writes nothing (only the process blasbench started reports).
 * Record format, tab-separated: "start PATH" (loaded at start-up), "obj PATH" (loaded at exit),
 * "get PATH KEY VALUE", "proc KEY VALUE".
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int out_fd = -1;
static pid_t owner;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(out_fd, line + off, (size_t)(n - off));
		if (w <= 0)
			return;
		off += w;
	}
}

/* A symbol defined in this very object (dlsym on a handle also searches its dependencies). */
static void *own_sym(void *h, const char *path, const char *name)
{
	void *p = dlsym(h, name);
	Dl_info info;
	if (!p || !dladdr(p, &info) || !info.dli_fname || strcmp(info.dli_fname, path))
		return NULL;
	return p;
}

/* The vendor names under the affixes the wheels use (scipy_openblas_get_config64_). */
static void *vendor_sym(void *h, const char *path, const char *base)
{
	static const char *const pre[] = {"", "scipy_"}, *const suf[] = {"", "64_", "_64"};
	char name[96];
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 3; k++) {
			snprintf(name, sizeof(name), "%s%s%s", pre[i], base, suf[k]);
			void *p = own_sym(h, path, name);
			if (p)
				return p;
		}
	return NULL;
}

static void read_getters(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	if (!h)
		return;
	const char *(*str)(void);
	int (*num)(void);
	if ((str = (const char *(*)(void))vendor_sym(h, path, "openblas_get_config")))
		put("get\t%s\tconfig\t%s\n", path, str());
	if ((str = (const char *(*)(void))vendor_sym(h, path, "openblas_get_corename")))
		put("get\t%s\tkernel\t%s\n", path, str());
	if ((num = (int (*)(void))vendor_sym(h, path, "openblas_get_parallel")))
		put("get\t%s\tparallel\t%d\n", path, num());
	if ((num = (int (*)(void))vendor_sym(h, path, "openblas_get_num_threads")))
		put("get\t%s\tthreads\t%d\n", path, num());
	int64_t (*dim)(void) = (int64_t(*)(void))own_sym(h, path, "bli_thread_get_num_threads");
	if (dim)
		put("get\t%s\tthreads\t%lld\n", path, (long long)dim());
	if ((str = (const char *(*)(void))own_sym(h, path, "bli_info_get_version_str")))
		put("get\t%s\tversion\t%s\n", path, str());
	if ((num = (int (*)(void))own_sym(h, path, "MKL_Get_Max_Threads")))
		put("get\t%s\tthreads\t%d\n", path, num());
	if ((num = (int (*)(void))own_sym(h, path, "omp_get_max_threads")))
		put("get\t%s\tomp_max_threads\t%d\n", path, num());
	dlclose(h);
}

static int each_object(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	if (info->dlpi_name && info->dlpi_name[0] == '/')
		put("%s\t%s\n", (const char *)ctx, info->dlpi_name);
	return 0;
}

static int each_getters(struct dl_phdr_info *info, size_t size, void *ctx)
{
	(void)size;
	(void)ctx;
	if (info->dlpi_name && info->dlpi_name[0] == '/')
		read_getters(info->dlpi_name);
	return 0;
}

static int count_tasks(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)getpid());
	int n = 0;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void report(void)
{
	if (out_fd < 0 || getpid() != owner)
		return;
	put("proc\tthreads_at_exit\t%d\n", count_tasks());
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		put("proc\tcpus_allowed\t%d\n", CPU_COUNT(&set));
	/* the list first: if a getter crashes, what was loaded is already written */
	dl_iterate_phdr(each_object, "obj");
	dl_iterate_phdr(each_getters, NULL);
	put("proc\tdone\t1\n");
}

__attribute__((constructor)) static void probe_init(void)
{
	const char *fd = getenv("BLASBENCH_INSPECT_FD");
	const char *preload = getenv("BLASBENCH_INSPECT_PRELOAD");
	if (preload)
		setenv("LD_PRELOAD", preload, 1);
	else
		unsetenv("LD_PRELOAD");
	unsetenv("BLASBENCH_INSPECT_PRELOAD");
	if (!fd)
		return;
	out_fd = atoi(fd);
	unsetenv("BLASBENCH_INSPECT_FD");
	/* programs this one execs do not inherit the record */
	fcntl(out_fd, F_SETFD, FD_CLOEXEC);
	owner = getpid();
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	put("proc\tstarted_ns\t%lld\n", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		put("proc\texe\t%s\n", exe);
	}
	/* what was loaded at start-up, in case the process never reaches its exit handlers */
	dl_iterate_phdr(each_object, "start");
	atexit(report);
}
