package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AWS SDKs and the AWS CLI sign every request with Signature Version 4, as the specification
// at https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html describes it.
// The studio checks that signature itself, from the specification, rather than with an SDK's
// signer: the signers only sign, and the studio must accept what any of them sends.

// SigV4Algorithm starts the Authorization header of a request signed with Signature Version 4.
const SigV4Algorithm = "AWS4-HMAC-SHA256"

// SigV4MaxSkew is how far a request's X-Amz-Date may be from the studio's clock, as AWS allows:
// it bounds how long a captured request can be replayed.
const SigV4MaxSkew = 15 * time.Minute

// sigV4Terminator ends every credential scope.
const sigV4Terminator = "aws4_request"

// sigV4TimeFormat is X-Amz-Date's format, ISO 8601 basic.
const sigV4TimeFormat = "20060102T150405Z"

// unsignedPayload is the X-Amz-Content-Sha256 of a request whose body the signature does not cover.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// AWS's error codes for a signed request it refuses, which the API answers with.
const (
	// SigV4Incomplete is a signature that lacks a part or cannot be read.
	SigV4Incomplete = "IncompleteSignatureException"
	// SigV4Invalid is a signature that does not match the request or is too old or too new.
	SigV4Invalid = "InvalidSignatureException"
)

// SignatureMismatch is AWS's message for a signature that is not the one the secret gives.
const SignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// SigV4Error is why a signed request is refused, as AWS says it: Code is AWS's error code
// (SigV4Incomplete or SigV4Invalid) and Message its text, so the API can answer as AWS does.
type SigV4Error struct {
	Code    string
	Message string
}

func (e *SigV4Error) Error() string { return "auth: " + e.Code + ": " + e.Message }

// SigV4Credential is what the Authorization header of a signed request says.
type SigV4Credential struct {
	AccessKeyID string
	// Date (YYYYMMDD), Region and Service are the scope the signing key was derived for.
	Date, Region, Service string
	// SignedHeaders are the lower-case names of the headers the signature covers, in the
	// header's order, which is the order they were signed in.
	SignedHeaders []string
	// Signature is the hex HMAC-SHA256 of the string to sign.
	Signature string
	// Time is the request's X-Amz-Date.
	Time time.Time
}

// ParseSigV4 reads the Authorization and X-Amz-Date headers of a request signed with
// Signature Version 4. ok is false when the Authorization header is not AWS4-HMAC-SHA256 at
// all; err, a *SigV4Error, says what is missing or malformed in one that is.
func ParseSigV4(r *http.Request) (cred SigV4Credential, ok bool, err error) {
	header := r.Header.Get("Authorization")
	params, found := strings.CutPrefix(header, SigV4Algorithm)
	if !found || (params != "" && params[0] != ' ') {
		return SigV4Credential{}, false, nil
	}
	var credential, signedHeaders, signature string
	fields := map[string]*string{"Credential": &credential, "SignedHeaders": &signedHeaders, "Signature": &signature}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(params, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		field, known := fields[name]
		if !known {
			continue
		}
		// Which of two would count is a guess; a client that sends two is broken.
		if seen[name] {
			return cred, true, incomplete(fmt.Sprintf("Authorization header has '%s' more than once. Authorization=%s", name, header))
		}
		seen[name] = true
		*field = value
	}
	// Every missing part is named at once, as AWS does, so one answer tells all that is wrong.
	var missing []string
	for _, p := range []struct{ name, value string }{{"Credential", credential}, {"Signature", signature}, {"SignedHeaders", signedHeaders}} {
		if p.value == "" {
			missing = append(missing, fmt.Sprintf("Authorization header requires '%s' parameter.", p.name))
		}
	}
	date := r.Header.Get("X-Amz-Date")
	if date == "" {
		missing = append(missing, "Authorization header requires an 'X-Amz-Date' header.")
	}
	if len(missing) > 0 {
		return cred, true, incomplete(strings.Join(missing, " ") + " Authorization=" + header)
	}

	scope := strings.Split(credential, "/")
	if len(scope) != 5 || slices.Contains(scope, "") {
		return cred, true, incomplete(fmt.Sprintf("Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/%s, not '%s'.", sigV4Terminator, credential))
	}
	if scope[4] != sigV4Terminator {
		return cred, true, incomplete(fmt.Sprintf("Credential should be scoped with a valid terminator: '%s', not '%s'.", sigV4Terminator, scope[4]))
	}
	cred = SigV4Credential{AccessKeyID: scope[0], Date: scope[1], Region: scope[2], Service: scope[3],
		SignedHeaders: strings.Split(signedHeaders, ";"), Signature: signature}
	if !slices.Contains(cred.SignedHeaders, "host") {
		return cred, true, incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if cred.Time, err = time.Parse(sigV4TimeFormat, date); err != nil {
		return cred, true, incomplete(fmt.Sprintf("X-Amz-Date must be in the ISO8601 basic format 'yyyyMMddTHHmmssZ', not '%s'.", date))
	}
	return cred, true, nil
}

// VerifySigV4 checks that a request was signed with secret, its body included (body is the
// request's body, which the caller has read: r.Body is not touched), at a time within
// SigV4MaxSkew of now. It answers nil or a *SigV4Error.
//
// The region and service of the credential scope are not checked: the signature proves the
// secret whichever the client configured, and a studio answers for every region, as Step
// Functions Local does.
func VerifySigV4(r *http.Request, body []byte, secret string, now time.Time) error {
	cred, ok, err := ParseSigV4(r)
	if !ok {
		return incomplete("The request is not signed: its Authorization header is not " + SigV4Algorithm + ".")
	}
	if err != nil {
		return err
	}
	amzDate := cred.Time.Format(sigV4TimeFormat)
	if day := cred.Time.Format("20060102"); cred.Date != day {
		return invalid(fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			cred.Date, day, amzDate))
	}
	payload, err := payloadHash(r, body)
	if err != nil {
		return err
	}
	canonical := canonicalRequest(r, cred.SignedHeaders, payload)
	scope := strings.Join([]string{cred.Date, cred.Region, cred.Service, sigV4Terminator}, "/")
	toSign := strings.Join([]string{SigV4Algorithm, amzDate, scope, hexSHA256([]byte(canonical))}, "\n")
	key := hmacSHA256([]byte("AWS4"+secret), cred.Date)
	for _, part := range []string{cred.Region, cred.Service, sigV4Terminator} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	// Constant time, so the answer's timing tells nothing of how much of a guess was right.
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(cred.Signature))) {
		return invalid(SignatureMismatch)
	}
	// The clock is checked once the signature is known to be the client's, so a refusal for
	// time is about the client's clock, not about a guessed signature.
	now = now.UTC()
	if earliest := now.Add(-SigV4MaxSkew); cred.Time.Before(earliest) {
		return invalid(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, earliest.Format(sigV4TimeFormat), now.Format(sigV4TimeFormat)))
	}
	if latest := now.Add(SigV4MaxSkew); cred.Time.After(latest) {
		return invalid(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, latest.Format(sigV4TimeFormat), now.Format(sigV4TimeFormat)))
	}
	return nil
}

// payloadHash is the last line of the canonical request: X-Amz-Content-Sha256 when the client
// sent it, which must then be the body's hash (else the signature, which covers the header,
// would not cover the body), or UNSIGNED-PAYLOAD; else the body's hash.
func payloadHash(r *http.Request, body []byte) (string, error) {
	sum := hexSHA256(body)
	given := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case given == "":
		return sum, nil
	case given == unsignedPayload:
		// The client chose to leave the body out of the signature (S3 over TLS does); the
		// headers, the path and the time are still covered.
		return given, nil
	case !strings.EqualFold(given, sum):
		return "", invalid("The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	return given, nil
}

// canonicalRequest is the request as the specification normalises it for signing.
func canonicalRequest(r *http.Request, signedHeaders []string, payload string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r))
	b.WriteByte('\n')
	for _, name := range signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

// canonicalURI is the path as the client sent it, escaped, URI-encoded once more: every
// service but S3 encodes each segment twice, the first time when building the URL.
func canonicalURI(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		return "/"
	}
	return uriEncode(p, true)
}

// canonicalQuery is the query's parameters, each name and value URI-encoded, sorted by
// encoded name and then value (the specification sorts after encoding).
func canonicalQuery(r *http.Request) string {
	type param struct{ name, value string }
	var params []param
	for name, values := range r.URL.Query() {
		for _, v := range values {
			params = append(params, param{uriEncode(name, false), uriEncode(v, false)})
		}
	}
	// Not "name=value" as one string: "=" sorts after "-", ".", "%" and the digits, which
	// would put "a-b" before "a".
	sort.Slice(params, func(i, j int) bool {
		if params[i].name != params[j].name {
			return params[i].name < params[j].name
		}
		return params[i].value < params[j].value
	})
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.name + "=" + p.value
	}
	return strings.Join(parts, "&")
}

// canonicalHeaderValue is a signed header's values, each trimmed with its inner runs of
// spaces made one, joined by commas. Go's server takes Host out of the header map into
// r.Host, and a request built in a test may carry its length only in r.ContentLength.
func canonicalHeaderValue(r *http.Request, name string) string {
	if name == "host" {
		if r.Host != "" {
			return collapseSpaces(r.Host)
		}
		return collapseSpaces(r.URL.Host)
	}
	values := r.Header.Values(name)
	if len(values) == 0 && name == "content-length" && r.ContentLength >= 0 {
		values = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	cleaned := make([]string, len(values))
	for i, v := range values {
		cleaned[i] = collapseSpaces(v)
	}
	return strings.Join(cleaned, ",")
}

// collapseSpaces trims spaces and makes each inner run of spaces one.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}

// uriEncode percent-encodes, with upper-case hex, every byte but the unreserved characters
// of RFC 3986 (and "/" when keepSlash), as the specification asks.
func uriEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && keepSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func incomplete(message string) *SigV4Error {
	return &SigV4Error{Code: SigV4Incomplete, Message: message}
}

func invalid(message string) *SigV4Error { return &SigV4Error{Code: SigV4Invalid, Message: message} }

// AccessKeyIDPrefix starts every access key id the studio issues, as AKIA starts AWS's, so
// one is recognisable as the studio's.
const AccessKeyIDPrefix = "SSKI"

// NewAccessKeyID returns a fresh access key id shaped as AWS's: 20 upper-case letters and
// digits, AccessKeyIDPrefix and 80 random bits in base32. It names a key; the secret is
// what proves it.
func NewAccessKeyID() string {
	b := make([]byte, 10)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return AccessKeyIDPrefix + base32.StdEncoding.EncodeToString(b)
}
