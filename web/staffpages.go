package web

// registerStaffPages registers the routes of the staff pages: registrations,
// access orders, users and grants, and audit search.
func (s *Server) registerStaffPages() {}
