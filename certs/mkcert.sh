#!/usr/bin/env bash
# Create a development CA and a TLS server certificate for rfjobd.
#
# Usage: certs/mkcert.sh [DIR]
#
# DIR defaults to the directory this script lives in. If DIR/server.pem and
# DIR/server.key already exist they are kept and nothing is changed.
# Otherwise the script writes:
#   DIR/ca.pem       development CA certificate (give this to clients)
#   DIR/ca.key       development CA private key (mode 0600)
#   DIR/server.pem   server certificate followed by the CA certificate
#   DIR/server.key   server private key (mode 0600)
# An existing, still valid DIR/ca.pem + DIR/ca.key pair is reused so that
# clients which already trust it keep working.
#
# Environment:
#   RFJOBD_CERT_ALG   ec (default, ECDSA P-256) or rsa (RSA 3072)
#   RFJOBD_CERT_DAYS  server certificate validity in days (default 825);
#                     the CA is valid for 3650 days, or RFJOBD_CERT_DAYS if
#                     that is longer
#   RFJOBD_CERT_SAN   extra subjectAltName entries, comma-separated, e.g.
#                     "DNS:bmc.example,IP:192.0.2.10" (a value without a
#                     DNS:/IP: prefix is treated as an IP address if it looks
#                     like one, otherwise as a DNS name)
#
# Only the openssl command-line tool (OpenSSL 3) is used.

set -euo pipefail

prog=${0##*/}

usage() {
    cat <<EOF
Usage: $prog [DIR]

Create a development CA and a server certificate for rfjobd in DIR
(default: the directory containing this script). Existing DIR/server.pem and
DIR/server.key are kept.

Environment:
  RFJOBD_CERT_ALG   ec (default, ECDSA P-256) or rsa (RSA 3072)
  RFJOBD_CERT_DAYS  server certificate validity in days (default 825)
  RFJOBD_CERT_SAN   extra subjectAltName entries, e.g. "DNS:bmc.example,IP:192.0.2.10"
EOF
}

die() {
    printf '%s: error: %s\n' "$prog" "$*" >&2
    exit 1
}

warn() {
    printf '%s: warning: %s\n' "$prog" "$*" >&2
}

case "${1:-}" in
-h | --help)
    usage
    exit 0
    ;;
-*)
    usage >&2
    exit 2
    ;;
esac
if [[ $# -gt 1 ]]; then
    usage >&2
    exit 2
fi

command -v openssl >/dev/null 2>&1 || die "the openssl command-line tool is required"

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-$script_dir}

alg=${RFJOBD_CERT_ALG:-ec}
case "$alg" in
ec | EC | ecdsa | ECDSA) alg=ec ;;
rsa | RSA) alg=rsa ;;
*) die "RFJOBD_CERT_ALG must be 'ec' or 'rsa' (got '$alg')" ;;
esac

days=${RFJOBD_CERT_DAYS:-825}
if ! [[ $days =~ ^[0-9]{1,5}$ ]] || ((10#$days < 1 || 10#$days > 36500)); then
    die "RFJOBD_CERT_DAYS must be a number of days between 1 and 36500 (got '$days')"
fi
days=$((10#$days))
ca_days=3650
if ((days > ca_days)); then
    ca_days=$days
fi

mkdir -p -- "$dir"
dir=$(cd -- "$dir" && pwd)

server_pem=$dir/server.pem
server_key=$dir/server.key
ca_pem=$dir/ca.pem
ca_key=$dir/ca.key

if [[ -f $server_pem && -f $server_key ]]; then
    echo "$prog: keeping existing certificate $server_pem and key $server_key"
    if ! openssl x509 -in "$server_pem" -noout -checkend 0 >/dev/null 2>&1; then
        warn "$server_pem has expired or cannot be read; remove server.pem and server.key and run $prog again"
    elif ! openssl x509 -in "$server_pem" -noout -checkend $((30 * 86400)) >/dev/null 2>&1; then
        warn "$server_pem expires within 30 days"
    fi
    exit 0
fi

# Private keys must never be readable by anyone else.
umask 077

workdir=$(mktemp -d "$dir/.mkcert.XXXXXX")
cleanup() {
    rm -rf -- "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- subjectAltName --------------------------------------------------------

dns_names=()
ip_addrs=()

is_ipv4() {
    [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
    local octet
    for octet in "${BASH_REMATCH[@]:1}"; do
        ((10#$octet <= 255)) || return 1
    done
}

is_ipv6() {
    [[ $1 == *:* && $1 =~ ^[0-9A-Fa-f:.]+$ && ${#1} -le 45 ]]
}

is_dns_name() {
    [[ ${#1} -le 253 && $1 =~ ^(\*\.)?[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$ ]]
}

contains() {
    local needle=$1 item
    shift
    for item in "$@"; do
        [[ $item == "$needle" ]] && return 0
    done
    return 1
}

add_dns() {
    local name=${1%.}
    is_dns_name "$name" || return 1
    if ! contains "${name,,}" "${dns_names[@]}"; then
        dns_names+=("${name,,}")
    fi
}

add_ip() {
    is_ipv4 "$1" || is_ipv6 "$1" || return 1
    if ! contains "${1,,}" "${ip_addrs[@]}"; then
        ip_addrs+=("${1,,}")
    fi
}

add_ip 127.0.0.1
add_ip ::1
add_dns localhost

if command -v hostname >/dev/null 2>&1; then
    for h in "$(hostname -f 2>/dev/null || true)" "$(hostname 2>/dev/null || true)"; do
        if [[ -n $h ]]; then
            add_dns "$h" || warn "ignoring host name '$h' (not a valid DNS name)"
        fi
    done
fi

if [[ -n ${RFJOBD_CERT_SAN:-} ]]; then
    [[ $RFJOBD_CERT_SAN != *$'\n'* ]] || die "RFJOBD_CERT_SAN must not contain newlines"
    IFS=',' read -r -a extra_sans <<<"$RFJOBD_CERT_SAN"
    for entry in "${extra_sans[@]}"; do
        # Trim surrounding white space.
        entry=${entry#"${entry%%[![:space:]]*}"}
        entry=${entry%"${entry##*[![:space:]]}"}
        [[ -n $entry ]] || continue
        case "$entry" in
        [Dd][Nn][Ss]:*)
            add_dns "${entry#*:}" || die "RFJOBD_CERT_SAN: invalid DNS name in '$entry'"
            ;;
        [Ii][Pp]:*)
            add_ip "${entry#*:}" || die "RFJOBD_CERT_SAN: invalid IP address in '$entry'"
            ;;
        *)
            if is_ipv4 "$entry" || is_ipv6 "$entry"; then
                add_ip "$entry"
            else
                add_dns "$entry" || die "RFJOBD_CERT_SAN: '$entry' is neither DNS:name nor IP:address"
            fi
            ;;
        esac
    done
fi

# --- OpenSSL configuration -------------------------------------------------

if [[ $alg == ec ]]; then
    server_key_usage="critical, digitalSignature"
else
    server_key_usage="critical, digitalSignature, keyEncipherment"
fi

# A self-contained configuration so that the system openssl.cnf does not add
# or duplicate extensions.
{
    cat <<EOF
[ req ]
distinguished_name = req_dn
prompt             = no
utf8               = yes
string_mask        = utf8only

[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = $server_key_usage
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = @alt_names

[ alt_names ]
EOF
    i=0
    for name in "${dns_names[@]}"; do
        i=$((i + 1))
        printf 'DNS.%d = %s\n' "$i" "$name"
    done
    i=0
    for addr in "${ip_addrs[@]}"; do
        i=$((i + 1))
        printf 'IP.%d = %s\n' "$i" "$addr"
    done
} >"$workdir/openssl.cnf"

genkey() {
    if [[ $alg == ec ]]; then
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
            -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1" 2>/dev/null
    fi
}

serial() {
    # 127-bit positive random serial number.
    local hex
    hex=$(openssl rand -hex 16)
    printf '0x%x%s' $((0x${hex:0:1} & 7)) "${hex:1}"
}

tag=$(openssl rand -hex 4)

# --- CA --------------------------------------------------------------------

reuse_ca=false
if [[ -f $ca_pem && -f $ca_key ]]; then
    if openssl x509 -in "$ca_pem" -noout -checkend $((days * 86400)) >/dev/null 2>&1 \
        && ca_pub=$(openssl x509 -in "$ca_pem" -noout -pubkey 2>/dev/null) \
        && key_pub=$(openssl pkey -in "$ca_key" -pubout -passin pass: 2>/dev/null </dev/null) \
        && [[ $ca_pub == "$key_pub" ]]; then
        reuse_ca=true
    else
        warn "existing $ca_pem / $ca_key are unusable (mismatched, unreadable or expiring); creating a new CA"
    fi
fi

if $reuse_ca; then
    echo "$prog: reusing development CA $ca_pem"
    cp -- "$ca_pem" "$workdir/ca.pem"
    cp -- "$ca_key" "$workdir/ca.key"
else
    echo "$prog: creating development CA ($alg, $ca_days days)"
    genkey "$workdir/ca.key"
    openssl req -config "$workdir/openssl.cnf" -new -x509 -sha256 \
        -key "$workdir/ca.key" -days "$ca_days" -set_serial "$(serial)" \
        -subj "/O=rfjobd development/CN=rfjobd development CA $tag" \
        -extensions v3_ca -out "$workdir/ca.pem"
fi

# --- server certificate ------------------------------------------------------

echo "$prog: creating server certificate ($alg, $days days)"
genkey "$workdir/server.key"
openssl req -config "$workdir/openssl.cnf" -new -sha256 \
    -key "$workdir/server.key" -subj "/O=rfjobd development/CN=localhost" \
    -out "$workdir/server.csr"
openssl x509 -req -sha256 -in "$workdir/server.csr" \
    -CA "$workdir/ca.pem" -CAkey "$workdir/ca.key" -set_serial "$(serial)" \
    -days "$days" -extfile "$workdir/openssl.cnf" -extensions v3_server \
    -out "$workdir/server.crt" 2>/dev/null

openssl verify -CAfile "$workdir/ca.pem" -purpose sslserver "$workdir/server.crt" >/dev/null \
    || die "the new server certificate does not verify against the CA"

cat "$workdir/server.crt" "$workdir/ca.pem" >"$workdir/server.pem"
chmod 0644 "$workdir/ca.pem" "$workdir/server.pem"
chmod 0600 "$workdir/ca.key" "$workdir/server.key"

# Install; server.pem goes last so an interrupted run is redone next time.
if ! $reuse_ca; then
    mv -f -- "$workdir/ca.key" "$ca_key"
    mv -f -- "$workdir/ca.pem" "$ca_pem"
fi
mv -f -- "$workdir/server.key" "$server_key"
mv -f -- "$workdir/server.pem" "$server_pem"

fingerprint=$(openssl x509 -in "$server_pem" -noout -fingerprint -sha256)
fingerprint=${fingerprint#*=}

san_list=$(printf 'DNS:%s, ' "${dns_names[@]}")$(printf 'IP:%s, ' "${ip_addrs[@]}")
san_list=${san_list%, }

cat <<EOF

  CA certificate:      $ca_pem
  CA key:              $ca_key
  server certificate:  $server_pem (certificate + CA chain)
  server key:          $server_key
  subjectAltName:      $san_list
  SHA-256 fingerprint: $fingerprint

Trust the development CA in clients, for example:
  curl --cacert $ca_pem https://localhost:8443/redfish/v1/
Keep the *.key files private; they are never to be committed.
EOF
