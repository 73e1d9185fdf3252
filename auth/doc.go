// Package auth holds the building blocks of staff login: argon2id password
// hashes and the password policy, TOTP second factors with their QR codes,
// random secrets and recovery codes kept only as hashes, and the OpenID
// Connect authorization code flow (state, nonce and PKCE). It stores nothing itself; the staff service decides what to keep.
package auth
