package corpus

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseHTMLBlogPage(t *testing.T) {
	a, err := ParseHTML("blog_page.html", readTestdata(t, "blog_page.html"))
	if err != nil {
		t.Fatalf("ParseHTML: %v", err)
	}
	want := Article{
		Series: "Lotus Foods",
		Part:   3,
		Title:  "Lotus Foods (Part 3): Stores and Delivery",
		URL:    "https://blog.example.com/post/lotus-foods-part-3",
		Source: "blog_page.html",
		Sections: []Section{
			{Heading: IntroHeading, Paragraphs: []string{"This part of the series looks at how the grocer runs its shops and its delivery fleet."}},
			{Heading: "Stores", Paragraphs: []string{
				"The grocer ran 1,250 stores at the end of fiscal 2022, up from 1,100 a year before. Most of them sit in second-tier cities, where rents are lower.",
				"Neighbourhood shops of under 300 square metres.",
				"Hypermarkets at the edge of large cities.",
			}},
			{Heading: "Store Formats", Paragraphs: []string{"Small shops earn more per square metre than large ones."}},
			{Heading: "Delivery", Paragraphs: []string{
				"Orders placed before noon arrive the same day in 40 cities. The fleet runs on 3,400 electric vans.",
				"Delivery costs per order fell by 8% in 2022.",
			}},
		},
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("ParseHTML\n got %#v\nwant %#v", a, want)
	}
	checkNoLeftovers(t, a)
}

func TestParseHTMLStructure(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantTitle string
		wantURL   string
		want      []Section
		wantErr   error
	}{
		{name: "empty", in: "", wantErr: ErrNoText},
		{name: "only template", in: "<body><nav><p>Home</p></nav><footer><p>Footer text.</p></footer></body>", wantErr: ErrNoText},
		{
			name: "body fallback, title element without site suffix, og:url",
			in: `<html><head><title>Some Title | My Blog</title><meta property="og:url" content="https://example.com/p"></head>` +
				`<body><header><h1>My Blog</h1></header><p>Body text.</p></body></html>`,
			wantTitle: "Some Title", wantURL: "https://example.com/p",
			want: []Section{{Heading: IntroHeading, Paragraphs: []string{"Body text."}}},
		},
		{
			name:      "main fallback, h1 title, relative canonical ignored",
			in:        `<link rel="canonical" href="/post/x"><div class="menu-bar"><p>Menu</p></div><main><h1>The Title</h1><h2>Part A</h2><p>A text.</p><div id="comment-list"><p>Nice!</p></div></main>`,
			wantTitle: "The Title",
			want:      []Section{{Heading: "Part A", Paragraphs: []string{"A text."}}},
		},
		{
			name:      "nested blocks, loose text, inline words not split",
			in:        `<article><h1>T</h1>Loose lead.<ul><li>Item <b>one</b><p>Inner para.</p></li></ul><p>Ali<b>baba</b>&amp;Co&nbsp;grew.</p></article>`,
			wantTitle: "T",
			want:      []Section{{Heading: IntroHeading, Paragraphs: []string{"Loose lead.", "Item one", "Inner para.", "Alibaba&Co grew."}}},
		},
		{
			name:      "template heading drops its section, later h1 is a section",
			in:        `<article><h1>T</h1><p>Intro.</p><h2>Recent Posts</h2><p>Other post.</p><h1>Second Top</h1><p>More.</p></article>`,
			wantTitle: "T",
			want: []Section{
				{Heading: IntroHeading, Paragraphs: []string{"Intro."}},
				{Heading: "Second Top", Paragraphs: []string{"More."}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseHTML("x.html", []byte(tt.in))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseHTML: %v", err)
			}
			if a.Title != tt.wantTitle || a.URL != tt.wantURL {
				t.Errorf("title/url = %q/%q, want %q/%q", a.Title, a.URL, tt.wantTitle, tt.wantURL)
			}
			if !reflect.DeepEqual(a.Sections, tt.want) {
				t.Errorf("sections\n got %#v\nwant %#v", a.Sections, tt.want)
			}
		})
	}
}

func FuzzParseHTML(f *testing.F) {
	f.Add(readTestdata(f, "blog_page.html"))
	for _, s := range []string{"", "<p>x", "<article><h1>T</h1><p>a</p></article>", "<title>A (Part 1): B</title><li>x<li>y", "<svg><p>x</p></svg>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseHTML("fuzz.html", data)
		if err != nil {
			return
		}
		checkParsed(t, a)
	})
}
