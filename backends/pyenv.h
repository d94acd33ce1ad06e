/*
 * Python environments as places where BLAS, LAPACK and OpenMP libraries live: the wheels' own
 * copies (numpy.libs/, scipy.libs/, scikit_learn.libs/), the scipy-openblas32/64 wheels, and the
 * mkl and intel-openmp wheels, which install into the environment's lib/.
 *
 * Which environment: the one `--python PATH` names (bb_pyenv_use_python(), which asks that
 * interpreter and passes the answer to workers in BLASBENCH_PYENV_DIRS), else the active
 * virtualenv ($VIRTUAL_ENV) and conda environment ($CONDA_PREFIX).
 */
#ifndef BB_BACKENDS_PYENV_H
#define BB_BACKENDS_PYENV_H

#include <stddef.h>

/* The environment variable that carries the directories to workers (colon-separated). */
#define BB_PYENV_DIRS_VAR "BLASBENCH_PYENV_DIRS"

/* Ask the interpreter at `python` for its prefix and site-packages directories and make them
 * the directories searched, in this process and its children.  0, or -1 with a one-line
 * reason (not found, not executable, not a Python that answers). */
int bb_pyenv_use_python(const char *python, char *err, size_t errlen);

/* The directories to search, in order: for each environment its site-packages directories,
 * then its lib/.  NULL-terminated, owned by this module (computed once per process). */
const char *const *bb_pyenv_dirs(void);

/* One line saying where Python environments were looked for, for "not installed" hints:
 * "--python /x/bin/python", "$VIRTUAL_ENV=/x", or "no Python environment is active (...)". */
const char *bb_pyenv_where(void);

#endif
