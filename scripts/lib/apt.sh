# Sourced by scripts/install and scripts/install-os-packages: apt-get that waits, for a bounded time, for another
# apt or dpkg to let go of its lock, saying so, rather than failing at once. On a fresh machine unattended-upgrades
# holds the locks for minutes after boot, and a second install may be running.
#
#   apt_get ARG...   apt-get ARG... (its messages untranslated, so that the lock's can be told), passing on its
#                    output and exit code; its messages are kept in `apt_get_said` too
#
# The wait, in seconds, for all the apt-get calls of one script together: RECFIN_APT_LOCK_WAIT (default 600; 0 does
# not wait). apt-get waits for the dpkg locks itself (-o DPkg::Lock::Timeout, apt >= 1.9.11), silently under -qq;
# for the package lists' lock of apt-get update it does not wait (apt 2.6 fails at once): every call is first made
# without waiting, and one refused for a lock is said and made again until the wait is up.
apt_lock_wait=${RECFIN_APT_LOCK_WAIT:-600}
# Read in base 10 (bash's arithmetic takes 010 for 8 and fails on 08, which would end apt_get's caller's command
# halfway as if it succeeded), and bounded so that the deadline's sum cannot overflow.
if [[ $apt_lock_wait =~ ^0*([0-9]{1,9})$ ]]; then
    apt_lock_wait=$((10#${BASH_REMATCH[1]}))
else
    printf '%s: RECFIN_APT_LOCK_WAIT is %q; it is the seconds to wait for the apt lock: a whole number below 10^9, 0 not to wait\n' \
        "${0##*/}" "$apt_lock_wait" >&2
    exit 2
fi
apt_get_said= apt_lock_deadline= apt_lock_gave_up=   # the deadline is set at the first wait: one budget for the script
# The script's own stderr, for saying that it waits while the caller keeps apt-get's messages
exec {apt_lock_say_fd}>&2

apt_get() {
    local said status lock_line first_lock_line= wait_for=0 said_waiting=
    while :; do
        status=0
        { said=$(LC_ALL=C apt-get -o DPkg::Lock::Timeout="$wait_for" "$@" 2>&1 >&3) || status=$?; } 3>&1
        lock_line=$(_apt_lock_refusal "$said")
        [ "$status" != 0 ] && [ -n "$lock_line" ] || break
        [ -n "$first_lock_line" ] || first_lock_line=$lock_line
        [ -n "$apt_lock_deadline" ] || apt_lock_deadline=$((SECONDS + apt_lock_wait))
        if [ $((apt_lock_deadline - SECONDS)) -le 0 ]; then
            if [ "$apt_lock_wait" != 0 ] && [ -z "$apt_lock_gave_up" ]; then
                apt_lock_gave_up=1
                printf '%s: gave up waiting for the apt lock after %s s (%s)\n' \
                    "${0##*/}" "$apt_lock_wait" "${first_lock_line#E: }" >&$apt_lock_say_fd
            fi
            break
        fi
        if [ -z "$said_waiting" ]; then
            said_waiting=1
            printf '%s: waiting up to %s s for another apt or dpkg to finish (apt-get %s: %s); %s\n' \
                "${0##*/}" $((apt_lock_deadline - SECONDS)) "$1" "${lock_line#E: }" \
                "RECFIN_APT_LOCK_WAIT=SECONDS sets the wait" >&$apt_lock_say_fd
        fi
        sleep 5 || break
        wait_for=$((apt_lock_deadline - SECONDS))
        [ "$wait_for" -gt 0 ] || wait_for=0
    done
    apt_get_said=$said
    [ -z "$said" ] || printf '%s\n' "$said" >&2
    return "$status"
}

# The seconds left of the wait (all of it where none was needed yet), for the script run next to go on with:
# scripts/install passes it on to scripts/install-os-packages, so that the wait is one for the whole install.
apt_lock_wait_left() {
    local left=$apt_lock_wait
    [ -z "$apt_lock_deadline" ] || left=$((apt_lock_deadline - SECONDS))
    [ "$left" -gt 0 ] || left=0
    printf '%s\n' "$left"
}

# The line of apt-get's messages ($1) saying another process holds a lock it needs, if any: "Could not get lock"
# names the process where apt did not wait; after its wait it says only that it could not take the lock.
_apt_lock_refusal() {
    local line
    while IFS= read -r line; do
        if [[ $line == "E: Could not get lock "* \
                || $line == "E: Unable to acquire the dpkg frontend lock ("*"), is another process using it?" ]]; then
            printf '%s\n' "$line"
            return
        fi
    done <<< "$1"
}
