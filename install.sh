#!/bin/sh
# install.sh: installs the Akash at Home agent (akash-home) on 64-bit Linux as a systemd service.
#
#   curl -fsSL https://REGISTRY/install.sh | sh
#
# It detects the platform, downloads SHA256SUMS and then the binary (the .xz or .zst copy when xz or
# zstd is here), checks the SHA-256 of what it downloaded, installs akash-home to /usr/local/bin
# atomically, writes the systemd unit and /etc/default/akash-home, enables and starts the service and
# prints the page to open (http://127.0.0.1:7777) with its one-time setup code. Run again with the same
# binary it changes nothing and restarts nothing.
#
# Headless (no browser): set the device up in the same step. Give the claim code from the owner portal
# in the environment, which keeps it out of process listings:
#   curl -fsSL https://REGISTRY/install.sh | AKASH_HOME_CLAIM=K7QX-3MPA sh -s -- --registry https://REGISTRY
# "--claim CODE" works too, but then the code shows in `ps` while this script runs. Every other argument
# goes to "akash-home up ... --yes" unchanged.
#
# Environment:
#   AKASH_HOME_DOWNLOAD_URL    where akash-home-linux-{x64,arm64}[.xz|.zst] and SHA256SUMS are, e.g.
#                              https://registry.example.org/downloads (needed unless the registry filled
#                              in DEFAULT_DOWNLOAD_URL below when it served this script)
#   AKASH_HOME_ALLOW_HTTP=1    accept a plain http:// download URL. Only for a test registry on this
#                              machine: over http anyone on the path can swap the binary and its checksum.
#   PREFIX                     install the binary to $PREFIX/bin (default /usr/local)
#   AKASH_HOME_SKIP_SYSTEMD=1  write the unit and env file but run no systemctl command, printing what it
#                              would run (image builds, tests)
#   AKASH_HOME_SKIP_START=1    install and enable the service, but do not start it or set it up
#   AKASH_HOME_SYSTEMD_DIR     where the unit goes (default /etc/systemd/system)
#   AKASH_HOME_ENV_FILE        the service's environment file (default /etc/default/akash-home)
#   AKASH_HOME_WAIT_SECONDS    how long to wait for the agent to answer after starting it (default 30)
#   AKASH_HOME_CLAIM           claim code for headless setup (the environment twin of --claim)
#
# The SHA-256 comes from the same place as the binary: it proves the download is whole, not who made it.
# Uninstall with: sudo akash-home uninstall   (--keep-state keeps this device's identity)
set -eu

# The registry puts its own download URL on this line when it serves /install.sh; keep it on one line.
DEFAULT_DOWNLOAD_URL=''

info() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
fatal() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || fatal "this installer needs the '$1' command; install it and run the installer again"
}
has_cmd() { command -v "$1" >/dev/null 2>&1; }

usage() {
	cat <<'EOF'
Usage: curl -fsSL https://REGISTRY/install.sh | [AKASH_HOME_CLAIM=CODE] sh -s -- [--registry URL] [--claim CODE] [flags of "akash-home up"]

Installs akash-home, starts it as a systemd service and prints the page to open.
With --registry or a claim code it also runs "akash-home up ... --yes" (headless setup).
The environment knobs are listed at the top of this script.
EOF
}

# setup_env reads the knobs once; nothing below reads the environment again.
setup_env() {
	SERVICE=akash-home
	PREFIX=${PREFIX:-/usr/local}
	case $PREFIX in
	/*) ;;
	*) fatal "PREFIX must be an absolute path (got '$PREFIX')" ;;
	esac
	BIN_DIR=${PREFIX%/}/bin
	BIN_PATH=$BIN_DIR/akash-home
	SYSTEMD_DIR=${AKASH_HOME_SYSTEMD_DIR:-/etc/systemd/system}
	UNIT_PATH=${SYSTEMD_DIR%/}/$SERVICE.service
	ENV_FILE=${AKASH_HOME_ENV_FILE:-/etc/default/akash-home}
	WAIT_SECONDS=${AKASH_HOME_WAIT_SECONDS:-30}
	SKIP_START=${AKASH_HOME_SKIP_START:-}
	DOWNLOAD_URL=${AKASH_HOME_DOWNLOAD_URL:-$DEFAULT_DOWNLOAD_URL}
	DOWNLOAD_URL=${DOWNLOAD_URL%/}
	TMP_DIR=
	PENDING=
	SUDO=
}

check_download_url() {
	[ -n "$DOWNLOAD_URL" ] || fatal "set AKASH_HOME_DOWNLOAD_URL to where the akash-home downloads are, e.g. https://registry.example.org/downloads (the install.sh a registry serves sets it for you)"
	case $DOWNLOAD_URL in
	https://*) CURL_PROTO='=https' ;;
	http://*)
		[ "${AKASH_HOME_ALLOW_HTTP:-}" = 1 ] || fatal "refusing to download over plain http ($DOWNLOAD_URL): anyone on the path could swap the binary and its checksum. Use an https:// URL (AKASH_HOME_ALLOW_HTTP=1 allows http for a test registry on this machine)"
		CURL_PROTO='=http,https'
		;;
	*) fatal "AKASH_HOME_DOWNLOAD_URL must be an https:// URL (got '$DOWNLOAD_URL')" ;;
	esac
}

detect_platform() {
	need_cmd uname
	os=$(uname -s)
	machine=$(uname -m)
	case $os in
	Linux) ;;
	Darwin) fatal "akash-home runs on Linux; this is macOS. Use a Linux computer (x86_64 or aarch64)" ;;
	*) fatal "akash-home runs on Linux only; this system is $os" ;;
	esac
	case $machine in
	x86_64 | amd64) ARCH=x64 ;;
	aarch64 | arm64) ARCH=arm64 ;;
	*) fatal "unsupported architecture '$machine': akash-home runs on 64-bit Linux on x86_64 (Intel/AMD) or aarch64 (64-bit ARM)" ;;
	esac
	if has_cmd getconf && [ "$(getconf LONG_BIT 2>/dev/null || true)" = 32 ]; then
		fatal "this is a 32-bit operating system on a 64-bit $machine CPU; akash-home needs a 64-bit one (e.g. the 64-bit Raspberry Pi OS)"
	fi
	if is_musl_only; then
		fatal "this system uses musl libc (Alpine?); akash-home needs glibc (Debian, Ubuntu, Fedora, Arch...)"
	fi
	ASSET=akash-home-linux-$ARCH
}

# is_musl_only: the binary is linked against glibc, so a system with a musl loader and no glibc one
# cannot start it (it would fail with a baffling "not found").
is_musl_only() {
	[ -e /lib/ld-musl-x86_64.so.1 ] || [ -e /lib/ld-musl-aarch64.so.1 ] || return 1
	if [ -e /lib64/ld-linux-x86-64.so.2 ] || [ -e /lib/ld-linux-aarch64.so.1 ]; then return 1; fi
	return 0
}

# detect_systemd sets SYSTEMD to skip (files only), yes, or no (this system does not run systemd).
detect_systemd() {
	if [ "${AKASH_HOME_SKIP_SYSTEMD:-}" = 1 ]; then
		SYSTEMD=skip
	elif [ -d /run/systemd/system ] && has_cmd systemctl; then
		SYSTEMD=yes
	else
		SYSTEMD=no
	fi
}

# can_write: the directory, or its nearest existing parent, is writable by us.
can_write() {
	dir=$1
	while [ ! -e "$dir" ]; do dir=$(dirname "$dir"); done
	[ -w "$dir" ]
}

# choose_sudo: root needs nothing; a user who can write every target (a PREFIX of their own, no
# systemctl to run) needs nothing either; anyone else needs sudo or doas.
choose_sudo() {
	SUDO=
	[ "$(id -u)" != 0 ] || return 0
	if [ "$SYSTEMD" != yes ] && can_write "$BIN_DIR" && { [ "$SYSTEMD" = no ] || { can_write "$SYSTEMD_DIR" && can_write "$(dirname "$ENV_FILE")"; }; }; then
		return 0
	fi
	if has_cmd sudo; then
		SUDO=sudo
	elif has_cmd doas; then
		SUDO=doas
	else
		fatal "installing to $BIN_DIR and setting up the service needs root: run this as root, or install sudo or doas"
	fi
	info "using $SUDO for the steps that need root"
}

as_root() {
	if [ -n "$SUDO" ]; then "$SUDO" "$@"; else "$@"; fi
}

check_tools() {
	need_cmd mktemp
	need_cmd install
	need_cmd awk
	need_cmd sed
	if has_cmd curl; then
		DOWNLOADER=curl
	elif has_cmd wget; then
		DOWNLOADER=wget
	else
		fatal "this installer needs curl or wget to download akash-home; install one (e.g. apt-get install curl)"
	fi
	has_cmd sha256sum || has_cmd shasum || fatal "this installer needs sha256sum (coreutils) or shasum to check the download"
}

setup_tmp() {
	TMP_DIR=$(mktemp -d 2>/dev/null || mktemp -d -t akash-home.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

cleanup() {
	code=$?
	set +e
	trap - EXIT
	[ -z "$PENDING" ] || as_root rm -f "$PENDING"
	[ -z "$TMP_DIR" ] || rm -rf "$TMP_DIR"
	exit "$code"
}

download() {
	case $DOWNLOADER in
	curl) curl -fsSL --retry 3 --connect-timeout 20 --proto "$CURL_PROTO" --proto-redir "$CURL_PROTO" --tlsv1.2 -o "$2" "$1" ;;
	wget) wget -q -O "$2" "$1" ;;
	esac || fatal "could not download $1"
}

sha256_stdin() {
	if has_cmd sha256sum; then sha256sum | awk '{ print $1 }'; else shasum -a 256 | awk '{ print $1 }'; fi
}

sha256_of() { sha256_stdin <"$1"; }

# sums_entry prints the SHA-256 that SHA256SUMS lists for a file name, or nothing.
sums_entry() {
	awk -v f="$1" '$2 == f || $2 == "*" f || $2 == "./" f { print $1; exit }' "$SUMS"
}

# install_hashes fingerprints what the service runs: binary, unit and environment file (as k3s does),
# so the service restarts only when one of them changed.
install_hashes() {
	for file in "$BIN_PATH" "$UNIT_PATH" "$ENV_FILE"; do
		if [ -e "$file" ]; then as_root cat "$file" | sha256_stdin; else echo absent; fi
	done
}

download_sums() {
	SUMS=$TMP_DIR/SHA256SUMS
	download "$DOWNLOAD_URL/SHA256SUMS" "$SUMS"
	RAW_SUM=$(sums_entry "$ASSET")
	[ -n "$RAW_SUM" ] || fatal "$DOWNLOAD_URL/SHA256SUMS lists no $ASSET: this registry offers no akash-home for linux-$ARCH"
}

installed_binary_matches() {
	[ -f "$BIN_PATH" ] && [ "$(sha256_of "$BIN_PATH")" = "$RAW_SUM" ]
}

# pick_asset chooses the smallest download that the tools here can unpack.
pick_asset() {
	if has_cmd xz && [ -n "$(sums_entry "$ASSET.xz")" ]; then
		FILE=$ASSET.xz
	elif has_cmd zstd && [ -n "$(sums_entry "$ASSET.zst")" ]; then
		FILE=$ASSET.zst
	else
		FILE=$ASSET
	fi
	FILE_SUM=$(sums_entry "$FILE")
}

verify() {
	actual=$(sha256_of "$1")
	[ "$actual" = "$2" ] || fatal "checksum mismatch for $3: SHA256SUMS says $2, the download is $actual. The download is corrupt or was tampered with; nothing was installed. Try again, and tell the registry's operators if it happens again"
}

download_and_verify() {
	pick_asset
	info "downloading $DOWNLOAD_URL/$FILE"
	download "$DOWNLOAD_URL/$FILE" "$TMP_DIR/$FILE"
	verify "$TMP_DIR/$FILE" "$FILE_SUM" "$FILE"
	case $FILE in
	*.xz) xz -dc "$TMP_DIR/$FILE" >"$TMP_DIR/akash-home" || fatal "could not unpack $FILE" ;;
	*.zst) zstd -dcq "$TMP_DIR/$FILE" >"$TMP_DIR/akash-home" || fatal "could not unpack $FILE" ;;
	*) mv "$TMP_DIR/$FILE" "$TMP_DIR/akash-home" ;;
	esac
	# The unpacked binary is checked too: it is what will run.
	[ "$FILE" = "$ASSET" ] || verify "$TMP_DIR/akash-home" "$RAW_SUM" "$ASSET"
}

# install_file replaces dest atomically: a temp file in dest's directory, then a rename over it.
install_file() {
	dest_dir=$(dirname "$2")
	as_root mkdir -p "$dest_dir"
	PENDING=$dest_dir/.$(basename "$2").new.$$
	as_root install -m "$3" "$1" "$PENDING"
	as_root mv -f "$PENDING" "$2"
	PENDING=
}

install_binary() {
	if installed_binary_matches; then
		info "akash-home at $BIN_PATH is already this version (sha256 $RAW_SUM)"
		return 0
	fi
	download_and_verify
	install_file "$TMP_DIR/akash-home" "$BIN_PATH" 0755
	info "installed $BIN_PATH (sha256 $RAW_SUM)"
	case ":$PATH:" in
	*":$BIN_DIR:"*) ;;
	*) warn "$BIN_DIR is not in your PATH; run akash-home as $BIN_PATH" ;;
	esac
}

# unit_text is install/akash-home.service with this install's paths.
unit_text() {
	cat <<EOF
# akash-home.service: the Akash at Home agent. Written by install.sh, removed by "akash-home uninstall".
#
# It runs as root: it sets up tailscaled and the k3s agent, which run as units of their own (as their
# upstream installers lay them out). The hardening below stops where it would get in the way of that:
# no ProtectSystem (it writes units and binaries), no PrivateDevices (GPU probes), no
# ProtectKernelModules/ProtectKernelTunables (preflight loads br_netfilter and sets sysctls), no
# MemoryDenyWriteExecute (Bun's JIT). Should tailscaled or k3s ever run as children of this unit,
# drop NoNewPrivileges, RestrictSUIDSGID, PrivateTmp and ProtectHome: children inherit them, and
# the kubelet needs the host's mount namespace.
[Unit]
Description=Akash at Home agent
Wants=network-online.target
After=network-online.target
# Never give up: a device at home should come back by itself after a bad hour.
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart=$BIN_PATH agent
EnvironmentFile=-$ENV_FILE
# The agent idles for weeks doing little; JavaScriptCore's JIT compilers would add about 6 MB of memory
# for no gain. It turns the JIT back on for the benchmark and probe it runs as child processes.
Environment=BUN_JSC_useJIT=0
Restart=on-failure
# Back off from 5s to 2min between restarts (RestartSteps needs systemd 254; older ones keep 5s).
RestartSec=5s
RestartSteps=5
RestartMaxDelaySec=2min
TimeoutStopSec=30s
StateDirectory=akash-home
StateDirectoryMode=0700
RuntimeDirectory=akash-home
RuntimeDirectoryMode=0700
LimitCORE=0
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=read-only
ProtectClock=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
EOF
}

# env_text is install/akash-home.env.
env_text() {
	cat <<'EOF'
# /etc/default/akash-home: environment of the akash-home service (systemd EnvironmentFile=).
# Every flag --foo-bar of "akash-home agent" can be set here as AKASH_HOME_FOO_BAR=value.
# install.sh writes this file once and never overwrites it. After editing it, run:
#   sudo systemctl restart akash-home
#AKASH_HOME_LISTEN=127.0.0.1:7777
#AKASH_HOME_REGISTRY=https://registry.example.org
# If this network reaches the internet only through a proxy:
#HTTPS_PROXY=http://proxy.example.org:3128
#NO_PROXY=127.0.0.1,localhost
EOF
}

write_service_files() {
	UNIT_CHANGED=
	[ "$SYSTEMD" != no ] || return 0
	unit_text >"$TMP_DIR/unit"
	if [ -f "$UNIT_PATH" ] && [ "$(sha256_of "$UNIT_PATH")" = "$(sha256_of "$TMP_DIR/unit")" ]; then
		info "$UNIT_PATH is up to date"
	else
		install_file "$TMP_DIR/unit" "$UNIT_PATH" 0644
		UNIT_CHANGED=1
		info "wrote $UNIT_PATH"
	fi
	# The env file is the owner's to edit: written once, never overwritten, 0600 as it may hold a proxy password.
	if [ ! -e "$ENV_FILE" ]; then
		env_text >"$TMP_DIR/env"
		install_file "$TMP_DIR/env" "$ENV_FILE" 0600
		info "wrote $ENV_FILE"
	fi
}

run_systemctl() {
	if [ "$SYSTEMD" = skip ]; then
		info "AKASH_HOME_SKIP_SYSTEMD=1: would run: systemctl $*"
		return 0
	fi
	as_root systemctl "$@"
}

# enable_and_start restarts the service only when the binary, unit or env file changed.
enable_and_start() {
	[ "$SYSTEMD" != no ] || return 0
	[ -z "$UNIT_CHANGED" ] || run_systemctl daemon-reload
	run_systemctl enable --quiet "$SERVICE"
	if [ "$SKIP_START" = 1 ]; then
		info "AKASH_HOME_SKIP_START=1: not starting $SERVICE"
		return 0
	fi
	if [ "$PRE_HASHES" != "$(install_hashes)" ]; then
		info "starting $SERVICE"
		run_systemctl restart "$SERVICE"
	elif [ "$SYSTEMD" = skip ] || as_root systemctl is-active --quiet "$SERVICE"; then
		info "$SERVICE is unchanged and running; not restarting it"
	else
		info "starting $SERVICE"
		run_systemctl start "$SERVICE"
	fi
}

agent_runs() {
	[ "$SYSTEMD" != no ] && [ "$SKIP_START" != 1 ]
}

# json_string prints the string value of key $1 in the JSON on stdin; nothing when absent or null.
json_string() {
	tr -d '\n' | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

# wait_for_agent asks the agent for its page URL and setup code until it answers or time runs out.
wait_for_agent() {
	waited=0
	while :; do
		if status=$(as_root "$BIN_PATH" status --json </dev/null 2>/dev/null); then
			PAGE_URL=$(printf '%s' "$status" | json_string pageUrl)
			SETUP_CODE=$(printf '%s' "$status" | json_string setupCode)
			return 0
		fi
		[ "$waited" -lt "$WAIT_SECONDS" ] || return 1
		sleep 1
		waited=$((waited + 1))
	done
}

print_next_steps() {
	if [ "$SYSTEMD" = no ]; then
		info ""
		info "This system does not run systemd, so akash-home is installed but not set up as a service."
		info "Start the agent yourself, as root, and keep it running (or add it to your init system):"
		info "  $BIN_PATH agent"
		info "Then open http://127.0.0.1:7777 on this computer; \"akash-home status\" shows the setup code."
		return 0
	fi
	if [ "$SKIP_START" = 1 ]; then
		info "Start it with: systemctl start $SERVICE"
		return 0
	fi
	if ! wait_for_agent; then
		warn "akash-home did not answer within ${WAIT_SECONDS}s; see \"journalctl -u $SERVICE\", and \"akash-home status\" once it runs"
		return 0
	fi
	info ""
	info "akash-home is running. To set this computer up, open on it:"
	info "  ${PAGE_URL:-http://127.0.0.1:7777}"
	[ -z "$SETUP_CODE" ] || info "and enter the setup code: $SETUP_CODE"
	info "From another computer: ssh -L 7777:127.0.0.1:7777 USER@THIS-COMPUTER, then open the same address there."
}

# up_command prints "akash-home up ARGS --yes".
up_command() {
	printf 'akash-home up'
	[ $# -eq 0 ] || printf ' %s' "$@"
	printf ' --yes'
}

# run_setup runs "akash-home up ARGS --yes". The claim code travels in the environment (AKASH_HOME_CLAIM),
# read from a 0600 file by the root shell, so that neither sudo's nor akash-home's argv shows it.
run_setup() {
	if ! agent_runs; then
		info "Once the agent runs, finish the setup with:"
		info "  AKASH_HOME_CLAIM=YOUR-CODE $(up_command "$@")"
		return 0
	fi
	claim_file=$TMP_DIR/claim
	(umask 077 && printf '%s' "$CLAIM" >"$claim_file")
	info "setting up: $(up_command "$@")"
	# shellcheck disable=SC2016 # $1 is for the inner shell
	if ! as_root sh -c 'if [ -s "$1" ]; then AKASH_HOME_CLAIM=$(cat "$1"); export AKASH_HOME_CLAIM; fi; shift; exec "$@"' \
		akash-home-setup "$claim_file" "$BIN_PATH" up "$@" --yes </dev/null; then
		fatal "akash-home is installed, but the setup did not finish (see above). Fix that, then run: AKASH_HOME_CLAIM=YOUR-CODE $(up_command "$@")"
	fi
}

main() {
	CLAIM=${AKASH_HOME_CLAIM:-}
	# Take --claim out of the arguments; the rest go to "akash-home up" as they are.
	remaining=$#
	while [ "$remaining" -gt 0 ]; do
		arg=$1
		shift
		remaining=$((remaining - 1))
		case $arg in
		-h | --help)
			usage
			return 0
			;;
		--claim=*) CLAIM=${arg#--claim=} ;;
		--claim)
			[ "$remaining" -gt 0 ] || fatal "--claim needs a code, e.g. --claim K7QX-3MPA"
			CLAIM=$1
			shift
			remaining=$((remaining - 1))
			;;
		*) set -- "$@" "$arg" ;;
		esac
	done

	setup_env
	detect_platform
	check_download_url
	detect_systemd
	check_tools
	choose_sudo
	setup_tmp

	PRE_HASHES=$(install_hashes)
	download_sums
	install_binary
	write_service_files
	enable_and_start
	print_next_steps
	if [ $# -gt 0 ] || [ -n "$CLAIM" ]; then run_setup "$@"; fi
}

# Everything above only defines functions; this block runs them. A brace group runs only once it has
# been read whole, so a download cut short anywhere runs nothing.
{ main "$@"; }
