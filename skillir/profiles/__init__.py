"""Capability profiles, IR-free: the primitive catalog (`catalog`), Target Capability
Profiles and SkVM TCP JSON (`profile`), the profile store and the shipped reference
profiles (`store`), and gap arithmetic (`gaps`). Nothing here imports xdsl: the `cap`
dialect and the capability passes build on these records."""
