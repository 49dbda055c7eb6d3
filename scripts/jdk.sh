# Sourced by ./mvnw, ./bootline and scripts/*: points JAVA_HOME at a JDK >= 25.
# The machine's default java is 17; bootline needs 25 (FFM sockets, virtual threads everywhere).
bootline_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'; }
bootline_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]-jdk-* /usr/lib/jvm/java-2[5-9]-openjdk-* /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(bootline_java_major "$c")
    case "$v" in ''|*[!0-9]*) continue ;; esac
    if [ "$v" -ge 25 ]; then JAVA_HOME=$c; export JAVA_HOME; return 0; fi
  done
  echo "bootline: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/*). Install Temurin 25 or set JAVA_HOME." >&2
  return 1
}
bootline_find_jdk || exit 1
