// RUN: skill-opt %s | filecheck %s
// RUN: SKILL_ROUNDTRIP | filecheck %s
// RUN: SKILL_GENERIC_ROUNDTRIP | filecheck %s
// RUN: skill-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

builtin.module {
  skill.skill @pdf attributes {metadata = {name = "pdf"}, source = "pdf/SKILL.md"} {
    skill.code "python" "from pypdf import PdfReader\n" {runnable}
    env.bind {
      env.require pip "pypdf" from import {check = "py_has pypdf pypdf", install = "pip_install pypdf", confidence = 90 : i64, evidence = [#env.evidence<"SKILL.md":16, import, "from pypdf import PdfReader">], modules = ["pypdf"], present = true, version = "5.1.0"}
      env.require pip "markitdown" from "shell-command" {confidence = 100 : i64, spec = "markitdown[all]", check = "py_has markitdown markitdown", install = "pip_install 'markitdown[all]'", evidence = [#env.evidence<"SKILL.md":83, "shell-command", "pip install 'markitdown[all]'">, #env.evidence<"SKILL.md":95, "shell-command", "markitdown document.pdf > output.md">]}
      env.require npm global "clawdhub" from frontmatter {confidence = 100 : i64, bins = ["clawdhub"], check = "has_cmd clawdhub || npm_has global clawdhub", install = "npm_install global clawdhub", evidence = [#env.evidence<"SKILL.md":4, frontmatter, "metadata: {...}">]}
      env.require system "pdftk" from "shell-command" {confidence = 95 : i64, optional, present = false, bins = ["pdftk"], apt = "pdftk-java", brew = "pdftk-java", check = "has_cmd pdftk", install = "sys_install --apt pdftk-java --brew pdftk-java", evidence = [#env.evidence<"SKILL.md":202, "shell-command", "pdftk a.pdf b.pdf cat output m.pdf">]}
      env.require system "osascript" from "shell-command" {confidence = 95 : i64, platform = "macos", check = "has_cmd osascript", install = "", evidence = [#env.evidence<"SKILL.md":51, "shell-command", "osascript -e 'tell application \"Music\" to playpause'">]}
      env.require service "KAGI_API_KEY" from frontmatter {confidence = 85 : i64, check = "has_env KAGI_API_KEY", install = "", evidence = [#env.evidence<"SKILL.md":3, frontmatter, "description: ... Requires KAGI_API_KEY">]}
      env.note skipped "scripts/blob.py" "binary file (NUL bytes); not scanned" {line = 2 : i64}
      env.note dropped "SKILL.md" "import foo: a placeholder name, not a package"
      env.probe {python = "/usr/bin/python3", python_version = "3.11.7", platform = "linux-x86_64", managers = ["apt-get", "dpkg"], root = false, venv = true, checked = 2 : i64, missing = 1 : i64, duration_ms = 40 : i64}
      env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\nset -euo pipefail\n"}
    }
  }
}

// The kind prints bare; properties print verdict first, evidence last.
// CHECK:      env.bind {
// CHECK-NEXT:   env.require pip "pypdf" from import {confidence = 90 : i64, present = true, version = "5.1.0", modules = ["pypdf"], check = "py_has pypdf pypdf", install = "pip_install pypdf", evidence = [#env.evidence<"SKILL.md":16, import, "from pypdf import PdfReader">]}
// CHECK-NEXT:   env.require pip "markitdown" from "shell-command" {confidence = 100 : i64, spec = "markitdown[all]", check = "py_has markitdown markitdown", install = "pip_install 'markitdown[all]'", evidence = [#env.evidence<"SKILL.md":83, "shell-command", "pip install 'markitdown[all]'">, #env.evidence<"SKILL.md":95, "shell-command", "markitdown document.pdf > output.md">]}
// CHECK-NEXT:   env.require npm global "clawdhub" from frontmatter {confidence = 100 : i64, bins = ["clawdhub"], check = "has_cmd clawdhub || npm_has global clawdhub", install = "npm_install global clawdhub", evidence = [#env.evidence<"SKILL.md":4, frontmatter, "metadata: {...}">]}
// CHECK-NEXT:   env.require system "pdftk" from "shell-command" {confidence = 95 : i64, optional, present = false, bins = ["pdftk"], apt = "pdftk-java", brew = "pdftk-java", check = "has_cmd pdftk", install = "sys_install --apt pdftk-java --brew pdftk-java", evidence = [#env.evidence<"SKILL.md":202, "shell-command", "pdftk a.pdf b.pdf cat output m.pdf">]}
// CHECK-NEXT:   env.require system "osascript" from "shell-command" {confidence = 95 : i64, platform = "macos", check = "has_cmd osascript", install = "", evidence = [#env.evidence<"SKILL.md":51, "shell-command", "osascript -e 'tell application \"Music\" to playpause'">]}
// CHECK-NEXT:   env.require service "KAGI_API_KEY" from frontmatter {confidence = 85 : i64, check = "has_env KAGI_API_KEY", install = "", evidence = [#env.evidence<"SKILL.md":3, frontmatter, "description: ... Requires KAGI_API_KEY">]}
// CHECK-NEXT:   env.note skipped "scripts/blob.py" "binary file (NUL bytes); not scanned" {line = 2 : i64}
// CHECK-NEXT:   env.note dropped "SKILL.md" "import foo: a placeholder name, not a package"
// CHECK-NEXT:   env.probe {python = "/usr/bin/python3", python_version = "3.11.7", platform = "linux-x86_64", managers = ["apt-get", "dpkg"], root = false, venv = true, checked = 2 : i64, missing = 1 : i64, duration_ms = 40 : i64}
// CHECK-NEXT:   env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\nset -euo pipefail\n"}
// CHECK-NEXT: }

// GENERIC: "env.bind"() ({
// GENERIC: "env.require"() <{kind = #env<dep_kind pip>, package = "pypdf", source = #env<source import>,
// GENERIC: "env.setup"() <{path = "env-setup.sh", script = "#!/usr/bin/env bash\nset -euo pipefail\n"}> : () -> ()
