# An old helper that no longer parses (Python 2 print statement).
import lxml.etree
print "converting"
