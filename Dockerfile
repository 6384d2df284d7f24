# Build: a static binary with the default corpus embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/seriesbot ./cmd/seriesbot

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/seriesbot /usr/local/bin/seriesbot
USER nonroot:nonroot
# The index is kept here between starts; mount a volume to keep it across
# containers, or one shared by every shard.
ENV SERIESBOT_DATA_DIR=/home/nonroot/data
ENTRYPOINT ["/usr/local/bin/seriesbot"]
CMD ["help"]
