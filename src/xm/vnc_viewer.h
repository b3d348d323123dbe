// Starting a VNC viewer for a domain, shared by xm vncviewer (which becomes
// the viewer) and xm create/start --vncviewer (which leave it running in the
// background, as Xen's xm did). docs/design/consoles-vnc.md.
#pragma once

#include <string>

#include "xm/ctx.h"

namespace xenia::xm {

// Runs $VNCVIEWER (else vncviewer from $PATH) with "host::port" of `dom`'s
// VNC server, no shell; with autopass the password goes to its stdin and
// -autopass is added (TightVNC/TigerVNC). detach=false replaces xm (returns
// only on failure); detach=true starts it in its own session, stdin the
// password or /dev/null, stdout and stderr /dev/null, and returns 0 once it
// runs, or 1 with an error when it could not be started.
int runVncViewer(Ctx& ctx, const std::string& dom, bool autopass, bool detach);

}  // namespace xenia::xm
