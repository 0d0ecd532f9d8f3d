// RUN: skill-opt %s -p 'bind-env{probe=false}' | filecheck %s
// RUN: skill-opt %s -p 'bind-env{probe=false min-confidence=90 setup=false}' | filecheck %s --check-prefix=STRICT
// RUN: skill-opt %s -p 'bind-env{probe=false},bind-env{probe=false}' | filecheck %s --check-prefix=TWICE
// Skill folders, the presence probe and the emitters: e2e/bind-env-skill-folders.test.

builtin.module {
  skill.skill @s attributes {metadata = {name = "s", compatibility = "Requires pandoc"}, source = "nowhere/s/SKILL.md"} {
    skill.section "Use" attributes {level = 1 : i64} {
      skill.code "python" "import json\nimport cv2\nfrom helper import x\n" {runnable}
      skill.code "bash" "sudo apt-get install -y tesseract-ocr\nnpx -y @mermaid-js/mermaid-cli -i a.mmd\n" {runnable}
    }
    skill.ref script "scripts/helper.py" {bytes = 10 : i64}
  }
}

// The binding goes at the end of the skill; stdlib and the skill's own module are not listed.
// CHECK:      skill.ref script "scripts/helper.py"
// CHECK-NEXT: env.bind {
// CHECK-NEXT:   env.require pip "opencv-python" from import {confidence = 90 : i64, modules = ["cv2"], check = "py_has opencv-python cv2", install = "pip_install opencv-python", evidence = [#env.evidence<"SKILL.md":0, import, "import cv2">]}
// CHECK-NEXT:   env.require npm global "@mermaid-js/mermaid-cli" from "shell-command" {confidence = 85 : i64, check = "npm_has global @mermaid-js/mermaid-cli", install = "npm_install global @mermaid-js/mermaid-cli"
// CHECK-NEXT:   env.require system "node" from "shell-command" {confidence = 85 : i64, bins = ["npx"], apt = "nodejs npm", brew = "node", check = "has_cmd npx"
// CHECK-NEXT:   env.require system "pandoc" from frontmatter {confidence = 90 : i64, bins = ["pandoc"]
// CHECK-NEXT:   env.require system "tesseract" from "shell-command" {confidence = 85 : i64, apt = "tesseract-ocr", brew = "tesseract", check = "has_cmd tesseract", install = "sys_install --apt tesseract-ocr --brew tesseract"
// CHECK-NEXT:   env.note skipped "scripts/helper.py" "the skill folder is not on disk; bundled file not read"
// CHECK-NEXT:   env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\n{{.*}}set -euo pipefail\n
// CHECK-NEXT: }
// CHECK-NOT:  env.probe
// CHECK-NOT:  "json"

// min-confidence drops what is less sure and says so; setup=false writes no script.
// STRICT:      env.bind {
// STRICT-NEXT:   env.require pip "opencv-python" from import {confidence = 90 : i64
// STRICT-NEXT:   env.require system "pandoc" from frontmatter {confidence = 90 : i64
// STRICT-NEXT:   env.note dropped "SKILL.md" "npm:@mermaid-js/mermaid-cli: confidence 85 is below 90"
// STRICT-NEXT:   env.note dropped "SKILL.md" "system:node: confidence 85 is below 90"
// STRICT-NEXT:   env.note dropped "SKILL.md" "system:tesseract: confidence 85 is below 90"
// STRICT-NEXT:   env.note skipped "scripts/helper.py"
// STRICT-NEXT: }
// STRICT-NOT:  env.setup

// Running it again replaces the binding instead of adding a second one.
// TWICE-COUNT-1: env.bind {
// TWICE-NOT:     env.bind {
