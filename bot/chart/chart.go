// Package chart draws the charts of summaries as PNG images, in process,
// with gonum/plot: nothing is fetched and no browser renders anything, so
// a chart is as available as the summary it comes with.
package chart

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"seriesbot/bot"
	"seriesbot/corpus"
)

// The image, in pixels: wide enough for three labelled bars, and at 800
// pixels Discord shows it without scaling in a desktop embed.
const (
	Width  = 800
	Height = 450
	dpi    = 96
)

// Colours of the bars: the scope summarised, and what it is compared with.
var (
	scopedColor = color.RGBA{R: 0xe8, G: 0x6a, B: 0x10, A: 0xff}
	otherColor  = color.RGBA{R: 0xa0, G: 0xa8, B: 0xb0, A: 0xff}
)

// PNG draws c as a bar chart, Width × Height pixels: one bar per figure,
// the scope's in colour and the others grey, each labelled with its value
// as the text states it.
func PNG(c bot.Chart) ([]byte, error) {
	l, err := newPlot(c)
	if err != nil {
		return nil, err
	}
	p := l.plot
	w, h := vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi
	canvas := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(canvas))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: canvas}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: encode PNG: %w", c.Title, err)
	}
	return buf.Bytes(), nil
}

// layout is a chart laid out for drawing, with what was handed to the
// plotter kept where a test can read it.
type layout struct {
	plot *plot.Plot
	// scoped and others are the bars of the scope and of the rest, over
	// the same categories: a figure is in one and zero in the other.
	scoped, others *plotter.BarChart
	labels         *plotter.Labels
	names          []string // the categories, left to right
}

// newPlot lays c out: the bars of the scope and of the rest as two bar
// charts, and a label over each bar.
func newPlot(c bot.Chart) (layout, error) {
	if len(c.Bars) == 0 {
		return layout{}, fmt.Errorf("chart %q: no figures", c.Title)
	}
	p := plot.New()
	p.Title.Text = c.Title
	p.Y.Label.Text = c.Unit
	p.Y.Min = 0
	scoped := make(plotter.Values, len(c.Bars))
	others := make(plotter.Values, len(c.Bars))
	names := make([]string, len(c.Bars))
	labels := plotter.XYLabels{XYs: make(plotter.XYs, len(c.Bars)), Labels: make([]string, len(c.Bars))}
	top := 0.0
	for i, b := range c.Bars {
		if b.Value < 0 {
			return layout{}, fmt.Errorf("chart %q: %s is negative (%g)", c.Title, b.Label, b.Value)
		}
		if b.Scoped {
			scoped[i] = b.Value
		} else {
			others[i] = b.Value
		}
		names[i] = b.Label
		labels.XYs[i] = plotter.XY{X: float64(i), Y: b.Value}
		labels.Labels[i] = corpus.Figure{Value: b.Value, Unit: c.Unit}.Stated()
		top = max(top, b.Value)
	}
	// Room above the highest bar for its label.
	p.Y.Max = top * 1.15
	out := layout{plot: p, names: names}
	width := vg.Points(float64(Width) * 0.6 / float64(len(c.Bars)) * 72 / dpi)
	for _, set := range []struct {
		values plotter.Values
		color  color.Color
		into   **plotter.BarChart
	}{{scoped, scopedColor, &out.scoped}, {others, otherColor, &out.others}} {
		bars, err := plotter.NewBarChart(set.values, width)
		if err != nil {
			return layout{}, fmt.Errorf("chart %q: %w", c.Title, err)
		}
		bars.Color = set.color
		bars.LineStyle.Width = 0
		p.Add(bars)
		*set.into = bars
	}
	var err error
	if out.labels, err = plotter.NewLabels(labels); err != nil {
		return layout{}, fmt.Errorf("chart %q: %w", c.Title, err)
	}
	for i := range out.labels.TextStyle {
		out.labels.TextStyle[i].XAlign = draw.XCenter
		out.labels.TextStyle[i].YAlign = draw.YBottom
	}
	p.Add(out.labels)
	p.NominalX(names...)
	return out, nil
}
