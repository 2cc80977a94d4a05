#!/usr/bin/env bash
# The Debian package as a host owner meets it, on this machine: dpkg -i, files and permissions,
# the daemon started as the package starts it (the unit's ExecStart as its user; systemd's part
# done by hand when systemd does not run here), asked over UDP, HTTP and the control socket,
# stopped; dpkg -r keeps the host's keys, configuration and state, a reinstall finds them, and
# dpkg -P deletes them. Cleans up after itself on any failure.
#   bash packaging/test-deb.sh DIR_WITH_THE_DEB        (run by `./mvnw -Pdeb verify` and .ci/run)
# Needs root. Skipped, saying why, when it is not root or the host already has a weverywhere
# installation it must not touch; under CI (CI=true) those are failures instead.
set -euo pipefail

dir=${1:?usage: test-deb.sh DIR_WITH_THE_DEB}
deb=$(ls "$dir"/weverywhere_*_all.deb 2>/dev/null | head -1 || true)
# ports of its own, so that a daemon already running here on the default port is not disturbed
http_port=${WEVERYWHERE_TEST_DEB_PORT:-23581}
udp_port=$((http_port + 1))

skip() {
  if [[ ${CI:-} == true ]]; then
    echo "test-deb: FAILED: cannot run under CI: $*" >&2
    exit 1
  fi
  echo "test-deb: SKIPPED: $*"
  exit 0
}
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "test-deb: ok   $1"; else fail "$1"; fi
}

[[ -n $deb ]] || fail "no weverywhere_*_all.deb in $dir"
[[ $(id -u) == 0 ]] || skip "needs root (dpkg -i installs on this machine)"
command -v dpkg >/dev/null || skip "no dpkg: not a Debian system"
if dpkg-query -W -f='${Status}' weverywhere 2>/dev/null | grep -q "ok installed\|config-files"; then
  skip "a weverywhere package is already installed here; this test would remove it"
fi
for path in /etc/weverywhere /var/lib/weverywhere /usr/lib/weverywhere /run/weverywhere; do
  [[ ! -e $path ]] || skip "$path exists: a weverywhere installation not from this test"
done
getent passwd weverywhere >/dev/null && skip "a user 'weverywhere' exists already"

daemon_pid=
work=$(mktemp -d /tmp/we-test-deb.XXXXXX)
cleanup() {
  status=$?
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM -- "-$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$daemon_pid" 2>/dev/null || true
  fi
  if dpkg-query -W weverywhere >/dev/null 2>&1; then
    dpkg -P weverywhere >/dev/null 2>&1 || echo "test-deb: cleanup: dpkg -P weverywhere failed" >&2
  fi
  # whatever a failed purge left: none of it existed before this test (checked above)
  rm -rf /etc/weverywhere /var/lib/weverywhere /usr/lib/weverywhere /run/weverywhere
  getent passwd weverywhere >/dev/null && deluser --system --quiet weverywhere >/dev/null 2>&1
  for group in weverywhere-ctl weverywhere; do
    getent group "$group" >/dev/null && delgroup --system --quiet "$group" >/dev/null 2>&1
  done
  if ((status != 0)) && [[ -f $work/daemon.log ]]; then
    echo "test-deb: the daemon's output (last 30 lines):" >&2
    tail -30 "$work/daemon.log" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

mode() { stat -c '%a %U:%G' "$1"; }

echo "test-deb: $deb ($(du -m "$deb" | cut -f1) MB)"
dpkg -i --force-confold "$deb" </dev/null >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
check "installed" sh -c "dpkg-query -W -f='\${Status}' weverywhere | grep -q 'install ok installed'"
check "/usr/bin/weverywhere is an executable launcher" test "$(mode /usr/bin/weverywhere)" = "755 root:root"
check "the daemon's start script" test "$(mode /usr/lib/weverywhere/bin/weverywhere-daemon)" = "755 root:root"
check "Liberty's server script is executable" test -x /usr/lib/weverywhere/wlp/bin/server
check "the daemon's server.xml is readable by all" test "$(mode /usr/lib/weverywhere/wlp/usr/servers/weverywhere/server.xml)" = "644 root:root"
check "no build-time keystore password shipped" test ! -e /usr/lib/weverywhere/wlp/usr/servers/weverywhere/server.env
check "the systemd unit" test -f /lib/systemd/system/weverywhere.service
check "the configuration from etc/" test "$(mode /etc/weverywhere/weverywhere.conf)" = "644 root:root"
check "the configuration is conffiles" sh -c "dpkg-query -W -f='\${Conffiles}' weverywhere | grep -q ' /etc/weverywhere/weverywhere.conf '"
check "the daemon may write weverywhere.d (ctl set)" test "$(mode /etc/weverywhere/weverywhere.d)" = "755 weverywhere:weverywhere"
check "the daemon may write groups (ctl group add-key)" test "$(mode /etc/weverywhere/groups)" = "755 weverywhere:weverywhere"
check "the state directory is the daemon's alone" test "$(mode /var/lib/weverywhere)" = "700 weverywhere:weverywhere"
check "a system user that cannot log in" sh -c 'getent passwd weverywhere | grep -q ":/var/lib/weverywhere:/usr/sbin/nologin$"'
check "the control group, with the daemon in it" sh -c 'id -nG weverywhere | grep -qw weverywhere-ctl'
if [[ -f /var/cache/weverywhere/weverywhere.aot ]]; then
  echo "test-deb: ok   the CLI's AOT cache was trained at install"
else
  echo "test-deb: note no AOT cache for the CLI (its JDK is older than 25, or training failed)"
fi
installed_mb=$(du -sm /usr/lib/weverywhere | cut -f1)
check "the installed daemon and CLI take less than 150 MB ($installed_mb MB)" test "$installed_mb" -lt 150

if [[ -d /run/systemd/system ]]; then
  # postinst started it on the default port: this test runs its own on ports of its own
  systemctl stop weverywhere.service || true
fi
# what systemd does before ExecStart: RuntimeDirectory=weverywhere, mode 0750, the user's
install -d -o weverywhere -g weverywhere -m 0750 /run/weverywhere
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/weverywhere.service)
user=$(sed -n 's/^User=//p' /lib/systemd/system/weverywhere.service)
group=$(sed -n 's/^Group=//p' /lib/systemd/system/weverywhere.service)
# systemd's clean environment, plus this test's ports (any configuration key may come from it)
setsid setpriv --reuid="$user" --regid="$group" --init-groups \
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/weverywhere LANG=C.UTF-8 \
  WEVERYWHERE_HTTP_PORT="$http_port" HTTP_PORT="$http_port" NETWORK_PORT="$udp_port" \
  $exec_start >"$work/daemon.log" 2>&1 </dev/null &
daemon_pid=$!

ready=
started=$SECONDS
for _ in $(seq 1 360); do # at most 180 s: a loaded CI machine starts Liberty slowly
  if curl -sf "http://127.0.0.1:$http_port/health/ready" >"$work/health.json" 2>/dev/null && grep -q '"status":"UP"' "$work/health.json"; then
    ready=yes
    break
  fi
  kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
  sleep 0.5
done
[[ -n $ready ]] || fail "the daemon was not ready within 180 s"
node=$(sed -n 's/.*"nodeId":"\([^"]*\)".*/\1/p' "$work/health.json")
echo "test-deb: ok   ready after $((SECONDS - started)) s: $node"
check "the daemon runs as its user" test "$(ps -o user= -p "$(pgrep -u weverywhere -f ws-server.jar | head -1)")" = weverywhere
check "the host key was made in /var/lib/weverywhere, private" test "$(mode /var/lib/weverywhere/host.key.pem)" = "600 weverywhere:weverywhere"
key_before=$(sha256sum /var/lib/weverywhere/host.key.pem | cut -d' ' -f1)

weverywhere describe --port "$udp_port" --timeout 10s "127.0.0.1:$udp_port" >"$work/describe.txt" 2>&1 \
  || { cat "$work/describe.txt" >&2; fail "weverywhere describe 127.0.0.1:$udp_port"; }
check "the CLI on the PATH reaches it over UDP" grep -q "$node" "$work/describe.txt"
weverywhere ctl status >"$work/status.txt" 2>&1 || { cat "$work/status.txt" >&2; fail "weverywhere ctl status"; }
check "ctl finds the control socket the package configured" test -S /run/weverywhere/control.sock
check "the control socket belongs to weverywhere-ctl" sh -c "stat -c %G /run/weverywhere/control.sock | grep -qx weverywhere-ctl"

kill -TERM -- "-$daemon_pid"
for _ in $(seq 1 600); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$daemon_pid" 2>/dev/null && fail "the daemon did not stop within 60 s of SIGTERM"
daemon_pid=
echo "test-deb: ok   stopped by SIGTERM"

# a host owner's edits and the daemon's own changes
echo "# edited by the host owner" >>/etc/weverywhere/weverywhere.conf
echo "node.name = kept" >/etc/weverywhere/weverywhere.d/99-control.conf
chown weverywhere:weverywhere /etc/weverywhere/weverywhere.d/99-control.conf

dpkg -r weverywhere >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r"; }
check "remove takes the programs" test ! -e /usr/lib/weverywhere -a ! -e /usr/bin/weverywhere
check "remove keeps the host key" test "$(sha256sum /var/lib/weverywhere/host.key.pem | cut -d' ' -f1)" = "$key_before"
check "remove keeps the edited configuration" grep -q "edited by the host owner" /etc/weverywhere/weverywhere.conf
check "remove keeps what ctl wrote" test -f /etc/weverywhere/weverywhere.d/99-control.conf

dpkg -i --force-confold "$deb" </dev/null >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i again"; }
check "a reinstall keeps the host key" test "$(sha256sum /var/lib/weverywhere/host.key.pem | cut -d' ' -f1)" = "$key_before"
check "a reinstall keeps the edited configuration" grep -q "edited by the host owner" /etc/weverywhere/weverywhere.conf
check "a reinstall keeps what ctl wrote" test "$(mode /etc/weverywhere/weverywhere.d/99-control.conf)" = "644 weverywhere:weverywhere"
check "a reinstall keeps the state private" test "$(mode /var/lib/weverywhere)" = "700 weverywhere:weverywhere"

[[ -d /run/systemd/system ]] && systemctl stop weverywhere.service
dpkg -P weverywhere >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -P"; }
check "purge deletes the configuration" test ! -e /etc/weverywhere
check "purge deletes the state" test ! -e /var/lib/weverywhere
check "purge deletes the user" sh -c '! getent passwd weverywhere >/dev/null'
check "nothing of the package is left" sh -c '! dpkg-query -W weverywhere >/dev/null 2>&1'
echo "test-deb: passed"
