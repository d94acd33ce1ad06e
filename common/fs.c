/* File-system helpers (see fs.h). */
#include "common/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"

int bb_mkdir_p(const char *dir, char *err, size_t errlen)
{
	char *p = bb_xstrdup(dir);
	int rc = 0;
	for (char *slash = p + 1;; slash++) {
		if (*slash && *slash != '/')
			continue;
		char c = *slash;
		*slash = '\0';
		if (mkdir(p, 0777) && errno != EEXIST) {
			snprintf(err, errlen, "cannot create directory '%s': %s", p, strerror(errno));
			rc = -1;
			break;
		}
		*slash = c;
		if (!c)
			break;
	}
	struct stat st;
	errno = 0;
	if (!rc && (stat(dir, &st) || !S_ISDIR(st.st_mode))) {
		snprintf(err, errlen, "cannot use '%s' as a directory: %s", dir,
			 errno ? strerror(errno) : "not a directory");
		rc = -1;
	}
	free(p);
	return rc;
}
