package rules

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"

	"beredskap"
)

// fallbackLanguage is the language used for any language without a text file.
const fallbackLanguage = "en"

// textsFile is one texts/<lang>.yaml: the texts of reason and warning codes,
// and names (document.*, exemption.*, accommodation.*) used inside texts.
type textsFile struct {
	Language string            `yaml:"language"`
	Texts    map[string]string `yaml:"texts"`
}

// catalogue holds the texts of every language, indexed like langs.
type catalogue struct {
	langs []string            // language codes; langs[fallback] is English
	texts []map[string]string // by language index
	en    int
}

func loadTexts(fsys fs.FS) (*catalogue, error) {
	names, err := fs.Glob(fsys, "texts/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	c := &catalogue{en: -1}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &FileError{File: name, Message: err.Error()}
		}
		var f textsFile
		if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
			return nil, &FileError{File: name, Message: yamlMessage(err)}
		}
		want := strings.TrimSuffix(path.Base(name), ".yaml")
		if f.Language != want {
			return nil, &FileError{File: name, Field: "language", Message: fmt.Sprintf("is %q; want %q, the file's name", f.Language, want)}
		}
		if len(f.Texts) == 0 {
			return nil, &FileError{File: name, Field: "texts", Message: "is required"}
		}
		for code, text := range f.Texts {
			if strings.TrimSpace(text) == "" {
				return nil, &FileError{File: name, Field: "texts." + code, Message: "is empty"}
			}
		}
		if f.Language == fallbackLanguage {
			c.en = len(c.langs)
		}
		c.langs = append(c.langs, f.Language)
		c.texts = append(c.texts, f.Texts)
	}
	if c.en < 0 {
		return nil, &FileError{File: "texts/" + fallbackLanguage + ".yaml", Message: "is required (English is the fallback language)"}
	}
	return c, nil
}

// index returns the language index for lang ("nb", "nb-NO", "no", "en-GB"),
// and the English index for any language without texts.
func (c *catalogue) index(lang string) int {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if len(lang) == 2 && (lang[0] < 'a' || lang[1] < 'a') {
		lang = strings.ToLower(lang)
	}
	if lang == "no" {
		lang = "nb"
	}
	for i, l := range c.langs {
		if l == lang {
			return i
		}
	}
	return c.en
}

// text returns the text of key in language l, falling back to English; ok
// is false when not even English has it.
func (c *catalogue) text(l int, key string) (string, bool) {
	if t, ok := c.texts[l][key]; ok {
		return t, true
	}
	t, ok := c.texts[c.en][key]
	return t, ok
}

// message is a reason or warning prepared at load time: its code, the
// paragraph it rests on and its text, both in every language.
type message struct {
	code string
	ref  []string // by language index
	text []string // by language index
}

func (m *message) reason(l int) beredskap.Reason {
	return beredskap.Reason{Code: m.code, Ref: m.ref[l], Text: m.text[l]}
}

func (m *message) warning(l int) beredskap.Warning {
	return beredskap.Warning{Code: m.code, Text: m.text[l]}
}

// vars are the placeholders a text may hold, such as {days}; a value is
// either a plain string or, for names, a func rendering it per language.
type vars map[string]any

// messageOf prepares the message with the given code: its text is the text
// of key (the code when key is empty) with every {placeholder} filled in.
func (c *catalogue) messageOf(code, key string, ref []string, vs vars) (*message, error) {
	if key == "" {
		key = code
	}
	m := &message{code: code, ref: ref, text: make([]string, len(c.langs))}
	for l := range c.langs {
		t, ok := c.text(l, key)
		if !ok {
			return nil, fmt.Errorf("code %q has no text in texts/%s.yaml", key, fallbackLanguage)
		}
		filled, err := c.fill(l, t, vs)
		if err != nil {
			return nil, fmt.Errorf("text %q in %s: %w", key, c.langs[l], err)
		}
		m.text[l] = filled
	}
	return m, nil
}

func (c *catalogue) fill(l int, t string, vs vars) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String(), nil
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed placeholder")
		}
		b.WriteString(t[:i])
		name := t[i+1 : i+j]
		v, ok := vs[name]
		if !ok {
			return "", fmt.Errorf("unknown placeholder {%s}", name)
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case func(int) string:
			b.WriteString(v(l))
		default:
			return "", fmt.Errorf("placeholder {%s} has no text", name)
		}
		t = t[i+j+1:]
	}
}

// names renders a list of codes as their names (prefix.code) in language l,
// joined by sep, with commas between all but the last two of three or
// more ("a, b or c"); a code without a name is shown as itself.
func (c *catalogue) names(prefix string, codes []string, sepKey string) func(int) string {
	return func(l int) string {
		sep, ok := c.text(l, sepKey)
		if !ok {
			sep = " / "
		}
		out := make([]string, len(codes))
		for i, code := range codes {
			if t, ok := c.text(l, prefix+code); ok {
				out[i] = t
			} else {
				out[i] = code
			}
		}
		if len(out) > 2 {
			// "a, b or c": commas between all but the last two.
			return strings.Join(out[:len(out)-1], ", ") + sep + out[len(out)-1]
		}
		return strings.Join(out, sep)
	}
}
