// Package metricstest reads metrics as Prometheus would: it scrapes an
// endpoint over HTTP and parses the text format with Prometheus's own
// parser, so a test asserts on what a scraper sees, not on our counters.
package metricstest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Families are the metric families of one scrape, by name.
type Families map[string]*dto.MetricFamily

// Scrape GETs url and parses the answer; anything but a 200 in the text
// format fails the test.
func Scrape(tb testing.TB, client *http.Client, url string) Families {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("scrape %s: %s", url, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		tb.Fatalf("scrape %s: Content-Type %q, want Prometheus's text format", url, ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatalf("scrape %s: parse: %v", url, err)
	}
	return fams
}

// Value is the value of the sample of name whose labels include every
// name=value pair of labels ("transport", "slash", ...): a counter's or a
// gauge's value, a histogram's count. It fails the test when there is no
// such sample.
func (f Families) Value(tb testing.TB, name string, labels ...string) float64 {
	tb.Helper()
	v, ok := f.Lookup(name, labels...)
	if !ok {
		tb.Fatalf("no sample %s%v in the scrape", name, labels)
	}
	return v
}

// Lookup is Value that reports a missing sample instead of failing.
func (f Families) Lookup(name string, labels ...string) (float64, bool) {
	fam, ok := f[name]
	if !ok {
		return 0, false
	}
	for _, m := range fam.GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// Histogram is the histogram sample of name: its count, and how many
// observations were at most le.
func (f Families) Histogram(tb testing.TB, name string, le float64) (count, atMost uint64) {
	tb.Helper()
	fam, ok := f[name]
	if !ok || len(fam.GetMetric()) == 0 || fam.GetMetric()[0].Histogram == nil {
		tb.Fatalf("no histogram %s in the scrape", name)
	}
	h := fam.GetMetric()[0].Histogram
	for _, b := range h.GetBucket() {
		if b.GetUpperBound() == le {
			return h.GetSampleCount(), b.GetCumulativeCount()
		}
	}
	tb.Fatalf("histogram %s has no bucket le=%v", name, le)
	return 0, 0
}

// Sum adds up the samples of name whose labels include labels.
func (f Families) Sum(name string, labels ...string) float64 {
	var sum float64
	for _, m := range f[name].GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return sum
}

func hasLabels(m *dto.Metric, labels []string) bool {
	if len(labels)%2 != 0 {
		panic(fmt.Sprintf("metricstest: labels %q are not name, value pairs", labels))
	}
	for i := 0; i < len(labels); i += 2 {
		found := false
		for _, lp := range m.GetLabel() {
			if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
