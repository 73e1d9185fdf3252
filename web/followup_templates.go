package web

import (
	"net/http"
	"net/url"
	"slices"

	"beredskap"
	"beredskap/sms"
	"beredskap/sms/gsm"
)

// followUpTemplatesPage lists the SMS templates by kind and language.
type followUpTemplatesPage struct {
	staffFrame
	Rows []followUpTemplateRow
	// Edit says the actor may change templates.
	Edit  bool
	Saved bool
}

// followUpTemplateRow is one template of the list.
type followUpTemplateRow struct {
	Key, Kind, Language, LangName, Body, Encoding, Href, UpdatedBy, UpdatedAt string
	Segments                                                                  int
}

// followUpTemplatePage is the form that changes one template.
type followUpTemplatePage struct {
	staffFrame
	Form                                 followUpForm
	Key, Kind, Language, LangName        string
	Action, Placeholders, Encoding, Back string
	Segments                             int
}

// handleFollowUpTemplates lists the templates, with links to change them
// for those who may.
func (s *Server) handleFollowUpTemplates(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	tpls, err := s.cfg.FollowUp.Templates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &followUpTemplatesPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/followup/templates", "centre.templates.title")}
	page.Edit = beredskap.Can(a, beredskap.PermManageTemplates, "")
	page.Saved = r.URL.Query().Get("saved") != ""
	for _, t := range tpls {
		enc, segs := gsm.Count(t.Body)
		row := followUpTemplateRow{
			Key: t.Key, Kind: page.T("centre.template." + t.Key), Language: t.Language, LangName: autonym(t.Language),
			Body: t.Body, Encoding: enc, Segments: segs, UpdatedBy: t.UpdatedBy,
			Href: page.Href("/staff/followup/templates/" + url.PathEscape(t.Key) + "/" + url.PathEscape(t.Language)),
		}
		if !t.UpdatedAt.IsZero() {
			row.UpdatedAt = page.Time(t.UpdatedAt)
		}
		page.Rows = append(page.Rows, row)
	}
	s.render(w, r, http.StatusOK, "followup_templates.html", page)
}

// handleFollowUpTemplate shows the form that changes one template.
func (s *Server) handleFollowUpTemplate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if !beredskap.Can(a, beredskap.PermManageTemplates, "") {
		s.Error(w, r, forbidden("change SMS templates"))
		return
	}
	key, lang := r.PathValue("key"), r.PathValue("language")
	tpls, err := s.cfg.FollowUp.Templates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	i := slices.IndexFunc(tpls, func(t *beredskap.SMSTemplate) bool { return t.Key == key && t.Language == lang })
	if i < 0 && (!slices.Contains(smsTemplateKeys, key) || !travellerLanguage(lang)) {
		s.Error(w, r, beredskap.Errorf(beredskap.ENOTFOUND, "no such template"))
		return
	}
	body := ""
	if i >= 0 {
		body = tpls[i].Body
	}
	page := s.templatePage(w, r, a, key, lang, url.Values{"body": {body}})
	s.render(w, r, http.StatusOK, "followup_template.html", page)
}

// templatePage returns the form of the template key in lang holding
// values.
func (s *Server) templatePage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, key, lang string, values url.Values) *followUpTemplatePage {
	path := "/staff/followup/templates/" + url.PathEscape(key) + "/" + url.PathEscape(lang)
	page := &followUpTemplatePage{staffFrame: s.newStaffFrame(w, r, a, path, "centre.template_form.title"),
		Key: key, Language: lang, LangName: autonym(lang)}
	page.Form = followUpForm{frame: &page.staffFrame}
	page.Values = values
	page.Kind = page.T("centre.template." + key)
	page.Action = page.Href(path)
	page.Back = page.Href("/staff/followup/templates")
	for i, p := range sms.Placeholders {
		if i > 0 {
			page.Placeholders += ", "
		}
		page.Placeholders += "{" + p + "}"
	}
	page.Encoding, page.Segments = gsm.Count(values.Get("body"))
	return page
}

// handleFollowUpTemplateSave stores a template, or shows the form again
// with the problem (such as an unknown placeholder) at the field.
func (s *Server) handleFollowUpTemplateSave(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	key, lang := r.PathValue("key"), r.PathValue("language")
	body := r.PostForm.Get("body")
	err := s.cfg.FollowUp.SaveTemplate(r.Context(), beredskap.SMSTemplate{Key: key, Language: lang, Body: body})
	if err == nil {
		http.Redirect(w, r, "/staff/followup/templates?saved=1&lang="+url.QueryEscape(staffLocales.pageLanguage(r)), http.StatusSeeOther)
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page := s.templatePage(w, r, a, key, lang, url.Values{"body": {body}})
	page.Form.setProblems(problems, "template-form", nil)
	s.render(w, r, http.StatusBadRequest, "followup_template.html", page)
}
