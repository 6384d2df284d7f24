package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// startThread starts a thread on a message, as discordgo's
// MessageThreadStartComplex does, but in the rate-limit bucket Discord
// counts it in: the channel is the route's major parameter, so every
// thread started in a channel shares one bucket. discordgo's own call puts
// each message in a bucket of its own, so after a 429 the other answers
// starting threads there would go on asking before the wait Discord set;
// in the shared bucket they wait their turn.
func startThread(ctx context.Context, s *discordgo.Session, channelID, messageID string, data *discordgo.ThreadStart) (*discordgo.Channel, error) {
	endpoint := discordgo.EndpointChannelMessageThread(channelID, messageID)
	body, err := s.RequestWithBucketID(http.MethodPost, endpoint, data, discordgo.EndpointChannelThreads(channelID), discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var ch discordgo.Channel
	if err := json.Unmarshal(body, &ch); err != nil {
		return nil, fmt.Errorf("start a thread: read Discord's answer: %w", err)
	}
	return &ch, nil
}
