// RUN: skill-opt %s | filecheck %s
// RUN: SKILL_ROUNDTRIP | filecheck %s
// RUN: SKILL_GENERIC_ROUNDTRIP | filecheck %s
// RUN: skill-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.step "2. Install:\n" {ordinal = 2 : i64} with {
      sec.confirm "danger.pipe-to-shell" high config {command = "curl", file = "SKILL.md", line = 14 : i64, evidence = "curl x | sh"}
    }
    sec.confirm "credential.cloud" high instruction {command = "", file = "references/a.md", line = 3 : i64, evidence = "cat ~/.aws/credentials"}
    sec.policy needed {network_reasons = ["code: curl https://api.example.com"], write_paths = [".", "out.json"], tools = ["Read"]}
    sec.scan guard attributes {files = 2 : i64} {
      sec.finding "danger.pipe-to-shell" high danger {file = "SKILL.md", line = 14 : i64, evidence = "curl x | sh", via = "text"}
      sec.finding "obfuscation.decode-exec" critical obfuscation {file = "scripts/x.py", line = 2 : i64, evidence = "exec(b64decode(...))", via = "base64"}
    }
  }
}

// CHECK:      sec.confirm "danger.pipe-to-shell" high config {command = "curl", file = "SKILL.md", line = 14 : i64, evidence = "curl x | sh"}
// CHECK:      sec.confirm "credential.cloud" high instruction {command = "", file = "references/a.md", line = 3 : i64, evidence = "cat ~/.aws/credentials"}
// CHECK-NEXT: sec.policy needed {network_reasons = ["code: curl https://api.example.com"], write_paths = [".", "out.json"], tools = ["Read"]}
// CHECK-NEXT: sec.scan guard attributes {files = 2 : i64} {
// CHECK-NEXT:   sec.finding "danger.pipe-to-shell" high danger {file = "SKILL.md", line = 14 : i64, evidence = "curl x | sh", via = "text"}
// CHECK-NEXT:   sec.finding "obfuscation.decode-exec" critical obfuscation {file = "scripts/x.py", line = 2 : i64, evidence = "exec(b64decode(...))", via = "base64"}
// CHECK-NEXT: }

// GENERIC: "sec.confirm"() <{rule = "danger.pipe-to-shell", severity = #sec<severity high>, enforcement = #sec<enforcement config>
// GENERIC: "sec.policy"() <{network = #sec<network needed>
// GENERIC: "sec.scan"() <{mode = #sec<mode guard>, files = 2 : i64}>
// GENERIC: "sec.finding"() <{rule = "danger.pipe-to-shell", severity = #sec<severity high>, family = #sec<family danger>
