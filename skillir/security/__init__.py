"""Security analysis of skills, IR-free: `scan.scan_text(text, file, kind)` finds
prompt injection, dangerous commands, credential access, exfiltration and obfuscation
(rules in skillir/data/security_rules.json). The `lint-security` pass puts the findings
into the IR as `sec` facts."""
