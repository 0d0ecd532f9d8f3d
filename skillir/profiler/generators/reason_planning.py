"""reason.planning: L1 the one valid order of dependent steps; L2 what can run in parallel
and how many stages are needed; L3 trace a deployment pipeline with retries and
rollback."""

from __future__ import annotations

from skillir.profiler.instance import ANSWER, ANSWER_RULE, Instance, answer, rng_for

P = "reason.planning"
STEPS = ["fetch", "build", "test", "package", "sign", "upload", "notify", "lint", "docs"]


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        order = r.sample(STEPS, r.randint(3, 5))
        deps = [f"'{b}' must come after '{a}'" for a, b in zip(order, order[1:], strict=False)]
        r.shuffle(deps)
        q = (f"Put the steps {', '.join(sorted(order))} in the one order that satisfies: "
             f"{'; '.join(deps)}. Answer with the steps separated by commas.")
        want = ",".join(order)
    elif level == 2:
        names = r.sample(STEPS, r.randint(6, 7))
        deps: dict[str, list[str]] = {n: [] for n in names}
        for i, n in enumerate(names[1:], 1):
            for m in r.sample(names[:i], r.randint(0, min(2, i))):
                deps[n].append(m)
        stage: dict[str, int] = {}
        for n in names:
            stage[n] = 1 + max((stage[m] for m in deps[n]), default=0)
        first = sorted(n for n in names if stage[n] == 1)
        text = "; ".join(f"{n} needs {', '.join(deps[n])}" if deps[n] else f"{n} needs nothing"
                         for n in sorted(names))
        q = (f"Tasks and their prerequisites: {text}. Tasks whose prerequisites are done can run "
             "in parallel. Answer in two lines: first the tasks that can start right away, "
             "sorted alphabetically and separated by commas; then the minimum number of "
             "sequential stages needed to finish everything (a number).")
        want = f"{','.join(first)}\n{max(stage.values())}"
    else:
        stages = r.sample(["build", "test", "migrate", "deploy", "verify"], 4)
        outcomes = {s: [r.random() < 0.6 for _ in range(2)] for s in stages}
        executed: list[str] = []
        for s in stages:
            executed.append(s)
            if outcomes[s][0]:
                continue
            executed.append(s)  # the retry
            if outcomes[s][1]:
                continue
            executed.append("rollback")
            break
        log = "; ".join(f"{s}: attempt 1 {'succeeds' if outcomes[s][0] else 'fails'}, "
                        f"attempt 2 {'succeeds' if outcomes[s][1] else 'fails'}" for s in stages)
        q = (f"A deployment pipeline runs the stages {', '.join(stages)} in order. A stage that "
             "fails is retried once; if the retry fails too, 'rollback' runs and the pipeline "
             f"stops. Outcomes (if reached): {log}. List every step that runs, in order, one "
             "entry per attempt (a retry repeats the stage name), ending with rollback if it "
             "runs. Answer with the steps separated by commas.")
        want = ",".join(executed)
    checks = ({"kind": "python", "name": "answer", "code":
               "def check(ws):\n"
               f"    t = read({ANSWER!r})\n"
               "    if t is None: return False, 'no answer'\n"
               "    got = [','.join(x.strip() for x in ln.split(',')) for ln in "
               "t.strip().splitlines() if ln.strip()]\n"
               f"    want = {want.splitlines()!r}\n"
               "    return got == want, 'got ' + str(got)[:80]\n"},)
    return Instance(P, level, seed, f"{q} {ANSWER_RULE}", checks, (answer(want),))
