#!/usr/bin/env bash
# on_reboot: each action after the guest reboots itself (reboot -f on its
# console): destroy, preserve, restart, rename-restart (actions.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/actions.sh"
xe_start
xe_check_actions on_reboot ---s-- 'reboot -f' destroy preserve restart rename-restart
xe_pass
