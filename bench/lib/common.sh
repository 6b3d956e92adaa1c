# Helpers shared by bench/run.sh: messages, failure, key=value lines, numbers.
# Sourced, not run.

say() { printf 'bench: %s\n' "$*" >&2; }

# Stops the benchmark; the EXIT trap in run.sh stops every server started.
fail() {
  printf 'bench: FAILED: %s\n' "$*" >&2
  exit 1
}

# kv LINE KEY: the value of KEY in a "k=v k=v" line, empty if absent.
kv() {
  awk -v key="$2" '{ for (i = 1; i <= NF; i++) { n = index($i, "=");
    if (n && substr($i, 1, n - 1) == key) { print substr($i, n + 1); exit } } }' <<<"$1"
}

# calc EXPR: floating-point arithmetic (bash has integers only).
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }

# fmt DIGITS EXPR: EXPR rounded to DIGITS decimals; "-" stays "-".
fmt() {
  [[ $2 == *-* && $2 != *[0-9]* ]] && { printf -- '-'; return; }
  awk "BEGIN { printf \"%.$1f\", $2 }"
}

# ini_value FILE GROUP KEY: a value from an INI file (quotes kept).
ini_value() {
  awk -F= -v g="[$2]" -v k="$3" '/^\[/ { cur = $0 } cur == g && $1 == k { print $2; exit }' "$1"
}
