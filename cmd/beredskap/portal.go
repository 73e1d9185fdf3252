//go:build !nodevportal

package main

import "beredskap/devportal"

// startDemoPortal starts the development ID portal (devportal) offering
// people. A build with the tag nodevportal leaves the portal, and the
// OpenID Connect test provider it is built on, out of the binary
// (portal_none.go).
func startDemoPortal(people []demoPerson) (*demoPortal, error) {
	offered := make([]devportal.Person, len(people))
	names := make([]string, len(people))
	for i, p := range people {
		offered[i] = devportal.Person{Name: p.Name, PID: p.PID}
		names[i] = p.Name
	}
	portal, err := devportal.Start(offered)
	if err != nil {
		return nil, err
	}
	return &demoPortal{
		Issuer: portal.Issuer(), ClientID: portal.ClientID(), ClientSecret: portal.ClientSecret(),
		Names: names, Close: portal.Close,
	}, nil
}
