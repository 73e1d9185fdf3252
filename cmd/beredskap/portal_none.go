//go:build nodevportal

package main

// startDemoPortal starts nothing: this binary is built with the tag
// nodevportal, without the development ID portal. The demo then offers the
// citizen pages only through an ID portal named with --citizen-issuer.
func startDemoPortal([]demoPerson) (*demoPortal, error) { return nil, nil }
