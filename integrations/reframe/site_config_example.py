# An example ReFrame site configuration for running integrations/reframe/blasbench_checks.py on
# a Slurm cluster: one partition per node type, whole nodes (the check asks for exclusive
# access), blasbench on PATH through a module or given with -S blasbench=PATH.  Copy it, change
# the names, hostnames and access options to your system's, or add the check to your own
# configuration (it needs nothing from it but a partition and an environment).
#   reframe -C site_config_example.py -c blasbench_checks.py -r --distribute=idle \
#           -S backends=openblas,blis -S threads=1,all -S baseline=/shared/blas/{partition}.db
site_configuration = {
    'systems': [
        {
            'name': 'cluster',
            'descr': 'example cluster with two node types',
            'hostnames': [r'login\d+'],
            'modules_system': 'nomod',
            'partitions': [
                {
                    'name': 'icelake',
                    'descr': 'Intel Ice Lake nodes',
                    'scheduler': 'slurm',
                    'launcher': 'srun',
                    'access': ['--partition=icelake'],
                    'environs': ['builtin'],
                    'max_jobs': 16,
                },
                {
                    'name': 'zen4',
                    'descr': 'AMD Genoa nodes',
                    'scheduler': 'slurm',
                    'launcher': 'srun',
                    'access': ['--partition=zen4'],
                    'environs': ['builtin'],
                    'max_jobs': 16,
                },
            ],
        },
    ],
}
