# One rule per step module of medroutes/steps/ (see medroutes.plan): inputs, outputs, log, benchmark
# and report captions come from the module; every rule runs scripts/step.py, which calls the module's
# build(). The `code` param is the hash of the code the step runs (its module, the project modules it
# imports, their packages' versions): editing any of them reruns exactly the jobs that use it.

for _step in STEPS:

    rule:
        name:
            _step.rule
        input:
            step_inputs(_step),
        output:
            **step_outputs(_step),
        log:
            STUDY.path(_step.log),
        benchmark:
            STUDY.path(_step.benchmark)
        localrule: _step.local
        conda:
            "../envs/medroutes.yaml"
        params:
            step=_step.name,
            config=step_config(_step),
            code=step_code(_step),
        script:
            "../scripts/step.py"


rule compare:
    """Every comparison table."""
    input:
        STUDY.outputs_of("compare"),


rule figures:
    """Every figure."""
    input:
        STUDY.outputs_of("figures"),


codebase.save_cache()  # the import analysis of this parse, for the next one (see medroutes.codebase)
