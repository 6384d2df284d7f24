# Build: a static binary with the default corpus embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/seriesbot ./cmd/seriesbot \
 && mkdir -p /out/data

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
# docker build --build-arg VERSION=$(git describe --always) labels the image
# with the commit it was built from.
ARG VERSION=dev
LABEL org.opencontainers.image.title="seriesbot" \
      org.opencontainers.image.description="A Discord bot answering questions about the Alibaba article series of investorinsights.asia, with citations; offline by default" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/seriesbot /usr/local/bin/seriesbot
# The data directory: the index and the fetched pages are kept here, on a
# volume, so that a restart serves them without embedding again; shards
# given one volume serve one index. A corpus of one's own is mounted
# elsewhere (--corpus /corpus/corpus.yaml).
COPY --from=build --chown=nonroot:nonroot /out/data /data
VOLUME ["/data"]
ENV SERIESBOT_DATA_DIR=/data
# The operating endpoints listen on every interface inside the container;
# publish the port only where the metrics should be seen.
ENV SERIESBOT_HTTP_ADDR=:8080
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/seriesbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/seriesbot"]
CMD ["serve"]
