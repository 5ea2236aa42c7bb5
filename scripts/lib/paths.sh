# Sourced by scripts/test, scripts/demo, scripts/install and scripts/install-fabric, which change to the checkout (or
# hand paths to programs that run elsewhere): the paths a caller gives from its own folder are made absolute first, and
# everything else passes unchanged.
#
#   absolute_path_args --path-options "OPTS" [--value-options "OPTS" --operands]
#                      [--root-relative-options "OPTS" --root DIR] -- ARG...
#
#   --path-options   options whose value is a path, as `--opt VALUE` or `--opt=VALUE`: made absolute even when
#                    it does not exist yet (a report to write); an empty value stays empty
#   --value-options  options whose value is never a path (an expression, a name), even when it names a file
#   --operands       an argument that is no option and names an existing file or folder (before any `::`, as
#                    in tests/x.py::test_name) is a path too
#   --root-relative-options
#                    options whose value is a path (before any `::`) that the program compares as written
#                    relative to DIR, the folder the script changes to (pytest's --deselect node ids): made
#                    relative to DIR instead
#
# Sets the array `absolute_args` to ARG... so changed.
absolute_path_args() {
    local path_options="" value_options="" operands=0 relative_options="" root=""
    while [[ $# -gt 0 && $1 != -- ]]; do
        case $1 in
            --path-options) path_options=$2; shift 2 ;;
            --value-options) value_options=$2; shift 2 ;;
            --operands) operands=1; shift ;;
            --root-relative-options) relative_options=$2; shift 2 ;;
            --root) root=$2; shift 2 ;;
            *) echo "absolute_path_args: unknown setting $1" >&2; return 2 ;;
        esac
    done
    shift   # the --
    absolute_args=()
    local arg target takes_value=0 path_value=0 relative_value=0
    for arg in "$@"; do
        target=${arg%%::*}
        if [[ $relative_value = 1 ]]; then
            arg=$(_from_root "$root" "$arg")
        elif [[ $path_value = 1 && -n $arg && $arg != /* ]]; then
            arg="$PWD/$arg"
        elif [[ $operands = 1 && $takes_value = 0 && $arg != -* && $arg != /* && -n $target && -e $target ]]; then
            arg="$PWD/$arg"
        fi
        # --opt=PATH: the path after the = too
        if [[ $arg = --*=?* && ${arg#*=} != /* ]] && _is_one_of "${arg%%=*}" "$path_options"; then
            arg="${arg%%=*}=$PWD/${arg#*=}"
        elif [[ $arg = --*=?* ]] && _is_one_of "${arg%%=*}" "$relative_options"; then
            arg="${arg%%=*}=$(_from_root "$root" "${arg#*=}")"
        fi
        takes_value=0
        path_value=0
        relative_value=0
        if _is_one_of "$arg" "$value_options"; then takes_value=1; fi
        if _is_one_of "$arg" "$path_options"; then path_value=1; fi
        if _is_one_of "$arg" "$relative_options"; then relative_value=1; fi
        absolute_args+=("$arg")
    done
}

# PATH[::REST] (from the caller's folder, or absolute) as written from ROOT, REST kept; an empty one stays empty.
_from_root() {
    local root=$1 value=$2
    [[ -n $value ]] || { printf '%s' "$value"; return; }
    local path=${value%%::*} rest=""
    [[ $value = *::* ]] && rest="::${value#*::}"
    [[ $path = /* ]] || path="$PWD/$path"
    printf '%s%s' "$(realpath -m --relative-to="$root" "$path")" "$rest"
}

# Whether WORD is one of the space-separated OPTIONS (scripts/install-os-packages asks it of package names).
_is_one_of() {
    local option
    for option in $2; do
        [[ $1 = "$option" ]] && return 0
    done
    return 1
}

# The environment variables among NAME... that hold a relative path are made absolute against the caller's
# folder, as recfin itself would read them from there (docs/network.md, "Folders"); unset or empty ones stay so.
absolute_env_paths() {
    local name value
    for name in "$@"; do
        value=${!name-}
        if [[ -n $value && $value != /* ]]; then
            export "$name=$PWD/$value"
        fi
    done
}

# The environment variables among NAME... that name a program to run (PYTHON): one written as a path from the
# caller's folder (../py311/bin/python3) is made absolute, as the caller's shell would find it there; a bare name
# (python3.11) is left for PATH to find.
absolute_program_env_paths() {
    local name
    for name in "$@"; do
        if [[ ${!name-} == */* ]]; then absolute_env_paths "$name"; fi
    done
}
