#!/usr/bin/env bash
# on_poweroff: each action after the guest powers itself off (poweroff -f on
# its console): destroy, preserve, restart, rename-restart (actions.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/actions.sh"
xe_start
xe_check_actions on_poweroff ---s-- 'poweroff -f' destroy preserve restart rename-restart
xe_pass
