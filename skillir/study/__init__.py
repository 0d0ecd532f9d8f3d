"""Studies over many runs and many skills, above the runtime and the JIT: the benchmark
matrix (`plan`, `matrix`, `results_db`, `report`: skill-bench) and the ecosystem census
(`census`: skill-census)."""
