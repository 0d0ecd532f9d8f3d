"""Makes SkillIR's dialects and passes visible to plain `xdsl-opt` (entry point
`xdsl.universe`)."""

from xdsl.universe import Universe

from skillir.dialects import get_all_dialects
from skillir.passes import get_all_passes

SKILLIR_UNIVERSE = Universe(all_dialects=get_all_dialects(), all_passes=get_all_passes())
