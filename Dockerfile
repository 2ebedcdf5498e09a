# asger container image: a Maven build stage, then a slim Java 17 runtime.
# Build:  buildah bud -t asger .     (or docker build -t asger .)
# Run:    podman run -e ASGER_QUEUE_URL=... -e ASGER_DLQ_URL=... -e AWS_REGION=... asger
#
# Routes live at /opt/asger/routes: mount your own directory there to change them without rebuilding.
# Settings come from the environment (ASGER_*), or from /opt/asger/application.properties if you mount one.

FROM maven:3.8-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY routes routes
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --home-dir /opt/asger --shell /usr/sbin/nologin asger
WORKDIR /opt/asger
COPY --from=build /src/target/asger.jar /opt/asger/asger.jar
COPY routes /opt/asger/routes
USER asger
# Containers get a memory limit: size the heap from it rather than from the host.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/asger/asger.jar"]
CMD ["run"]
