package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asger.aws.AwsClients;
import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.TcpProxy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Issue 14, section 5: hostile bodies through the running app (SNS signatures checked: section 1) (target/asger.jar with the chef, route53 and consul
 * tasks on). Each gets its documented outcome (dead-lettered at once, permanent, with a reason naming the message;
 * or acknowledged as ignored), asger keeps running, no task runs for any of them, and nobody connects to the Chef,
 * Route 53, Consul, EC2 or Auto Scaling endpoints (each a recording socket that counts connections).
 */
class HostileInputIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OK_ID = "i-0123456789abcdef0";

    enum Outcome { DEAD_LETTER, IGNORED }

    record Case(String name, String body, Outcome outcome) {
    }

    @Test
    void hostileBodiesGetTheirDocumentedOutcomeAndReachNoPeer() throws Exception {
        List<Case> cases = cases();
        Path work = Files.createDirectories(Path.of("target/prove-it/hostile"));
        Path log = work.resolve("asger.log");
        URI queue = bigQueue("hostile");
        URI dlq = bigQueue("hostile-dlq");
        try (TcpProxy chef = new TcpProxy(0); TcpProxy route53 = new TcpProxy(0); TcpProxy consul = new TcpProxy(0);
                TcpProxy ec2 = new TcpProxy(0); TcpProxy autoScaling = new TcpProxy(0);
                SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_ENDPOINT_URL_SQS", AsgerTestApp.sqsEndpoint().toString());
            env.put("AWS_ENDPOINT_URL_ROUTE_53", route53.url("http"));
            env.put("AWS_ENDPOINT_URL_EC2", ec2.url("http"));
            env.put("AWS_ENDPOINT_URL_AUTO_SCALING", autoScaling.url("http"));
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("ASGER_QUEUE_URL", queue.toString());
            env.put("ASGER_DLQ_URL", dlq.toString());
            env.put("ASGER_TASKS", "chef,route53,consul");
            env.put("ASGER_CHEF_URL", chef.url("http"));
            env.put("ASGER_CHEF_CLIENT_NAME", "asger");
            env.put("ASGER_CHEF_KEY_FILE", Path.of("src/test/resources/chef/test-client-pkcs1.pem").toAbsolutePath().toString());
            env.put("ASGER_ROUTE53_ZONE_ID", "Z0123456789ABCDEFGHIJ");
            env.put("ASGER_CONSUL_URL", consul.url("http"));
            env.put("ASGER_GROUPS", "web");
            env.put("ASGER_POLL_WAIT_SECONDS", "1");
            env.put("ASGER_CONCURRENCY", "3");
            ProcessBuilder pb = new ProcessBuilder(JarIT.JAVA, "-Dcamel.management.port=" + JarIT.freePort(), "-jar",
                    JarIT.JAR.toString()).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process asger = pb.start();
            try {
                Awaitility.await("asger started").atMost(Duration.ofSeconds(90))
                        .failFast("asger exited", () -> !asger.isAlive())
                        .until(() -> JarIT.read(log).contains("asger ready"));
                long start = System.nanoTime();
                Map<String, Case> byId = new HashMap<>();
                for (Case c : cases) {
                    byId.put(sqs.sendMessage(SendMessageRequest.builder().queueUrl(queue.toString())
                            .messageBody(c.body()).build()).messageId(), c);
                }
                Awaitility.await("every hostile body finished").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(250)).failFast("asger exited", () -> !asger.isAlive())
                        .until(() -> JarIT.read(log).split("Finished message ", -1).length - 1 >= cases.size());
                double seconds = (System.nanoTime() - start) / 1e9;
                // More than 1 MiB never reaches asger: the queue refuses it.
                boolean oversizedRefused;
                try {
                    sqs.sendMessage(b -> b.queueUrl(queue.toString()).messageBody("x".repeat(MAX_SQS_BODY + 1)));
                    oversizedRefused = false;
                } catch (software.amazon.awssdk.services.sqs.model.SqsException e) {
                    oversizedRefused = true;
                }

                String out = JarIT.read(log);
                List<Message> dead = peek(sqs, dlq);
                Map<String, Message> deadById = new HashMap<>();
                dead.forEach(m -> deadById.put(attr(m, DeadLetterAttributes.ORIGINAL_MESSAGE_ID), m));
                List<String> wrong = new ArrayList<>();
                byId.forEach((id, c) -> {
                    Message m = deadById.get(id);
                    if (c.outcome() == Outcome.DEAD_LETTER) {
                        if (m == null) {
                            wrong.add(c.name() + ": not dead-lettered");
                        } else if (!"permanent".equals(attr(m, DeadLetterAttributes.ERROR_KIND))
                                || !"none".equals(attr(m, DeadLetterAttributes.FAILED_TASK))
                                || !attr(m, DeadLetterAttributes.ERROR_MESSAGE).contains(id)
                                || !c.body().equals(m.body())) {
                            wrong.add(c.name() + ": dead letter " + m.messageAttributes());
                        }
                    } else if (m != null || !out.contains("Finished message " + id + ": ignored")) {
                        wrong.add(c.name() + ": not acknowledged as ignored");
                    }
                });
                long peerConnections = chef.connections() + route53.connections() + consul.connections()
                        + ec2.connections() + autoScaling.connections();
                long expectedDead = cases.stream().filter(c -> c.outcome() == Outcome.DEAD_LETTER).count();
                System.out.printf("[prove-it] hostile: bodies %d in %.1f s; dead letters %d (expected %d), ignored %d, "
                        + "wrong outcomes %d, tasks run %d, connections to Chef %d, Route 53 %d, Consul %d, EC2 %d, "
                        + "Auto Scaling %d, asger alive %s%n", cases.size(), seconds, dead.size(), expectedDead,
                        cases.size() - expectedDead, wrong.size(), count(out, ": handled in "), chef.connections(),
                        route53.connections(), consul.connections(), ec2.connections(), autoScaling.connections(),
                        asger.isAlive());
                assertThat(wrong).isEmpty();
                assertThat(oversizedRefused).as("SQS refuses a body over 1 MiB").isTrue();
                assertThat(dead).hasSize((int) expectedDead);
                assertThat(peerConnections).as("connections to Chef, Route 53, Consul, EC2, Auto Scaling").isZero();
                assertThat(out).doesNotContain(": handled in ").doesNotContain(" a.chef ").doesNotContain("Exception in thread");
                assertThat(asger.isAlive()).isTrue();
                assertThat(new AsgerTestAppDepth(sqs).depth(queue)).isZero();
            } finally {
                asger.destroy();
                assertThat(asger.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** A queue that takes messages of up to 1 MiB, SQS's maximum. */
    static URI bigQueue(String prefix) {
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
            return URI.create(sqs.createQueue(b -> b.queueName(prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8))
                    .attributes(Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
                            String.valueOf(MAX_SQS_BODY)))).queueUrl());
        }
    }

    static final int MAX_SQS_BODY = 1024 * 1024;

    /** At least 60 hostile bodies, each with the outcome the README documents for it. */
    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        String good = TestEvents.rawTerminate(OK_ID, "web");
        // Malformed and truncated JSON.
        // (An empty body, or a raw control character, never reaches asger: SQS refuses to take them.)
        c.add(dead("whitespace", "   \n\t "));
        c.add(dead("not json", "terminate i-0123456789abcdef0 please"));
        c.add(dead("truncated half", good.substring(0, good.length() / 2)));
        c.add(dead("truncated last brace", good.substring(0, good.length() - 1)));
        c.add(dead("trailing garbage", good + "}"));
        c.add(dead("two documents", good + good));
        c.add(dead("json array", "[" + good + "]"));
        c.add(dead("json string", "\"" + good.replace("\"", "\\\"") + "\""));
        c.add(dead("json number", "42"));
        c.add(dead("json null", "null"));
        c.add(dead("json true", "true"));
        c.add(dead("single quotes", good.replace('"', '\'')));
        c.add(dead("comments", "/* hi */" + good));
        c.add(dead("duplicate instance id key", good.replace("\"EC2InstanceId\":\"" + OK_ID + "\"",
                "\"EC2InstanceId\":\"i-00000001\",\"EC2InstanceId\":\"" + OK_ID + "\"")));
        c.add(dead("control character in group", field(good, "AutoScalingGroupName", "w\u0001eb")));
        c.add(dead("deeply nested", "[".repeat(5000) + "]".repeat(5000)));
        c.add(dead("empty object", "{}"));
        // Wrong types.
        c.add(dead("instance id number", field(good, "EC2InstanceId", 1234567890)));
        c.add(dead("instance id null", field(good, "EC2InstanceId", null)));
        c.add(dead("instance id array", good.replace("\"" + OK_ID + "\"", "[\"" + OK_ID + "\"]")));
        c.add(dead("instance id object", good.replace("\"" + OK_ID + "\"", "{\"id\":\"" + OK_ID + "\"}")));
        c.add(dead("event number", field(good, "Event", 7)));
        c.add(dead("group number", field(good, "AutoScalingGroupName", 1)));
        c.add(dead("account number", field(good, "AccountId", 123456789012L)));
        c.add(dead("missing instance id", without(good, "EC2InstanceId")));
        c.add(dead("missing event", without(good, "Event")));
        c.add(dead("missing group", without(good, "AutoScalingGroupName")));
        c.add(dead("bad account", field(good, "AccountId", "12345")));
        c.add(dead("bad time", field(good, "Time", "yesterday")));
        // Nested envelopes.
        c.add(dead("sns in sns", TestEvents.sns(TestEvents.sns(good))));
        c.add(dead("sns message not json", TestEvents.sns("terminate everything")));
        c.add(dead("sns message number", TestEvents.sns(good).replaceFirst("\"Message\":\"(?:[^\"\\\\]|\\\\.)*\"", "\"Message\":5")));
        c.add(dead("sns unknown type", TestEvents.sns(good).replace("\"Type\":\"Notification\"", "\"Type\":\"Deletion\"")));
        // Ids with path, query, Lucene and JSON injection.
        for (String id : List.of("i-../../x", "i-0123456789abcdef0/../../clients/admin", "i-0123456789abcdef0?q=*:*",
                "i-0123456789abcdef0#frag", "i-0123456789abcdef0%2F..", "*", "i-*", "i-0123456789abcdef0 OR *:*",
                "ec2_instance_id:*", "i-0123456789abcdef0) OR (name:*", "i-0123456789abcdef0\" , \"x\":\"",
                "i-0123456789abcdef0\\", "i-0123456789ABCDEF0", "i-0123456789abcdef", "i-0123456789abcdef01",
                " i-0123456789abcdef0", "i-0123456789abcdef0\n", "i-0123456789abcdef0\u0000", "")) {
            c.add(dead("id " + JSON.valueToTree(id), field(good, "EC2InstanceId", id)));
        }
        // Unicode look-alikes: Cyrillic i, fullwidth digits, a zero-width space.
        c.add(dead("cyrillic i", field(good, "EC2InstanceId", "\u0456-0123456789abcdef0")));
        c.add(dead("fullwidth digits", field(good, "EC2InstanceId", "i-\uFF10123456789abcdef0")));
        c.add(dead("zero width space", field(good, "EC2InstanceId", "i-0123456789\u200Babcdef0")));
        c.add(dead("unicode hyphen", field(good, "EC2InstanceId", "i\u20100123456789abcdef0")));
        // Bodies over 1 MiB.
        // Bodies as large as SQS takes (1 MiB; SQS itself refuses anything larger, see the test).
        String huge = field(good, "AutoScalingGroupName", "w".repeat(MAX_SQS_BODY - good.length() - 100));
        c.add(dead("1 MiB group name", huge));
        c.add(dead("1 MiB of multi-byte characters", field(good, "AutoScalingGroupName", "\u00e9".repeat((MAX_SQS_BODY - good.length()) / 2 - 100))));
        c.add(dead("1 MiB padding around a path id", field(good, "EC2InstanceId", "i-../../x").replace("\"Origin\"", "\"Padding\":\"" + "x".repeat(MAX_SQS_BODY - good.length() - 100) + "\",\"Origin\"")));
        // Unknown events, other sources, groups not asked for: ignored (acknowledged).
        c.add(ignored("unknown autoscaling event", field(good, "Event", "autoscaling:EC2_INSTANCE_REFRESH")));
        c.add(ignored("unknown event", field(good, "Event", "rm -rf /")));
        c.add(ignored("other group", TestEvents.rawTerminate(OK_ID, "batch")));
        c.add(ignored("look-alike group", TestEvents.rawTerminate(OK_ID, "w\u0435b")));
        c.add(ignored("other eventbridge source", TestEvents.eventBridgeTerminate(OK_ID, "web").replace("aws.autoscaling", "aws.ec2")));
        c.add(ignored("unknown eventbridge detail type", TestEvents.eventBridgeTerminate(OK_ID, "web")
                .replace("EC2 Instance Terminate Successful", "EC2 Instance Terminate Maybe")));
        // SNS envelopes not signed by SNS: a forged signature, and none at all, around a terminate of a real id.
        c.add(dead("forged signature", TestEvents.sns(good)));
        c.add(dead("unsigned envelope", without(TestEvents.sns(good), "Signature")));
        c.add(dead("certificate over http", TestEvents.sns(good).replace("https://sns.us-east-1.amazonaws.com/", "http://sns.us-east-1.amazonaws.com/")));
        // Unsigned, so refused like any envelope SNS did not sign (followed, a SubscribeURL would be an open door).
        c.add(dead("unsigned subscription confirmation", "{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"m\","
                + "\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:t\",\"Message\":\"You have chosen to subscribe\","
                + "\"SubscribeURL\":\"https://attacker.invalid/confirm\",\"Token\":\"t\"}"));
        // Every envelope here names its signing certificate on a look-alike of SNS's host, as a forger must: refused
        // by asger.sns.certificate-url-pattern before anything is fetched (so also where SNS's real host is out of reach).
        return c.stream().map(k -> new Case(k.name(), k.body().replace("https://sns.us-east-1.amazonaws.com/",
                "https://sns.us-east-1.amazonaws.com.attacker.invalid/"), k.outcome())).toList();
    }

    static Case dead(String name, String body) {
        return new Case(name, body, Outcome.DEAD_LETTER);
    }

    static Case ignored(String name, String body) {
        return new Case(name, body, Outcome.IGNORED);
    }

    static String field(String json, String name, Object value) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(json);
            n.set(name, JSON.valueToTree(value));
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String without(String json, String name) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(json);
            n.remove(name);
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String attr(Message m, String name) {
        var v = m.messageAttributes().get(name);
        return v == null ? "" : v.stringValue();
    }

    static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    static List<Message> peek(SqsClient sqs, URI queue) {
        return new AsgerTestAppDepth(sqs).peek(queue);
    }

    /** Queue depth and a non-destructive read, as AsgerTestApp does for its own queues. */
    record AsgerTestAppDepth(SqsClient sqs) {
        int depth(URI queue) {
            var a = sqs.getQueueAttributes(b -> b.queueUrl(queue.toString()).attributeNames(
                    software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributesAsStrings();
            return Integer.parseInt(a.get("ApproximateNumberOfMessages")) + Integer.parseInt(a.get("ApproximateNumberOfMessagesNotVisible"));
        }

        List<Message> peek(URI queue) {
            Map<String, Message> seen = new LinkedHashMap<>();
            List<String> handles = new ArrayList<>();
            while (true) {
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue.toString()).maxNumberOfMessages(10)
                        .visibilityTimeout(30).waitTimeSeconds(0).messageAttributeNames("All")).messages();
                if (batch.isEmpty()) {
                    break;
                }
                for (Message m : batch) {
                    handles.add(m.receiptHandle());
                    seen.putIfAbsent(m.messageId(), m);
                }
            }
            handles.forEach(h -> sqs.changeMessageVisibility(b -> b.queueUrl(queue.toString()).receiptHandle(h).visibilityTimeout(0)));
            return new ArrayList<>(seen.values());
        }
    }
}
