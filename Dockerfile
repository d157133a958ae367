# The image a Kubernetes Job (deploy/k8s/) runs: the s3storm binary and the shared libraries it
# links, nothing else.
#   docker build -t s3storm:dev .
#   docker run --rm --network host -v "$PWD/scenarios:/scenarios:ro" s3storm:dev validate /scenarios/minio.yaml

# --- build: the Debian -dev packages of scripts/setup.sh, minus test peers and test libraries ---
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libboost-dev libssl-dev libyaml-cpp-dev libcli11-dev libfmt-dev nlohmann-json3-dev libpugixml-dev \
      libsimdjson-dev libisal-dev librabbitmq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Tests and benchmarks need GoogleTest/Benchmark, which the image has no use for.
RUN cmake --preset release -DS3STORM_BUILD_TESTS=OFF -DS3STORM_BUILD_BENCH=OFF \
 && cmake --build build/release --target s3storm \
 && strip build/release/s3storm

# --- runtime: the libraries `ldd build/release/s3storm` lists (libstdc++ is in the base image) ---
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl3 libyaml-cpp0.7 libfmt9 libpugixml1v5 libsimdjson14 libisal2 librabbitmq4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/release/s3storm /usr/local/bin/s3storm
# Not root: a load generator needs no privileges, and the Job's volumes are writable by group 1000.
RUN useradd --uid 1000 --create-home s3storm
USER 1000:1000
WORKDIR /home/s3storm
ENTRYPOINT ["s3storm"]
CMD ["--help"]
