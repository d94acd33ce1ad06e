/* File-system helpers shared by the commands (common/fs.c). */
#ifndef BB_COMMON_FS_H
#define BB_COMMON_FS_H

#include <stddef.h>

/* mkdir -p: create dir and its missing parents.  Returns 0 when dir is a directory after the
 * call, or -1 with the reason in err ("cannot create directory 'a/b': Permission denied"). */
int bb_mkdir_p(const char *dir, char *err, size_t errlen);

#endif
