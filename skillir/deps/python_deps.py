"""Dependencies in Python code: imports (with `ast`, or a line regex when the code
does not parse), commands it runs (`subprocess.run(["ffmpeg", ...])`, `os.system`),
credentials it reads (`os.environ["X_API_KEY"]`), install commands in its comments
and notebook escapes (`!pip install x`, `%pip install x`).

An import inside `try: ... except ImportError:` is optional: the code has a fallback.
Doctest prompts (`>>> `) are read as code; relative imports are the skill's own.
"""

from __future__ import annotations

from skillir.deps.counter_examples import NONE, counter_examples
from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.shell_deps import _INSTALL_IN_COMMENT, ShellReader, until_prose
from skillir.deps.tables import rules
from skillir.readers.python import read_python


class PythonReader:
    """Reads Python source into hits (the source is read by `skillir.readers.python`)."""

    def __init__(self, shell: ShellReader | None = None):
        self.shell = shell or ShellReader()
        if self.shell.python is None:
            self.shell.python = self  # `python -c` bodies and heredocs inside shell text
        self.credential = rules().credential
        self.credential_placeholders = rules().credential_placeholders
        self.last_error = ""
        """Why the last `read` fell back to the regex ("" when it parsed)."""

    def read(self, code: str, *, via: str = "import", confidence: int = 90,
             optional: bool = False, shown: bool = False) -> tuple[list[Hit], bool]:
        """Hits in `code` and whether it parsed (False: the regex fallback was used).
        `shown`: the code is a block of a document, where code that grades itself is an
        example (`skillir.deps.counter_examples`); a file's imports are its own."""
        code = lf_only(code)
        facts = read_python(code, optional=optional)  # the same (cached) read as capability inference
        self.last_error = facts.error
        hits: list[Hit] = []
        lines = code.split("\n")

        def text_of(number: int) -> str:
            return trim(lines[number - 1]) if 0 < number <= len(lines) else ""

        for number, comment in facts.comments:
            for match in _INSTALL_IN_COMMENT.finditer(comment):
                self._shell(until_prose(match.group(1)), number, text_of(number), "comment", min(confidence, 85),
                            optional, hits)
        counter = rules().counter_example
        marked = counter_examples(code, lines, ("#",)) if facts.imports else NONE
        for module in facts.imports:
            line = lines[module.line - 1] if 0 < module.line <= len(lines) else ""
            if (marked.contrast and shown or module.line in marked.lines
                    or "#" in line and counter.search(line.rsplit("#", 1)[1])):
                continue  # under `# ❌ WRONG:`, `import pandas  # ❌ not here`, or in code that grades itself
            hits.append(Hit("module", module.module, module.line, text_of(module.line), via, confidence,
                            module.optional))
        for env in facts.env:
            if self.credential.match(env.name) and env.name not in self.credential_placeholders:
                hits.append(Hit("env", env.name, env.line, text_of(env.line), "import", min(confidence, 85),
                                env.optional))
        for name, number in facts.which:
            hits.append(Hit("command", name, number, text_of(number), "shell-command", min(confidence, 70),
                            optional))
        for call in facts.commands:
            self._shell(call.text, call.line, text_of(call.line), "shell-command",
                        min(confidence, 85 if call.notebook else 80), call.optional, hits)
        hits.sort(key=lambda h: h.line)
        return hits, facts.parsed

    def _shell(self, command: str, number: int, line: str, via: str, confidence: int, optional: bool,
               hits: list[Hit]) -> None:
        for hit in self.shell.read(command, via=via, confidence=confidence, optional=optional):
            hit.line, hit.text = number, line
            hits.append(hit)

