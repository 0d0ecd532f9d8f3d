// derive-sandbox-policy: one sec.policy per skill from its front matter (allowed-tools),
// its code (a command that reaches a remote host: the network is needed) and its
// declared outputs (write paths beside the workspace '.'); a second run replaces it.
// RUN: skill-opt %s -p derive-sandbox-policy | filecheck %s
// RUN: skill-opt %s -p derive-sandbox-policy,derive-sandbox-policy | filecheck %s --check-prefix=TWICE

builtin.module {
  skill.skill @web attributes {metadata = {name = "web", "allowed-tools" = "Read Bash(curl:*)"}, source = "nowhere/web/SKILL.md"} {
    skill.frontmatter "---\nname: web\ndescription: d\nallowed-tools: Read Bash(curl:*)\n---\n"
    %rates = skill.step "1. Fetch the rates into `rates.json`:\n\n" {ordinal = 1 : i64} -> !skill.artifact<"rates.json"> with {
      skill.code "bash" "curl -s https://api.example.com/v1/rates -o rates.json\n" {runnable}
    }
  }
  skill.skill @local attributes {metadata = {name = "local"}, source = "nowhere/local/SKILL.md"} {
    skill.frontmatter "---\nname: local\ndescription: d\n---\n"
    %count = skill.step "1. Save the line count of `input.txt` to `count.txt` (see http://example.com/help).\n" {ordinal = 1 : i64} -> !skill.artifact<"count.txt">
  }
}

// CHECK:      skill.skill @web
// CHECK:      sec.policy needed {network_reasons = ["code: curl -s https://api.example.com"], write_paths = [".", "rates.json"], tools = ["Read", "Bash(curl:*)"]}
// CHECK:      skill.skill @local
// CHECK:      sec.policy off {network_reasons = [], write_paths = [".", "count.txt"]}

// TWICE:     sec.policy needed
// TWICE-NOT: sec.policy needed
// TWICE:     sec.policy off
// TWICE-NOT: sec.policy
