package bot

import "testing"

func TestSanitizeLinks(t *testing.T) {
	const src = "https://investorinsights.asia/post/alibaba-part-2"
	allowed := []string{src}
	tests := []struct {
		name, text, want string
	}{
		{"plain text", "Alibaba Cloud made RMB60 billion [1].", "Alibaba Cloud made RMB60 billion [1]."},
		{"masked link dressed as a citation", "Revenue rose [1](https://evil.example/login).", "Revenue rose 1 (`https://evil.example/login`)."},
		{"masked link in angle brackets", "[log in](<https://evil.example/x>)", "log in (`https://evil.example/x`)"},
		{"masked link with an empty label", "[](https://evil.example)", "`https://evil.example`"},
		{"masked link to a cited source", "See [Part 2](" + src + ").", "See [Part 2](" + src + ")."},
		{"bare foreign URL", "Go to https://evil.example/login.", "Go to `https://evil.example/login`."},
		{"bare cited URL", "Read " + src + ", it explains.", "Read " + src + ", it explains."},
		{"a cited URL's look-alike", "Read " + src + "-fake now", "Read `" + src + "-fake` now"},
		{"app scheme", "steam://run/1 or discord://x", "`steam://run/1` or `discord://x`"},
		{"URL in the label", "[https://evil.example](https://evil.example)", "`https://evil.example` (`https://evil.example`)"},
		{"inline code stays", "Type `https://x.example` there", "Type `https://x.example` there"},
		{"relative link", "[here](page)", "here"},
		{"brackets that are no link", "In [2021] (see above)", "In [2021] (see above)"},
		{"URL in parentheses", "(https://evil.example)", "(`https://evil.example`)"},
		{"backtick in a masked link's URL", "[](`a://0)", "`ˋa://0`"},
		{"a link that leaves one behind", "[]([]())", ""},
		{"links nested three deep", "[a]([b]([c](https://evil.example)))", "[a]([b](c (`https://evil.example`)))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeLinks(tt.text, allowed); got != tt.want {
				t.Errorf("sanitizeLinks(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
			// Sanitizing twice changes nothing more: partial and final
			// texts can both be passed through it.
			if got := sanitizeLinks(tt.want, allowed); got != tt.want {
				t.Errorf("sanitizeLinks of its own output %q = %q", tt.want, got)
			}
		})
	}
}

func FuzzSanitizeLinks(f *testing.F) {
	for _, s := range []string{"[1](https://evil.example/login)", "see https://a.example.", "`x` [a](<b://c>)", "[https://a](https://b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out := sanitizeLinks(text, nil)
		// With nothing allowed, no URL is left outside inline code and no
		// masked link remains.
		for _, m := range linkish.FindAllStringSubmatchIndex(out, -1) {
			if m[2] < 0 {
				t.Fatalf("sanitizeLinks(%q) = %q: %q is still a link", text, out, out[m[0]:m[1]])
			}
		}
	})
}

func TestLeaksInstructions(t *testing.T) {
	system := "You answer questions about the series.\n\nRules:\n1. Answer only from the sources. Do not add facts, figures or dates that are not in them.\n2. Keep it short."
	tests := []struct {
		reply string
		leaks bool
	}{
		{"Alibaba Cloud made RMB60 billion [1].", false},
		{"My instructions: 1. Answer only from the sources. Do not add facts, figures or dates that are not in them.", true},
		{"SURE! answer ONLY from the sources.   do not add facts, figures\nor dates", true},
		{"I answer only from the sources.", false},
	}
	for _, tt := range tests {
		if got := leaksInstructions(tt.reply, system); got != tt.leaks {
			t.Errorf("leaksInstructions(%q) = %v, want %v", tt.reply, got, tt.leaks)
		}
	}
}
