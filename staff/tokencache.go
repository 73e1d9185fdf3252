package staff

import (
	"slices"
	"sync"
	"time"

	"beredskap"
)

// tokenCacheSize bounds how many tokens a tokenCache holds; a full cache
// starts again empty.
const tokenCacheSize = 4096

// tokenCache holds the API tokens AuthenticateToken has found, by their
// hash, each with its user and the auth epoch (beredskap.StaffStore's
// AuthEpoch) read before them. An entry serves only while the epoch has
// not moved, so it never outlives a revocation, a removal or a changed
// grant, whichever process made it; what depends on the time (expiry,
// grant validity) is checked at every use. Unknown tokens are not kept.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
}

// cachedToken is a token and its user as read under epoch, without the
// user's password hash and TOTP secret, which a token's actor never needs.
type cachedToken struct {
	epoch int64
	token beredskap.APIToken
	user  beredskap.User
}

// get returns copies of the token and user of hash if they were read under
// epoch.
func (c *tokenCache) get(hash string, epoch int64) (*beredskap.APIToken, *beredskap.User, bool) {
	tok, u, read, ok := c.latest(hash)
	if !ok || read != epoch {
		return nil, nil, false
	}
	return tok, u, true
}

// latest returns copies of the token and user of hash with the epoch they
// were read under, whatever the present epoch.
func (c *tokenCache) latest(hash string) (*beredskap.APIToken, *beredskap.User, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok {
		return nil, nil, 0, false
	}
	tok, u := e.token, e.user
	u.Grants = slices.Clone(e.user.Grants)
	return &tok, &u, e.epoch, true
}

// put keeps the token and user of hash, read under epoch.
func (c *tokenCache) put(hash string, epoch int64, tok *beredskap.APIToken, u *beredskap.User) {
	e := cachedToken{epoch: epoch, token: *tok, user: *u}
	e.user.Grants = slices.Clone(u.Grants)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= tokenCacheSize {
		c.entries = make(map[string]cachedToken)
	}
	c.entries[hash] = e
}

// touched records that the token of hash was last used at.
func (c *tokenCache) touched(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e.token.LastUsedAt = &at
		c.entries[hash] = e
	}
}
