"""Dependencies, IR-free: records (`model`), the data tables (`tables`), readers that
find dependencies in shell, Python, JavaScript and prose (`shell_deps`, `python_deps`,
`js_deps`, `prose_deps`, combined by `collect`), check and install commands
(`commands`), the presence probe (`probe`), env-setup.sh (`script`) and its runner
(`runner`). Nothing here imports xdsl: the `env` dialect and `bind-env` build on these."""
