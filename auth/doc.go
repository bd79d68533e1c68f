// Package auth holds what the studio knows about its users: the stored account, password
// hashing (bcrypt) and the random tokens that sessions and API keys are made of, of which
// only a SHA-256 is ever stored.
//
// It is a leaf package, like runtime for the ASL types: store keeps accounts, web checks
// them and cmd creates them, and none of those may import another for its types.
package auth
