package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A ref in a rule file names what a reason rests on, in a short form that
// is rendered in the decision's language when the rules are loaded. Parts
// are separated by ";". A part "§ 5(2)(a)" is covid-19-forskriften § 5,
// second paragraph (ledd), letter a; "§ 6j" the whole paragraph. A part
// "@circular_g07" is the text ref.circular_g07 of texts/<lang>.yaml, for
// sources other than the regulation; such a text names the amendment of a
// version by {amendment:<version id>}. Paragraphs of the regulation are
// cited as worded in the version, with the version's in-force instant and
// the amendment (date and Lovtidend number) that made it: both ways render
// the amendment with the text cite.amended (see amendment.go).

// paragraphRef is one parsed "§ n(ledd)(letter)" part.
type paragraphRef struct {
	section string
	ledd    int
	letter  string
}

// parseRef splits a ref into paragraphs of the regulation and keys of
// other sources.
func parseRef(ref string) ([]paragraphRef, []string, error) {
	var ps []paragraphRef
	var keys []string
	for _, part := range strings.Split(ref, ";") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
			return nil, nil, fmt.Errorf("ref %q has an empty part", ref)
		case strings.HasPrefix(part, "@"):
			keys = append(keys, part[1:])
		case strings.HasPrefix(part, "§ "):
			p, err := parseParagraph(part[len("§ "):])
			if err != nil {
				return nil, nil, fmt.Errorf("ref %q: %v", ref, err)
			}
			ps = append(ps, p)
		default:
			return nil, nil, fmt.Errorf("ref part %q is neither a paragraph (§ 5(2)(a)) nor a source (@key)", part)
		}
	}
	return ps, keys, nil
}

func parseParagraph(s string) (paragraphRef, error) {
	var p paragraphRef
	sec, rest, _ := strings.Cut(s, "(")
	if sec == "" || strings.ContainsAny(sec, " )") {
		return p, fmt.Errorf("%q is not a paragraph such as 5(2)(a)", s)
	}
	p.section = sec
	if rest == "" {
		return p, nil
	}
	ledd, rest, ok := strings.Cut(rest, ")")
	n, err := strconv.Atoi(ledd)
	if !ok || err != nil || n < 1 || n > 10 {
		return p, fmt.Errorf("%q: the paragraph number (ledd) must be 1 to 10", s)
	}
	p.ledd = n
	if rest == "" {
		return p, nil
	}
	if len(rest) != 3 || rest[0] != '(' || rest[2] != ')' || rest[1] < 'a' || rest[1] > 'z' {
		return p, fmt.Errorf("%q: the letter must be written (a)", s)
	}
	p.letter = rest[1:2]
	return p, nil
}

// citer renders the refs of one version.
type citer struct {
	c      *catalogue
	suffix []string // by language: the version's in-force instant and amendment
	// amendments are the other versions' amendments by version id, for
	// texts of sources that cite them ({amendment:ID}).
	amendments vars
}

// newCiter prepares the citation suffix of a version in every language,
// and the amendments that the texts of sources may cite.
func newCiter(c *catalogue, from time.Time, src Source, amendments map[string]Source) (*citer, error) {
	k := &citer{c: c, suffix: make([]string, len(c.langs)), amendments: vars{}}
	if field, msg := checkSource(src); field != "" {
		return nil, fmt.Errorf("%s: %s", field, msg)
	}
	for l := range c.langs {
		amended, err := k.amended(l, src)
		if err != nil {
			return nil, err
		}
		if k.suffix[l], err = k.fill(l, "cite.version", vars{"from": k.instant(l, from), "amended": amended}); err != nil {
			return nil, err
		}
	}
	for id, s := range amendments {
		texts := make([]string, len(c.langs))
		for l := range c.langs {
			t, err := k.amended(l, s)
			if err != nil {
				return nil, fmt.Errorf("version %s: %v", id, err)
			}
			texts[l] = t
		}
		k.amendments["amendment:"+id] = func(l int) string { return texts[l] }
	}
	return k, nil
}

func (k *citer) fill(l int, key string, vs vars) (string, error) {
	t, ok := k.c.text(l, key)
	if !ok {
		return "", fmt.Errorf("text %q is missing in texts/%s.yaml", key, fallbackLanguage)
	}
	return k.c.fill(l, t, vs)
}

func (k *citer) date(l int, t time.Time) string {
	month, _ := k.c.text(l, "month."+strconv.Itoa(int(t.Month())))
	out, _ := k.fill(l, "cite.date", vars{"day": strconv.Itoa(t.Day()), "month": month, "year": strconv.Itoa(t.Year())})
	return out
}

func (k *citer) instant(l int, t time.Time) string {
	d := k.date(l, t)
	if t.Hour() == 0 && t.Minute() == 0 {
		return d
	}
	out, _ := k.fill(l, "cite.date_time", vars{"date": d, "time": t.Format("15.04")})
	return out
}

// cite renders ref in every language.
func (k *citer) cite(ref string) ([]string, error) {
	ps, keys, err := parseRef(ref)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(k.c.langs))
	for l := range k.c.langs {
		var parts []string
		if len(ps) > 0 {
			names := make([]string, len(ps))
			for i, p := range ps {
				if names[i], err = k.paragraph(l, p); err != nil {
					return nil, err
				}
			}
			and, _ := k.c.text(l, "list_and")
			reg, err := k.fill(l, "cite.regulation", vars{"paragraphs": strings.Join(names, and)})
			if err != nil {
				return nil, err
			}
			parts = append(parts, reg+" "+k.suffix[l])
		}
		for _, key := range keys {
			t, ok := k.c.text(l, "ref."+key)
			if !ok {
				return nil, fmt.Errorf("source @%s has no text ref.%s in texts/%s.yaml", key, key, fallbackLanguage)
			}
			if t, err = k.c.fill(l, t, k.amendments); err != nil {
				return nil, fmt.Errorf("source @%s: text ref.%s: %v (an amendment is cited as {amendment:<version id>})", key, key, err)
			}
			parts = append(parts, t)
		}
		out[l] = strings.Join(parts, "; ")
	}
	return out, nil
}

func (k *citer) paragraph(l int, p paragraphRef) (string, error) {
	s, err := k.fill(l, "cite.section", vars{"section": p.section})
	if err != nil {
		return "", err
	}
	if p.ledd > 0 {
		ord, _ := k.c.text(l, "ordinal."+strconv.Itoa(p.ledd))
		t, err := k.fill(l, "cite.ledd", vars{"ordinal": ord})
		if err != nil {
			return "", err
		}
		s += " " + t
	}
	if p.letter != "" {
		t, err := k.fill(l, "cite.letter", vars{"letter": p.letter})
		if err != nil {
			return "", err
		}
		s += " " + t
	}
	return s, nil
}
