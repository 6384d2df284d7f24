package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"

	"seriesbot/bot"
)

var share = bot.Chart{Title: "Share of Alibaba's revenue in 2021", Unit: "%", Bars: []bot.Bar{
	{Label: "Cloud computing", Value: 8, Scoped: true},
	{Label: "Digital media and entertainment", Value: 4},
	{Label: "Innovation initiatives", Value: 1},
}}

func TestPNGDecodesAtItsSize(t *testing.T) {
	for _, c := range []bot.Chart{share, {Title: "GMV", Unit: "RMB trillion", Bars: []bot.Bar{{Label: "China", Value: 7.5, Scoped: true}, {Label: "All", Value: 8.12, Scoped: true}}}} {
		data, err := PNG(c)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: the PNG does not decode: %v", c.Title, err)
		}
		if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
			t.Errorf("%s: image is %dx%d, want %dx%d", c.Title, b.Dx(), b.Dy(), Width, Height)
		}
		// Something is drawn in the bars' colour: the chart is not blank.
		if !hasColor(img, scopedColor) {
			t.Errorf("%s: no pixel in the scope's colour", c.Title)
		}
	}
}

func hasColor(img image.Image, want color.Color) bool {
	wr, wg, wb, _ := want.RGBA()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r == wr && g == wg && bl == wb {
				return true
			}
		}
	}
	return false
}

// What the plotter is handed is the chart's figures, in order: the
// scope's in one set of bars, the others in the other, each labelled as
// the text states it.
func TestPlotterGetsTheFigures(t *testing.T) {
	l, err := newPlot(share)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.names, []string{"Cloud computing", "Digital media and entertainment", "Innovation initiatives"}) {
		t.Errorf("categories = %v", l.names)
	}
	if got := []float64(l.scoped.Values); !slices.Equal(got, []float64{8, 0, 0}) {
		t.Errorf("scoped bars = %v", got)
	}
	if got := []float64(l.others.Values); !slices.Equal(got, []float64{0, 4, 1}) {
		t.Errorf("other bars = %v", got)
	}
	if !slices.Equal(l.labels.Labels, []string{"8%", "4%", "1%"}) {
		t.Errorf("labels = %v", l.labels.Labels)
	}
	if l.plot.Title.Text != share.Title || l.plot.Y.Label.Text != "%" {
		t.Errorf("title %q, axis %q", l.plot.Title.Text, l.plot.Y.Label.Text)
	}
}

func TestBadCharts(t *testing.T) {
	for _, tt := range []struct {
		c    bot.Chart
		want string
	}{
		{bot.Chart{Title: "Empty"}, `chart "Empty": no figures`},
		{bot.Chart{Title: "Loss", Bars: []bot.Bar{{Label: "2020", Value: -3}}}, `chart "Loss": 2020 is negative`},
	} {
		if _, err := PNG(tt.c); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("PNG(%+v) error = %v, want %q", tt.c, err, tt.want)
		}
	}
}
