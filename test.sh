#!/usr/bin/env bash
# Run every test of Silkgate: build the solution once, start a throwaway
# PostgreSQL cluster, run each test project under tests/ and print one closing
# line "N passed, N failed[, N skipped]".
#
# Usage: ./test.sh [extra args passed to every test app]
#   e.g. ./test.sh --filter-class 'Silkgate.Tests.*'   (Microsoft.Testing.Platform mode)
#        ./test.sh -class 'Silkgate.Tests.*'           (xunit's own runner mode)
#
# Environment:
#   SILKGATE_TEST_PG       if already set, used as is and no cluster is started
#   SILKGATE_TEST_TIMEOUT  time limit per test project (default 40m)
#   CI=true                a PostgreSQL that can't be installed or started is an error
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

# Keep dotnet from leaving build servers behind that would hold our stdout open.
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

LOGDIR=$(mktemp -d -t silkgate-test.XXXXXX)
PGDIR=""      # temp dir of the throwaway cluster, once made
PGBIN=""      # bin dir of the PostgreSQL server, once found

cleanup() {
  {
    if [[ -n $PGDIR && -f $PGDIR/data/postmaster.pid ]]; then
      as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 30 stop
    fi
    [[ -n $PGDIR ]] && rm -rf "$PGDIR"
    rm -rf "$LOGDIR"
  } >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

is_root() { [[ $(id -u) -eq 0 ]]; }

# Run a PostgreSQL tool as the postgres OS user (initdb refuses to run as root).
as_pg() {
  (
    cd "${PGDIR:-/}"
    if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
  )
}

find_pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/pg_ctl && -x $d/initdb ]] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0; }
  return 1
}

install_pg() {
  local sudo=()
  is_root || sudo=(sudo)
  echo "PostgreSQL not found: installing Debian's postgresql package..."
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y --no-install-recommends postgresql; } \
       >"$LOGDIR/apt.log" 2>&1 </dev/null; then
    tail -n 20 "$LOGDIR/apt.log" >&2
    return 1
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Make and start a throwaway cluster; on success export SILKGATE_TEST_PG.
# (Called in an `if`, where set -e is off: every step checks itself.)
start_pg() {
  PGBIN=$(find_pg_bin) || { install_pg && PGBIN=$(find_pg_bin); } || return 1
  if is_root && ! id postgres >/dev/null 2>&1; then
    echo "no 'postgres' OS user to run initdb as" >&2; return 1
  fi

  PGDIR=$(mktemp -d -t silkgate-pg.XXXXXX) || return 1
  is_root && { chown postgres: "$PGDIR" || return 1; }
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U silkgate --auth=trust -E UTF8 --locale=C -N \
    >"$LOGDIR/initdb.log" 2>&1 || { cat "$LOGDIR/initdb.log" >&2; return 1; }

  local port started=""
  for port in $(seq 54329 54338); do
    port_busy "$port" && continue
    if as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -w -t 60 \
         -o "-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         start >/dev/null 2>&1 </dev/null; then
      started=$port; break
    fi
  done
  if [[ -z $started ]]; then
    tail -n 20 "$PGDIR/postgres.log" >&2 2>/dev/null
    echo "could not start PostgreSQL on any port 54329-54338" >&2; return 1
  fi

  local i
  for i in $(seq 1 60); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$started" && break
    sleep 0.5
  done
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$started" || { echo "PostgreSQL does not answer" >&2; return 1; }

  export SILKGATE_TEST_PG="Host=127.0.0.1;Port=$started;Username=silkgate;Database=postgres"
  echo "PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') running on 127.0.0.1:$started (throwaway cluster)"
}

# Print "found total passed failed skipped" from a test app's output. Reads the
# last summary of either runner a test app may use:
#   Microsoft.Testing.Platform:  "Test run summary: Passed! - .../X.dll (net10.0|x64)"
#                                followed by "  total: N", "  failed: N", "  succeeded: N", "  skipped: N"
#   xunit's in-process runner:   "=== TEST EXECUTION SUMMARY ==="
#                                followed by "   X  Total: N, Errors: N, Failed: N, Skipped: N, Not Run: N, Time: ..."
#                                (or just "   X  Total: 0" when nothing ran)
parse_summary() {
  sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//' "$1" | awk '
    function num(line, label,    str) {
      if (match(line, label ": *[0-9]+")) { str = substr(line, RSTART, RLENGTH); sub(/^[^0-9]*/, "", str); return str + 0 }
      return -1
    }
    /^Test run summary:/ { found = 1; mtp = 1; x = 0; t = f = s = 0; p = -1; next }
    mtp && /^[ \t]+[a-z]+: / {
      k = $1; sub(/:$/, "", k); v = $2
      if (v ~ /^[0-9]+$/) {
        if (k == "total") t = v + 0; else if (k == "failed") f = v + 0
        else if (k == "succeeded") p = v + 0; else if (k == "skipped") s = v + 0
      }
      next
    }
    { mtp = 0 }
    /=== TEST EXECUTION SUMMARY ===/ { x = 1; next }
    x && / Total: *[0-9]+/ {
      found = 1; t = num($0, "Total"); e = num($0, "Errors"); f = num($0, "Failed")
      s = num($0, "Skipped"); n = num($0, "Not Run")
      if (e < 0) e = 0; if (f < 0) f = 0; if (s < 0) s = 0; if (n < 0) n = 0
      p = t - f - s - n; f += e; x = 0
    }
    END {
      if (!found) { print "0 0 0 0 0"; exit }
      if (p < 0) p = t - f - s; if (p < 0) p = 0
      print 1, t, p, f, s
    }'
}

# --- PostgreSQL -------------------------------------------------------------
if [[ -n ${SILKGATE_TEST_PG:-} ]]; then
  echo "Using SILKGATE_TEST_PG from the environment; not starting a cluster."
elif ! start_pg; then
  if [[ ${CI:-} == true ]]; then
    echo "error: PostgreSQL could not be installed or started (required when CI=true)." >&2
    exit 1
  fi
  echo "warning: PostgreSQL could not be installed or started; PostgreSQL tests will be skipped." >&2
  unset SILKGATE_TEST_PG
fi

# --- CJK font ---------------------------------------------------------------
# Chinese bulletins label their charts in Chinese when a CJK font is installed
# (Debian: fonts-noto-cjk), and fall back to English labels when not; install
# it the way PostgreSQL is installed, and carry on without it if that fails.
has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [[ -n $(fc-list :lang=zh family 2>/dev/null) ]]; }

install_cjk_font() {
  local sudo=()
  is_root || sudo=(sudo)
  command -v apt-get >/dev/null 2>&1 || return 1
  echo "No CJK font found: installing Debian's fonts-noto-cjk package..."
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
         "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
           apt-get install -y --no-install-recommends fonts-noto-cjk; } \
       >"$LOGDIR/apt-fonts.log" 2>&1 </dev/null; then
    tail -n 5 "$LOGDIR/apt-fonts.log" >&2
    return 1
  fi
}

if ! has_cjk_font && ! { install_cjk_font && has_cjk_font; }; then
  echo "warning: no CJK font (fonts-noto-cjk); Chinese bulletin charts will have English labels." >&2
fi

# --- Build ------------------------------------------------------------------
echo "Building Silkgate.slnx (Release)..."
# Output goes to a file, not a pipe, so that no build server can keep a pipe open.
if ! dotnet build Silkgate.slnx -c Release -nologo -v minimal -nodeReuse:false \
     >"$LOGDIR/build.log" 2>&1 </dev/null; then
  cat "$LOGDIR/build.log"
  echo "error: build failed" >&2
  exit 1
fi
cat "$LOGDIR/build.log"

# --- Tests ------------------------------------------------------------------
passed=0 failed=0 skipped=0
shopt -s nullglob
projects=(tests/*/*.csproj)
[[ ${#projects[@]} -gt 0 ]] || echo "warning: no test projects under tests/" >&2

for proj in "${projects[@]}"; do
  name=$(basename "$proj" .csproj)
  bindir=$(dirname "$proj")/bin/Release/net10.0
  log="$LOGDIR/$name.log"
  echo
  echo "=== $name ==="
  if [[ ! -f $bindir/$name.dll ]]; then
    echo "error: $bindir/$name.dll was not built (is $proj in Silkgate.slnx?)" >&2
    failed=$((failed + 1))
    continue
  fi

  # Plain output, whichever runner the app uses: xunit's own in-process runner
  # (what a directly started xunit v3 app uses unless the project sets
  # UseMicrosoftTestingPlatformRunner=true) or Microsoft.Testing.Platform (which
  # turns colours on when CI=true, even into a pipe).
  opts=()
  help=$(cd "$bindir" && dotnet "$name.dll" --help 2>&1 </dev/null || true)
  if [[ $help == *"In-Process Runner"* ]]; then opts=(-noColor)
  elif [[ $help == *"--no-ansi"* ]]; then opts=(--no-ansi)
  fi

  # Run from the output directory, as `dotnet test` does.
  set +e
  (cd "$bindir" && timeout --foreground -k 30s "${SILKGATE_TEST_TIMEOUT:-40m}" \
     dotnet "$name.dll" "${opts[@]}" "$@" </dev/null) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e

  read -r found t p f s < <(parse_summary "$log")
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    echo "error: $name timed out (limit ${SILKGATE_TEST_TIMEOUT:-40m}) or was killed; counted as 1 failure" >&2
    failed=$((failed + 1))
  elif [[ $found -eq 0 ]]; then
    echo "error: $name printed no test summary (exit code $rc); counted as 1 failure" >&2
    failed=$((failed + 1))
  elif [[ $rc -ne 0 && $f -eq 0 && ! ($rc -eq 8 && $t -eq 0) ]]; then
    # exit code 8 = Microsoft.Testing.Platform found zero tests: not a failure
    echo "error: $name exited with code $rc; counted as 1 failure" >&2
    failed=$((failed + 1))
  fi
done

# --- Closing line (must be the last line printed) ---------------------------
echo
line="$passed passed, $failed failed"
[[ $skipped -gt 0 ]] && line+=", $skipped skipped"
echo "$line"
[[ $failed -eq 0 ]]
