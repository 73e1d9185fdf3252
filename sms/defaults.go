package sms

import (
	"fmt"
	"slices"

	"beredskap"
)

// Template keys.
const (
	// TemplateDay2 and TemplateDay5 remind the traveller of the quarantine
	// on the days RULES.md 2021-02-15 sets.
	TemplateDay2 = "day2"
	TemplateDay5 = "day5"
	// TemplateNotReached says the control centre tried to call.
	TemplateNotReached = "not_reached"
	// TemplateRuleChange says the rules, and so perhaps the traveller's
	// obligations, have changed.
	TemplateRuleChange = "rule_change"
)

// Keys lists the template keys in the order forms show them.
var Keys = []string{TemplateDay2, TemplateDay5, TemplateNotReached, TemplateRuleChange}

// FallbackLanguage is used for a language with no template.
const FallbackLanguage = "en"

// defaults holds the built-in texts by language and key. They are kept
// short: Norwegian, Swedish and German fit GSM-7; the others need UCS-2.
var defaults = map[string]map[string]string{
	"nb": {
		TemplateDay2:       "Hei {name}. Dette er Nasjonalt kontrollsenter for innreisende. Husk at du er i karantene til og med {last_day}. Spørsmål? Ring {hotline}.",
		TemplateDay5:       "Hei {name}. En påminnelse: karantenen din varer til og med {last_day}. Spørsmål? Ring {hotline}.",
		TemplateNotReached: "Hei {name}. Nasjonalt kontrollsenter for innreisende har prøvd å ringe deg. Ring oss tilbake på {hotline}. Karantenen din varer til og med {last_day}.",
		TemplateRuleChange: "Hei {name}. Reglene for karantene er endret, og pliktene dine kan ha endret seg. Les mer på helsenorge.no eller ring {hotline}.",
	},
	"nn": {
		TemplateDay2:       "Hei {name}. Dette er Nasjonalt kontrollsenter for innreisande. Hugs at du er i karantene til og med {last_day}. Spørsmål? Ring {hotline}.",
		TemplateDay5:       "Hei {name}. Ei påminning: karantenen din varer til og med {last_day}. Spørsmål? Ring {hotline}.",
		TemplateNotReached: "Hei {name}. Nasjonalt kontrollsenter for innreisande har prøvd å ringje deg. Ring oss tilbake på {hotline}. Karantenen din varer til og med {last_day}.",
		TemplateRuleChange: "Hei {name}. Reglane for karantene er endra, og pliktene dine kan ha endra seg. Les meir på helsenorge.no eller ring {hotline}.",
	},
	"en": {
		TemplateDay2:       "Hello {name}. This is the National Control Centre for Arrivals in Norway. Remember that you are in quarantine until and including {last_day}. Questions? Call {hotline}.",
		TemplateDay5:       "Hello {name}. A reminder: your quarantine lasts until and including {last_day}. Questions? Call {hotline}.",
		TemplateNotReached: "Hello {name}. The National Control Centre for Arrivals in Norway tried to call you. Please call us back on {hotline}. Your quarantine lasts until and including {last_day}.",
		TemplateRuleChange: "Hello {name}. The quarantine rules have changed, and your obligations may have changed too. Read more at helsenorge.no or call {hotline}.",
	},
	"sv": {
		TemplateDay2:       "Hej {name}. Detta är Norges nationella kontrollcenter för inresande. Kom ihåg att du är i karantän till och med {last_day}. Frågor? Ring {hotline}.",
		TemplateDay5:       "Hej {name}. En påminnelse: din karantän varar till och med {last_day}. Frågor? Ring {hotline}.",
		TemplateNotReached: "Hej {name}. Norges nationella kontrollcenter för inresande har försökt ringa dig. Ring oss tillbaka på {hotline}. Din karantän varar till och med {last_day}.",
		TemplateRuleChange: "Hej {name}. Reglerna för karantän har ändrats, och dina skyldigheter kan ha ändrats. Läs mer på helsenorge.no eller ring {hotline}.",
	},
	"de": {
		TemplateDay2:       "Hallo {name}. Hier ist die nationale Kontrollzentrale für Einreisende in Norwegen. Denken Sie daran: Sie sind bis einschließlich {last_day} in Quarantäne. Fragen? Rufen Sie {hotline} an.",
		TemplateDay5:       "Hallo {name}. Zur Erinnerung: Ihre Quarantäne dauert bis einschließlich {last_day}. Fragen? Rufen Sie {hotline} an.",
		TemplateNotReached: "Hallo {name}. Die nationale Kontrollzentrale für Einreisende in Norwegen hat versucht, Sie anzurufen. Bitte rufen Sie uns unter {hotline} zurück. Ihre Quarantäne dauert bis einschließlich {last_day}.",
		TemplateRuleChange: "Hallo {name}. Die Quarantäneregeln haben sich geändert, und damit möglicherweise auch Ihre Pflichten. Mehr dazu auf helsenorge.no oder unter {hotline}.",
	},
	"pl": {
		TemplateDay2:       "Dzień dobry, {name}. Tu norweskie centrum kontroli przyjazdów. Przypominamy: Twoja kwarantanna trwa do {last_day} włącznie. Pytania? Zadzwoń pod numer {hotline}.",
		TemplateDay5:       "Dzień dobry, {name}. Przypominamy: Twoja kwarantanna trwa do {last_day} włącznie. Pytania? Zadzwoń pod numer {hotline}.",
		TemplateNotReached: "Dzień dobry, {name}. Norweskie centrum kontroli przyjazdów próbowało się do Ciebie dodzwonić. Prosimy o telefon pod numer {hotline}. Twoja kwarantanna trwa do {last_day} włącznie.",
		TemplateRuleChange: "Dzień dobry, {name}. Zasady kwarantanny uległy zmianie i Twoje obowiązki mogły się zmienić. Więcej informacji na helsenorge.no lub pod numerem {hotline}.",
	},
	"lt": {
		TemplateDay2:       "Sveiki, {name}. Čia Norvegijos atvykstančiųjų kontrolės centras. Primename: jūsų karantinas trunka iki {last_day} imtinai. Turite klausimų? Skambinkite {hotline}.",
		TemplateDay5:       "Sveiki, {name}. Primename: jūsų karantinas trunka iki {last_day} imtinai. Turite klausimų? Skambinkite {hotline}.",
		TemplateNotReached: "Sveiki, {name}. Norvegijos atvykstančiųjų kontrolės centras bandė jums paskambinti. Prašome perskambinti numeriu {hotline}. Jūsų karantinas trunka iki {last_day} imtinai.",
		TemplateRuleChange: "Sveiki, {name}. Karantino taisyklės pasikeitė, todėl galėjo pasikeisti ir jūsų pareigos. Daugiau informacijos helsenorge.no arba telefonu {hotline}.",
	},
	"ro": {
		TemplateDay2:       "Bună ziua, {name}. Vă contactează centrul de control al sosirilor din Norvegia. Vă reamintim că sunteți în carantină până la {last_day} inclusiv. Întrebări? Sunați la {hotline}.",
		TemplateDay5:       "Bună ziua, {name}. Vă reamintim: carantina dumneavoastră durează până la {last_day} inclusiv. Întrebări? Sunați la {hotline}.",
		TemplateNotReached: "Bună ziua, {name}. Centrul de control al sosirilor din Norvegia a încercat să vă sune. Vă rugăm să ne sunați înapoi la {hotline}. Carantina dumneavoastră durează până la {last_day} inclusiv.",
		TemplateRuleChange: "Bună ziua, {name}. Regulile de carantină s-au schimbat și este posibil ca obligațiile dumneavoastră să se fi schimbat. Mai multe informații pe helsenorge.no sau la {hotline}.",
	},
	"ru": {
		TemplateDay2:       "Здравствуйте, {name}. Это центр контроля прибывающих в Норвегию. Напоминаем: ваш карантин длится до {last_day} включительно. Есть вопросы? Звоните по номеру {hotline}.",
		TemplateDay5:       "Здравствуйте, {name}. Напоминаем: ваш карантин длится до {last_day} включительно. Есть вопросы? Звоните по номеру {hotline}.",
		TemplateNotReached: "Здравствуйте, {name}. Центр контроля прибывающих в Норвегию пытался вам дозвониться. Пожалуйста, перезвоните нам по номеру {hotline}. Ваш карантин длится до {last_day} включительно.",
		TemplateRuleChange: "Здравствуйте, {name}. Правила карантина изменились, и ваши обязанности тоже могли измениться. Подробнее на helsenorge.no или по номеру {hotline}.",
	},
	"uk": {
		TemplateDay2:       "Доброго дня, {name}. Це центр контролю прибулих до Норвегії. Нагадуємо: ваш карантин триває до {last_day} включно. Маєте запитання? Телефонуйте за номером {hotline}.",
		TemplateDay5:       "Доброго дня, {name}. Нагадуємо: ваш карантин триває до {last_day} включно. Маєте запитання? Телефонуйте за номером {hotline}.",
		TemplateNotReached: "Доброго дня, {name}. Центр контролю прибулих до Норвегії намагався вам зателефонувати. Будь ласка, передзвоніть нам за номером {hotline}. Ваш карантин триває до {last_day} включно.",
		TemplateRuleChange: "Доброго дня, {name}. Правила карантину змінилися, тож ваші обов’язки також могли змінитися. Детальніше на helsenorge.no або за номером {hotline}.",
	},
	"ar": {
		TemplateDay2:       "مرحبًا {name}. هذه رسالة من مركز مراقبة القادمين إلى النرويج. نذكّرك بأنك في الحجر الصحي حتى نهاية يوم {last_day}. للاستفسار اتصل على الرقم {hotline}.",
		TemplateDay5:       "مرحبًا {name}. تذكير: يستمر حجرك الصحي حتى نهاية يوم {last_day}. للاستفسار اتصل على الرقم {hotline}.",
		TemplateNotReached: "مرحبًا {name}. حاول مركز مراقبة القادمين إلى النرويج الاتصال بك. يرجى معاودة الاتصال بنا على الرقم {hotline}. يستمر حجرك الصحي حتى نهاية يوم {last_day}.",
		TemplateRuleChange: "مرحبًا {name}. تغيّرت قواعد الحجر الصحي، وقد تكون التزاماتك قد تغيّرت أيضًا. لمزيد من المعلومات زر helsenorge.no أو اتصل على الرقم {hotline}.",
	},
}

// languages lists the languages with built-in templates in the order of
// beredskap.Enumerations["traveller.language"].
var languages = []string{"nb", "nn", "en", "pl", "lt", "ro", "de", "ru", "ar", "sv", "uk"}

// rtl holds the languages written right to left.
var rtl = map[string]bool{"ar": true}

// Languages returns the codes of the languages with built-in templates.
func Languages() []string { return slices.Clone(languages) }

// Direction returns "rtl" for a language written right to left and "ltr"
// otherwise, for the dir attribute of a preview.
func Direction(language string) string {
	if rtl[language] {
		return "rtl"
	}
	return "ltr"
}

// DefaultTemplates returns every built-in template, by language in the
// order of Languages and by key in the order of Keys.
func DefaultTemplates() []beredskap.SMSTemplate {
	out := make([]beredskap.SMSTemplate, 0, len(languages)*len(Keys))
	for _, lang := range languages {
		for _, key := range Keys {
			out = append(out, beredskap.SMSTemplate{Key: key, Language: lang, Body: defaults[lang][key], UpdatedBy: "system"})
		}
	}
	return out
}

// Template returns the built-in template of key in language. A language
// with no built-in templates gets the English one and fellBack set, so that
// callers can warn. An unknown key is ENOTFOUND.
func Template(key, language string) (t beredskap.SMSTemplate, fellBack bool, err error) {
	if !slices.Contains(Keys, key) {
		return beredskap.SMSTemplate{}, false, beredskap.Errorf(beredskap.ENOTFOUND, "no SMS template %q", key)
	}
	texts, ok := defaults[language]
	if !ok {
		texts, language, fellBack = defaults[FallbackLanguage], FallbackLanguage, true
	}
	body, ok := texts[key]
	if !ok {
		return beredskap.SMSTemplate{}, false, fmt.Errorf("sms: built-in template %s/%s missing", language, key)
	}
	return beredskap.SMSTemplate{Key: key, Language: language, Body: body, UpdatedBy: "system"}, fellBack, nil
}
