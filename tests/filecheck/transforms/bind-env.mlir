// RUN: skill-opt %s -p 'bind-env{probe=false}' | filecheck %s
// RUN: skill-opt %S/../../data/env_skills/report-builder -p 'bind-env{probe=false}' | filecheck %s --check-prefix=FOLDER
// RUN: skill-opt %S/../../data/env_skills/report-builder -p 'bind-env{probe=false min-confidence=96 setup=false}' | filecheck %s --check-prefix=STRICT
// RUN: skill-opt %S/../../data/env_skills/toml-writer -p bind-env | filecheck %s --check-prefix=PROBE
// RUN: skill-opt %S/../../data/env_skills/toml-writer -p 'bind-env{probe=false},bind-env{probe=false}' | filecheck %s --check-prefix=TWICE
// RUN: skill-opt %S/../../data/env_skills/toml-writer -p 'bind-env{probe=false}' -t env-setup | filecheck %s --check-prefix=SCRIPT
// RUN: skill-opt %S/../../data/env_skills/toml-writer -p 'bind-env{probe=false}' -t markdown | diff - %S/../../data/env_skills/toml-writer/SKILL.md

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

// FOLDER:      env.bind {
// FOLDER-NEXT:   env.require pip "lxml" from import {confidence = 95 : i64, modules = ["lxml"], check = "py_has lxml lxml", install = "pip_install lxml", evidence = [#env.evidence<"scripts/broken.py":2, import, "import lxml.etree">]}
// FOLDER:        env.require pip "python-docx" from manifest {confidence = 95 : i64, spec = "python-docx>=1.1", modules = ["docx"], check = "py_has python-docx docx", install = "pip_install 'python-docx>=1.1'", evidence = [#env.evidence<"scripts/requirements.txt":2, manifest, "python-docx>=1.1">]}
// FOLDER:        env.require pip "ujson" from import {confidence = 95 : i64, optional,
// FOLDER-NEXT:   env.require npm local "puppeteer" from import {confidence = 95 : i64, check = "npm_has local puppeteer", install = "npm_install local puppeteer", evidence = [#env.evidence<"scripts/render.mjs":4, import, "import puppeteer from 'puppeteer';">]}
// FOLDER:        env.require system "jq" from frontmatter {confidence = 100 : i64, bins = ["jq"], apt = "jq", brew = "jq", check = "has_cmd jq", install = "sys_install --apt jq --brew jq", evidence = [#env.evidence<"SKILL.md":4, frontmatter, "compatibility: Requires jq and network access to the OpenAI API.">, #env.evidence<"scripts/convert.sh":10, "shell-command", "jq -n --arg f \"$pdf\" '{file: $f}' > manifest.json">]}
// FOLDER:        env.require system "poppler-utils" {{.*}} evidence = [#env.evidence<"SKILL.md":39, "shell-command", "pdftotext report.pdf - | head -20">]}
// FOLDER:        env.require service "OPENAI_API_KEY" from import {confidence = 85 : i64, check = "has_env OPENAI_API_KEY", install = "", evidence = [#env.evidence<"scripts/build.py":30, import, "key = os.environ[\"OPENAI_API_KEY\"]">]}
// FOLDER-NEXT:   env.note fallback "scripts/broken.py" "does not parse as Python (line 3: {{.*}}); imports read line by line"
// FOLDER-NEXT:   env.setup "env-setup.sh"

// STRICT:      env.bind {
// STRICT-NEXT:   env.require system "imagemagick"
// STRICT-NEXT:   env.require system "jq"
// STRICT:        env.note dropped "SKILL.md" "pip:matplotlib: confidence 90 is below 96" {line = 21 : i64}
// STRICT-NOT:    env.setup

// PROBE:      env.require pip "tomli-w" from import {confidence = 90 : i64, present = {{true|false}},
// PROBE:      env.require system "git" from "shell-command" {confidence = {{[0-9]+}} : i64, present = true,
// PROBE:      env.probe {python = "{{.+}}", python_version = "{{[0-9.]+}}", platform = "{{.+}}", managers = [{{.*}}], root = {{true|false}}, venv = {{true|false}}, checked = 2 : i64, missing = {{[0-2]}} : i64, duration_ms = {{[0-9]+}} : i64}
// PROBE-NEXT: env.setup "env-setup.sh"

// TWICE:     env.bind {
// TWICE:     env.setup "env-setup.sh"
// TWICE-NOT: env.bind {
// TWICE-NOT: env.setup

// SCRIPT:      #!/usr/bin/env bash
// SCRIPT:      set -euo pipefail
// SCRIPT:      # system:git (required): SKILL.md:20, SKILL.md:23
// SCRIPT-NEXT: if has_cmd git; then
// SCRIPT-NEXT:   ok system:git
// SCRIPT:      # pip:tomli-w (required): SKILL.md:12
// SCRIPT-NEXT: if py_has tomli-w tomli_w; then
// SCRIPT-NEXT:   ok pip:tomli-w
// SCRIPT-NEXT: elif [ "$CHECK_ONLY" = 1 ]; then
// SCRIPT-NEXT:   missing required pip:tomli-w 'not installed (--check: nothing installed)'
// SCRIPT-NEXT: elif pip_install tomli-w && py_has tomli-w tomli_w; then
// SCRIPT-NEXT:   installed pip:tomli-w
// SCRIPT:      log "summary: $N_PRESENT present, $N_INSTALLED installed, $N_MISSING missing"
