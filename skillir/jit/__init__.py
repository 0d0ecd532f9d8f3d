"""The JIT (issue 16): solidification, adaptive recompilation, the resource-aware scheduler
and run-time variant selection. One module each: `solidify`, `recompile`, `scheduler`,
`variants`; candidates and signatures in `candidates` / `signature`; state in `store`."""
