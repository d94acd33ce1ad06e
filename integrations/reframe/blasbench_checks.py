# ReFrame checks that run blasbench on the nodes of a system and judge them with blasbench's own
# verdicts.  One check, BlasbenchCheck: on each partition it is valid for (or on each node, with
# `reframe --distribute`), it runs `blasbench suite` (or `blasbench run` when `workloads` is set)
# on a database in node-local storage, copies the database into the stage directory (kept in the
# output directory as blasbench.db for `blasbench merge`), and, when a baseline is named,
# compares against it with `blasbench compare --json`.
#   sanity       fails when blasbench exits non-zero (a cell wrong, crashed, hung or failed) or
#                when compare's verdict is a regression (its exit code 1) or it cannot judge (2)
#   performance  GFLOP/s of each cell ("BACKEND/ROUTINE[PARAMS]/tT"), with the baseline's GFLOP/s as the
#                reference; cells_ok, cells_not_ok, regressions and improvements as counts
# Variables (set with -S NAME=VALUE; parameterise with -P NAME=V1,V2 and --param-values-delim):
#   blasbench   the executable (default: blasbench on PATH)
#   backends    backend specs, as `--backends` (default: openblas)
#   threads     thread counts, as `--threads` (default: all)
#   preset      suite preset (default: quick); ignored when workloads is set
#   workloads   workload specs: run `blasbench run --workloads` instead of the suite
#   passes, budget, omp, sizes   passed through when set
#   baseline    DB[:RUN] to compare with; {system}, {partition} and {environ} are replaced, so
#               one baseline database per partition can be named once
#   threshold   compare's --threshold in percent (default 5)
#   perf_tolerance  when set (a fraction, e.g. 0.1), ReFrame's own reference check also fails a
#                   cell more than that below the baseline's GFLOP/s; by default the references
#                   are reported only and blasbench's verdict decides
#   local_dir   node-local directory for the database while it is written (default $TMPDIR or
#               /tmp): SQLite must not be written on a network filesystem
import json
import os

import reframe as rfm
import reframe.utility.sanity as sn
from reframe.core.builtins import run_after, run_before, sanity_function, variable
from reframe.core.exceptions import SanityError

RUN_JSON = 'run.json'
COMPARE_JSON = 'compare.json'
DB_NAME = 'blasbench.db'


def _cell_name(backend, workload, threads):
    '''A cell's performance variable: "blas/dgemm[m=256,n=256,k=256,ta=N,tb=N]/t1" (ReFrame
    splits reference keys on ':', so a workload's own ':' becomes brackets).'''
    routine, _, params = workload.partition(':')
    return f'{backend}/{routine}[{params}]/t{threads}' if params else f'{backend}/{routine}/t{threads}'


def _quote(s):
    '''s quoted for the job script's shell.'''
    return "'" + str(s).replace("'", "'\\''") + "'"


@sn.deferrable
def _constant(value):
    '''A performance value already read from blasbench's JSON, as a deferred expression.'''
    return value


def _load_json(path):
    with open(path) as f:
        return json.load(f)


def _exit_code(stdout, what):
    '''The exit code the job script echoed as "WHAT exit: N", or None when absent.'''
    try:
        with open(stdout) as f:
            for line in f:
                if line.startswith(f'{what} exit: '):
                    return int(line.split(':', 1)[1])
    except OSError:
        pass
    return None


@sn.deferrable
def _blasbench_verdict(stagedir, stdout, compared):
    '''True when blasbench measured every cell and (when compared) found no regression; raises
    SanityError saying which cells failed or regressed otherwise.'''
    rc = _exit_code(stdout, 'blasbench')
    if rc is None:
        raise SanityError('blasbench did not run to its end (see the job\'s stderr)')
    run_path = os.path.join(stagedir, RUN_JSON)
    if rc != 0:
        bad = []
        if os.path.exists(run_path):
            try:
                bad = [f'{_cell_name(c["backend"], c["workload"], c["threads"])}: '
                       f'{c["status"]}' for c in _load_json(run_path)['cells']
                       if c['status'] != 'ok']
            except (ValueError, KeyError):
                pass
        raise SanityError(f'blasbench exited {rc}' + (': ' + '; '.join(bad) if bad else ''))
    if not compared:
        return True
    rc = _exit_code(stdout, 'compare')
    cmp_path = os.path.join(stagedir, COMPARE_JSON)
    if rc == 1:
        cells = [c for c in _load_json(cmp_path)['cells'] if c['verdict'] == 'regression']
        raise SanityError('blasbench compare: regression in ' + '; '.join(
            f'{_cell_name(c["backend"], c["workload"], c["threads"])} '
            f'x{c["ratio"]:.2f} the baseline\'s time' for c in cells))
    if rc != 0:
        raise SanityError(f'blasbench compare could not judge (exit {rc}; see the job\'s stderr)')
    return True


@rfm.simple_test
class BlasbenchCheck(rfm.RunOnlyRegressionTest):
    descr = 'blasbench: BLAS/LAPACK benchmark with regression verdicts'
    valid_systems = ['*']
    valid_prog_environs = ['*']
    num_tasks = 1
    num_tasks_per_node = 1
    exclusive_access = True
    tags = {'blasbench', 'performance'}
    maintainers = ['blasbench']

    blasbench = variable(str, value='blasbench')
    backends = variable(str, value='openblas')
    threads = variable(str, value='all')
    preset = variable(str, value='quick')
    workloads = variable(str, value='')
    passes = variable(str, value='')
    budget = variable(str, value='')
    omp = variable(str, value='')
    sizes = variable(str, value='')
    baseline = variable(str, value='')
    threshold = variable(float, value=5.0)
    perf_tolerance = variable(float, type(None), value=None)
    local_dir = variable(str, value='${TMPDIR:-/tmp}')

    @run_after('setup')
    def set_command(self):
        part = self.current_partition
        self.executable = _quote(self.blasbench)
        if self.workloads:
            opts = ['run', '--workloads', self.workloads]
        else:
            opts = ['suite', '--preset', self.preset]
        opts += ['--backends', self.backends, '--threads', self.threads]
        for name in ('passes', 'budget', 'omp', 'sizes'):
            if getattr(self, name):
                opts += [f'--{name}', getattr(self, name)]
        # the label and the database path are expanded by the job script's shell on the node;
        # the label names partition, node, test variant (its hash) and time, so labels stay
        # unique in a database merged from many nodes and parameterised runs
        label = (f'rfm-{part.fullname.replace(":", "-")}-$(hostname -s)-{self.hashcode}-'
                 '$(date -u +%Y%m%dT%H%M%S)')
        self.executable_opts = [_quote(o) for o in opts] + [
            '--label', f'"{label}"', '--db', '"$bb_db"', '--json', '>', RUN_JSON]
        self.prerun_cmds = [
            f'bb_dir=$(mktemp -d "{self.local_dir}/blasbench.XXXXXX") || exit 1',
            'bb_db=$bb_dir/' + DB_NAME,
        ]
        # the executable's exit code first, then the node-local database into the stage
        # directory (it is kept for `blasbench merge` whatever the verdict)
        self.postrun_cmds = [
            'bb_rc=$?',
            f'cp "$bb_db" {DB_NAME}; rm -rf "$bb_dir"',
            'echo "blasbench exit: $bb_rc"',
        ]
        base = self.baseline_spec()
        if base:
            self.postrun_cmds += [
                f'{_quote(self.blasbench)} compare --threshold {self.threshold:g} --json '
                f'{_quote(base)} {DB_NAME}:latest > {COMPARE_JSON}',
                'echo "compare exit: $?"',
            ]
        self.keep_files = [DB_NAME, RUN_JSON, COMPARE_JSON]

    def baseline_spec(self):
        '''The baseline DB[:RUN] with {system}, {partition}, {environ} replaced ('' if none).'''
        if not self.baseline:
            return ''
        return self.baseline.format(system=self.current_system.name,
                                    partition=self.current_partition.name,
                                    environ=self.current_environ.name)

    @sanity_function
    def assert_verdict(self):
        return _blasbench_verdict(self.stagedir, os.path.join(self.stagedir, str(self.stdout)),
                                  bool(self.baseline))

    @run_before('performance')
    def set_perf_variables(self):
        '''One performance variable per measured cell, referenced to the baseline's GFLOP/s.

        The baseline's GFLOP/s of a cell is the candidate's scaled by the ratio of their
        medians (the same workload does the same FLOPs), from compare's JSON.'''
        cells = _load_json(os.path.join(self.stagedir, RUN_JSON))['cells']
        refs = {}
        cmp_path = os.path.join(self.stagedir, COMPARE_JSON)
        compared = None
        if self.baseline and os.path.exists(cmp_path):
            compared = _load_json(cmp_path)
            for c in compared['cells']:
                if c.get('base_median_s') and c.get('candidate_median_s'):
                    refs[(c['candidate_alias'], c['workload'], c['threads'])] = (
                        c['candidate_median_s'] / c['base_median_s'])
        self.perf_variables = {}
        reference = {}
        lower = -self.perf_tolerance if self.perf_tolerance is not None else None
        for c in cells:
            if c['status'] != 'ok' or c.get('gflops') is None:
                continue
            name = _cell_name(c['backend'], c['workload'], c['threads'])
            self.perf_variables[name] = sn.make_performance_function(
                _constant(c['gflops']), 'GFLOP/s')
            scale = refs.get((c['backend'], c['workload'], c['threads']))
            if scale is not None:
                reference[name] = (c['gflops'] * scale, lower, None, 'GFLOP/s')
        counts = {
            'cells_ok': sum(c['status'] == 'ok' for c in cells),
            'cells_not_ok': sum(c['status'] != 'ok' for c in cells),
        }
        if compared is not None:
            counts['regressions'] = compared['summary']['regressions']
            counts['improvements'] = compared['summary']['improvements']
        for name, value in counts.items():
            self.perf_variables[name] = sn.make_performance_function(_constant(value), 'cells')
        if reference:
            self.reference = {'*': reference}
