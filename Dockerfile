# asger container image: a Maven build stage, then a Java 17 JRE runtime.
# Build:  docker build -t asger .            (without a Docker engine or registry: scripts/build-image.sh)
# Run:    docker run -e ASGER_QUEUE_URL=... -e ASGER_DLQ_URL=... -e AWS_REGION=... -p 9876:9876 asger
#
# Routes live at /opt/asger/routes (ASGER_ROUTES_DIR): mount your own directory there to change them without
# rebuilding. Settings come from the environment (ASGER_*, CAMEL_*), or from /opt/asger/application.properties if
# you mount one. Health: /observe/health/ready on port 9876 (the HEALTHCHECK below).

FROM maven:3-eclipse-temurin-17 AS build
# scripts/build-image.sh passes -o (its Maven repository is mounted); empty: download from Maven Central.
ARG MAVEN_ARGS=""
WORKDIR /src
COPY pom.xml .
COPY src/main src/main
COPY routes routes
RUN mvn -B -q $MAVEN_ARGS package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
# A numeric user, so that Kubernetes' runAsNonRoot can check it; written directly because slim bases may lack useradd.
RUN echo 'asger:x:10001:10001:asger:/opt/asger:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'asger:x:10001:' >> /etc/group \
 && mkdir -p /opt/asger \
 && chown 10001:10001 /opt/asger
WORKDIR /opt/asger
COPY --from=build /src/target/asger.jar /opt/asger/asger.jar
# Class-data sharing: one training start of the jar records the classes it loads into asger.jsa; every later start
# maps them instead of loading them again. Trained in queue-URL mode, how the image runs in production, against an
# endpoint that refuses connections (port 9): the classes of local mode (ElasticMQ, Pekko, Scala) stay out, which
# keeps the archive, and the memory it maps, small. The archive belongs to this JVM and this jar, both fixed here;
# the training uses the ENTRYPOINT's flags.
RUN ASGER_QUEUE_URL=http://127.0.0.1:9/000000000000/asger ASGER_DLQ_URL=http://127.0.0.1:9/000000000000/asger-dlq \
    AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=training AWS_SECRET_ACCESS_KEY=training \
    java -XX:ArchiveClassesAtExit=/opt/asger/asger.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xms8m \
      -Dcamel.main.jmx-enabled=false -Dcamel.main.duration-max-seconds=4 -jar /opt/asger/asger.jar \
      > /tmp/cds-training.log 2>&1 \
 || { cat /tmp/cds-training.log; exit 1; }; rm -f /tmp/cds-training.log
COPY routes /opt/asger/routes
ENV ASGER_ROUTES_DIR=/opt/asger/routes \
    CAMEL_MANAGEMENT_PORT=9876
USER 10001:10001
EXPOSE 9876
# bash's /dev/tcp: no curl or wget needed in the runtime image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${CAMEL_MANAGEMENT_PORT:-9876} && printf 'GET /observe/health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Exec form: java is PID 1 and receives SIGTERM itself. The JVM sizes its heap from the container's memory limit
# (MaxRAMPercentage), starting small (-Xms8m: an idle consumer needs little); C1 only and the serial collector start
# fastest and use the least memory for a queue consumer that idles most of the time. JMX is off: it serves only
# `camel ps` (camel-cli-connector), which cannot reach into a container, and registering the route MBeans costs
# about a second of start-up. Add flags with JAVA_TOOL_OPTIONS; override one of these with _JAVA_OPTIONS, which the JVM
# reads after its command line (-XX:TieredStopAtLevel=4: the C2 compiler, for long bursts of events; README).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", \
            "-XX:+UseSerialGC", "-Xss512k", "-Xms8m", "-XX:SharedArchiveFile=/opt/asger/asger.jsa", \
            "-Dcamel.main.jmx-enabled=false", "-jar", "/opt/asger/asger.jar"]
CMD ["run"]
