# shellcheck shell=sh
# Picks a JDK >= 21 for Cairn's launchers (./cairn, ./mvnw, .ci/run). POSIX sh, sourced.
# Order: $JAVA_HOME, the `java` on PATH, then every JDK under /usr/lib/jvm (newest first).
# On success exports JAVA_HOME and returns 0; otherwise prints one line with a hint and returns 1.

cairn_jdk_major() { # JDK_HOME -> prints the major version (e.g. 25), or nothing
  _h=$1
  if [ -r "$_h/release" ]; then
    _v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$_h/release" | head -n 1)
  elif [ -x "$_h/bin/java" ]; then
    _v=$("$_h/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  else
    _v=
  fi
  case $_v in
    1.*) _v=${_v#1.} ;;
  esac
  printf '%s\n' "${_v%%[!0-9]*}"
}

cairn_jdk_ok() { # JDK_HOME -> 0 when it is a JDK (javac present) of at least version 21
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  _m=$(cairn_jdk_major "$1")
  [ -n "$_m" ] && [ "$_m" -ge 21 ]
}

cairn_use_jdk() {
  if [ -n "${JAVA_HOME-}" ] && cairn_jdk_ok "$JAVA_HOME"; then
    export JAVA_HOME
    return 0
  fi
  _cands=
  if command -v javac >/dev/null 2>&1; then
    _j=$(readlink -f "$(command -v javac)" 2>/dev/null || true)
    [ -n "$_j" ] && _cands="${_j%/bin/javac}"
  fi
  if [ -d /usr/lib/jvm ]; then
    _best=
    _bestm=0
    for _d in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 \( -type d -o -type l \) 2>/dev/null | sort); do
      if cairn_jdk_ok "$_d"; then
        _m=$(cairn_jdk_major "$_d")
        if [ "$_m" -gt "$_bestm" ]; then _best=$_d; _bestm=$_m; fi
      fi
    done
    [ -n "$_best" ] && _cands="$_cands $_best"
  fi
  for _d in $_cands; do
    if cairn_jdk_ok "$_d"; then
      JAVA_HOME=$_d
      export JAVA_HOME
      return 0
    fi
  done
  echo "cairn: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm/*); perhaps you should install one (e.g. Temurin 21+) and set JAVA_HOME" >&2
  return 1
}
