# capmatch serve over HTTPS (--tls-cert, --tls-key): a self-signed
# certificate made here with openssl for 127.0.0.1; curl trusting it
# (--cacert) gets the same answers as over HTTP; a client that does not
# trust it, or speaks plain HTTP, gets nothing; a key that does not match,
# a file that is not PEM, a missing file and a certificate without its key
# are refused before anything is loaded (exit 2, the file named).
. tests/cli/lib.sh

R=examples/data/regions.json
E=examples/data/enterprises.json
PID=""
trap '[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# cert NAME CN: a self-signed EC certificate and key, for 127.0.0.1 and localhost
cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -keyout "$TMP/$1.key" -out "$TMP/$1.crt" -subj "/CN=$2" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>"$TMP/openssl.err"
}
if ! cert server capmatch-test || ! cert other other-test; then
    not_ok "openssl makes a self-signed certificate" "$(cat "$TMP/openssl.err")"
    exit 0
fi

serve_start "$TMP/tls.log" --regions "$R" --enterprises "$E" --policy rules/default.lua \
    --tls-cert "$TMP/server.crt" --tls-key "$TMP/server.key"
if [ -z "$PORT" ]; then
    not_ok "HTTPS: the server starts" "$(head -c 800 "$TMP/tls.log")"
    exit 0
fi
if grep -q "^capmatch serve: listening on https://127.0.0.1:$PORT/\$" "$TMP/tls.log"; then
    ok "HTTPS: the listening line says https"; else
    not_ok "HTTPS: the listening line says https" "$(cat "$TMP/tls.log")"; fi
U="https://127.0.0.1:$PORT"

# curl trusting the certificate: the endpoints answer as over HTTP
CODE=$(curl -s --max-time 20 --cacert "$TMP/server.crt" -o "$TMP/out" -w '%{http_code}' "$U/health")
if [ "$CODE" = 200 ] && [ "$(jq -r .status "$TMP/out")" = ok ]; then
    ok "HTTPS: GET /health with --cacert"; else
    not_ok "HTTPS: GET /health with --cacert" "status $CODE" "$(head -c 300 "$TMP/out")"; fi
CODE=$(curl -s --max-time 20 --cacert "$TMP/server.crt" -o "$TMP/out" -w '%{http_code}' \
    -X POST -H 'Content-Type: application/json' \
    -d '{"enterprise":{"id":"v-tls","name":"Visitor","country":"CN","sector":"2826","offers":["technology"]},"top":3}' \
    "$U/v1/match")
if [ "$CODE" = 200 ] && [ "$(jq '.results | length' "$TMP/out")" = 3 ] &&
   [ "$(jq -r '.results[0].enterprise' "$TMP/out")" = v-tls ]; then
    ok "HTTPS: POST /v1/match ranks a visitor"; else
    not_ok "HTTPS: POST /v1/match ranks a visitor" "status $CODE" "$(head -c 300 "$TMP/out")"; fi
# the certificate served is the one given
curl -s --max-time 20 --cacert "$TMP/server.crt" -o "$TMP/out" -w '%{certs}' --head "$U/health" \
    >"$TMP/certs" 2>/dev/null || true
if grep -q "CN *= *capmatch-test" "$TMP/certs" || grep -q "CN=capmatch-test" "$TMP/certs"; then
    ok "HTTPS: the certificate served is --tls-cert's"; else
    not_ok "HTTPS: the certificate served is --tls-cert's" "$(head -c 400 "$TMP/certs")"; fi

# not trusted, another CA, plain HTTP: no answer
CODE=$(curl -s --max-time 20 -o "$TMP/out" -w '%{http_code}' "$U/health")
RCV=$?
if [ "$CODE" = 000 ] && [ "$RCV" -ne 0 ]; then
    ok "HTTPS: a client without the certificate refuses it"; else
    not_ok "HTTPS: a client without the certificate refuses it" "status $CODE, curl $RCV"; fi
CODE=$(curl -s --max-time 20 --cacert "$TMP/other.crt" -o "$TMP/out" -w '%{http_code}' "$U/health")
if [ "$CODE" = 000 ]; then
    ok "HTTPS: a client trusting another certificate refuses it"; else
    not_ok "HTTPS: a client trusting another certificate refuses it" "status $CODE"; fi
CODE=$(curl -s --max-time 20 -o "$TMP/out" -w '%{http_code}' "http://127.0.0.1:$PORT/health")
if [ "$CODE" = 000 ]; then
    ok "HTTPS: plain HTTP gets no answer"; else
    not_ok "HTTPS: plain HTTP gets no answer" "status $CODE"; fi
# still serving after those
CODE=$(curl -s --max-time 20 --cacert "$TMP/server.crt" -o "$TMP/out" -w '%{http_code}' "$U/ready")
if [ "$CODE" = 200 ]; then ok "HTTPS: serving after refused clients"; else
    not_ok "HTTPS: serving after refused clients" "status $CODE"; fi
serve_stop "$PID"
PID=""
expect_status "HTTPS: SIGTERM, exit 0" 0

# bad certificates and keys: exit 2 before loading anything, the files named
printf 'not a certificate\n' >"$TMP/bad.pem"
: >"$TMP/empty.pem"
bad_tls() {   # bad_tls NAME MESSAGE ARGS...
    name=$1
    msg=$2
    shift 2
    run "$CAPMATCH" serve --regions "$R" --policy rules/default.lua --listen 127.0.0.1:0 "$@"
    if [ "$RC" -eq 2 ] && grep -qF -- "$msg" "$TMP/err" && ! grep -q "loaded snapshot" "$TMP/err"; then
        ok "$name"; else
        not_ok "$name" "exit $RC" "stderr: $(head -c 600 "$TMP/err")"; fi
}
bad_tls "a key that is not the certificate's: exit 2" \
    "--tls-key $TMP/other.key: The certificate and the given key do not match" \
    --tls-cert "$TMP/server.crt" --tls-key "$TMP/other.key"
bad_tls "a certificate that is not PEM: exit 2" "--tls-cert $TMP/bad.pem, --tls-key" \
    --tls-cert "$TMP/bad.pem" --tls-key "$TMP/server.key"
bad_tls "a key that is not PEM: exit 2" "--tls-key $TMP/bad.pem: " \
    --tls-cert "$TMP/server.crt" --tls-key "$TMP/bad.pem"
bad_tls "an empty certificate file: exit 2" "--tls-cert $TMP/empty.pem: empty, not PEM text" \
    --tls-cert "$TMP/empty.pem" --tls-key "$TMP/server.key"
bad_tls "a missing key file: exit 2" "--tls-key $TMP/missing.key: No such file or directory" \
    --tls-cert "$TMP/server.crt" --tls-key "$TMP/missing.key"
bad_tls "a certificate without a key: usage, exit 2" \
    "HTTPS needs both --tls-cert FILE and --tls-key FILE" --tls-cert "$TMP/server.crt"
