# Maestro container image.
#
#   docker build -t maestro .
#   docker run --rm -p 8080:8080 \
#     -e MAESTRO_DB_URL=postgresql://user:password@db-host:5432/maestro \
#     -e MAESTRO_JWT_SECRET=<HS256 secret of your Supabase-style access tokens> \
#     maestro
#
# The container expects:
#   MAESTRO_DB_URL      an external PostgreSQL. If it is empty, the embedded PostgreSQL starts in /app/data
#                       (mount a volume there to keep the data).
#   MAESTRO_JWT_SECRET  required. The image listens on 0.0.0.0 (MAESTRO_HTTP_HOST below), and Maestro only
#                       listens on a non-loopback address when JWT auth is on. Without the secret, startup
#                       stops with one line naming http.host (MAESTRO_HTTP_HOST).
# Every other setting is a MAESTRO_* variable (see the configuration table in README.md).

# ---- build stage -------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml mvnw ./
COPY .mvn .mvn
COPY src src
COPY conf conf
RUN chmod +x mvnw && ./mvnw -q -B -DskipTests package

# ---- runtime stage -----------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# no ffmpeg: reels are encoded in-process by FFmpeg's libraries, which come inside the jar (linux-x86_64)
RUN groupadd --system maestro \
 && useradd --system --gid maestro --home-dir /app --no-create-home --shell /usr/sbin/nologin maestro
WORKDIR /app
COPY --from=build /build/target/maestro.jar /app/maestro.jar
COPY --from=build /build/conf /app/conf
# db.embedded.dataDir defaults to "data", relative to the working directory: /app/data.
# storage.localDir defaults to data/media, inside the same volume.
RUN mkdir -p /app/data && chown -R maestro:maestro /app/data
USER maestro

# Listen on all interfaces inside the container. This is only valid together with MAESTRO_JWT_SECRET (see above).
ENV MAESTRO_HTTP_HOST=0.0.0.0
EXPOSE 8080
VOLUME ["/app/data"]

ENTRYPOINT ["java","-jar","/app/maestro.jar"]
