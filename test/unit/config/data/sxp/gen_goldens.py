# Writes <name>.compact and <name>.w80.pretty / .w40.pretty for <name>.sxp
# using xend's sxp.py and PrettyPrint.py (Python 2; see README.md).
import StringIO
import sys

from xen.xend import PrettyPrint, sxp

src = sys.argv[1]
base = src[:-len('.sxp')]
vals = sxp.all_from_string(open(src).read())
open(base + '.compact', 'w').write(''.join(sxp.to_string(v) + '\n' for v in vals))
for width in (80, 40):
    out = StringIO.StringIO()
    for v in vals:
        PrettyPrint.prettyprint(v, out=out, width=width)
    open('%s.w%d.pretty' % (base, width), 'w').write(out.getvalue())
