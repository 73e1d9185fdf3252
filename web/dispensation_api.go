package web

import (
	"net/http"

	"beredskap"
	"beredskap/hotel"
)

// registerDispensationAPI registers the JSON API of § 6j dispensations
// and their delegation.
func (s *Server) registerDispensationAPI() {
	s.handle("GET /api/v1/dispensations", s.apiDispensations)
	s.handle("POST /api/v1/dispensations", s.apiDispensationGrant)
	s.handle("POST /api/v1/dispensations/{dispensation}/end", s.apiDispensationEnd)
	s.handle("GET /api/v1/dispensations/delegations", s.apiDelegations)
	s.handle("POST /api/v1/dispensations/delegations", s.apiDelegate)
	s.handle("POST /api/v1/dispensations/delegations/{delegation}/end", s.apiDelegationEnd)
}

// apiDispensations lists a receipt's dispensations, or a municipality's
// (the caller's own when none is named).
func (s *Server) apiDispensations(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var ds []*beredskap.Dispensation
	var err error
	if receipt := q.Get("receipt"); receipt != "" {
		ds, err = s.cfg.Hotels.Dispensations(r.Context(), receipt)
	} else {
		m := q.Get("municipality")
		if m == "" {
			m = a.Municipality()
		}
		var limit int
		if limit, err = pageLimit(q); err == nil {
			if limit == 0 {
				limit = staffPageSize
			}
			ds, err = s.cfg.Hotels.MunicipalDispensations(r.Context(), m, limit)
		}
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := itemsJSON[dispensationJSON]{Items: []dispensationJSON{}}
	for _, d := range ds {
		body.Items = append(body.Items, dispensationOf(d))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiDispensationGrant grants a dispensation.
func (s *Server) apiDispensationGrant(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "grant dispensations", beredskap.PermGrantDispensation); !ok {
		return
	}
	var in dispensationInputJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	req := hotel.DispensationRequest{Receipt: in.Receipt, Purpose: beredskap.DispensationPurpose(in.Purpose),
		Relation: in.Relation, RelationNote: in.RelationNote, Place: in.Place}
	var ps beredskap.Problems
	var err error
	if in.From == "" {
		ps.Add("from", "required", "is required")
	} else if req.From, err = apiInstant("from", in.From); err != nil {
		ps.Add("from", "format_instant", "must be an RFC 3339 instant")
	}
	if in.To == "" {
		ps.Add("to", "required", "is required")
	} else if req.To, err = apiInstant("to", in.To); err != nil {
		ps.Add("to", "format_instant", "must be an RFC 3339 instant")
	}
	if err := ps.Err(); err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.cfg.Hotels.GrantDispensation(r.Context(), req)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, dispensationOf(d))
}

// apiDispensationEnd ends a dispensation at once.
func (s *Server) apiDispensationEnd(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "end dispensations", beredskap.PermEndDispensation); !ok {
		return
	}
	id, err := pathID(r, "dispensation")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in endJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.cfg.Hotels.EndDispensation(r.Context(), id, in.Reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, dispensationOf(d))
}

// apiDelegations lists a municipality's delegations.
func (s *Server) apiDelegations(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	m := r.URL.Query().Get("municipality")
	if m == "" {
		m = a.Municipality()
	}
	ds, err := s.cfg.Hotels.Delegations(r.Context(), m)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := itemsJSON[delegationJSON]{Items: []delegationJSON{}}
	for _, d := range ds {
		body.Items = append(body.Items, delegationOf(d))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiDelegate lets a staff member grant dispensations.
func (s *Server) apiDelegate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "delegate dispensations", beredskap.PermDelegateDispensations)
	if !ok {
		return
	}
	var in delegateJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.Municipality == "" {
		in.Municipality = a.Municipality()
	}
	d, err := s.cfg.Hotels.Delegate(r.Context(), in.UserID, in.Municipality)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, delegationOf(d))
}

// apiDelegationEnd ends a delegation of the caller's municipality.
func (s *Server) apiDelegationEnd(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "delegate dispensations", beredskap.PermDelegateDispensations)
	if !ok {
		return
	}
	id, err := pathID(r, "delegation")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.Hotels.EndDelegation(r.Context(), a.Municipality(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
