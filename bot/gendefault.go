//go:build ignore

// gendefault writes default.snapshot, the embedded series as Loader.Load
// reads and indexes it with the local embedder, for DefaultSnapshot.
//
//	go generate ./bot
package main

import (
	"context"
	"log"
	"os"

	"seriesbot/bot"
)

func main() {
	snap, warn, err := bot.Loader{}.Load(context.Background())
	if err == nil && warn != nil {
		err = warn // the embedded series reads whole, or not at all
	}
	if err != nil {
		log.Fatalf("load the embedded series: %v", err)
	}
	data, err := snap.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("default.snapshot", data, 0o644); err != nil {
		log.Fatal(err)
	}
}
