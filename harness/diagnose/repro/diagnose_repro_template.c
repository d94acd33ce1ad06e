/*
 * A scenario's reproduction program among those embedded from programs/ (see
 * diagnose_repro_internal.h), with what it needs from the finding read from its text, so that
 * no list of scenarios, runtimes or arguments is kept by hand beside the programs.
 */
#include "harness/diagnose/repro/diagnose_repro_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"

int bb_repro_template_find(const char *scenario, bb_repro_template *t)
{
	char *name = bb_xstrdup(scenario);
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	const bb_repro_program *found = NULL;
	for (const bb_repro_program *p = bb_repro_programs; p->name && !found; p++)
		if (!strcmp(p->name, name))
			found = p;
	free(name);
	if (!found)
		return -1;
	t->text = found->text;
	t->needs = (strstr(t->text, "REPRO_OMP_PATH") ? BB_REPRO_OMP : 0) |
		   (strstr(t->text, "REPRO_OMP2_PATH") ? BB_REPRO_OMP2 : 0) |
		   (strstr(t->text, "REPRO_KERNEL_VAR") ? BB_REPRO_KERNEL : 0) |
		   (strstr(t->text, "[seconds [n [timeout]]]") ? BB_REPRO_TIMEOUT : 0);
	t->args = t->needs & BB_REPRO_TIMEOUT ? "[seconds [n [timeout]]]" : "[seconds [n]]";
	return 0;
}
