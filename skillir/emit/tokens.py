"""Token counting moved to `skillir.tokens` (IR-free, so passes below emission can use
it: `outline-references` counts the tokens it saves). This name stays as an alias of
that very module (private names and monkeypatching included), so
`from skillir.emit.tokens import count_tokens` and `from skillir.emit import tokens`
keep working."""

import sys

from skillir import tokens as _tokens

sys.modules[__name__] = _tokens
