package io.asger.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.asger.AsgerTestApp;
import io.asger.cli.ReconcileCommand;
import io.asger.peers.FakeConsul;
import io.asger.peers.Goiardi;
import io.asger.peers.Moto;
import io.asger.route53.MotoAws;
import io.asger.route53.OwnershipRecord;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * The reconcile sweep end to end: `asger reconcile` (run in this JVM, as the jar runs it) against goiardi, moto (EC2,
 * STS, Route 53), the Consul fake and ElasticMQ. One world, built before each test, holds a ghost of every kind
 * and every kind of thing that must be left alone.
 */
class ReconcileIT {

    static final String OTHER_ACCOUNT = "210987654321";
    static final String OWN_ACCOUNT = "123456789012";
    /** Ids EC2 never had. */
    static final String NEVER_OLD = "i-0dead00000000000a";
    static final String NEVER_YOUNG = "i-0dead00000000000b";
    static final String NEVER_OTHER_REGION = "i-0dead00000000000c";
    static final String NEVER_OTHER_ACCOUNT = "i-0dead00000000000d";
    static final String NEVER_UNKNOWN_ACCOUNT = "i-0dead00000000000e";
    static final String NEVER_RECORD = "i-0dead00000000000f";
    static final String NEVER_CONSUL = "i-0dead000000000010";

    private static Goiardi chef;
    private final Moto moto = Moto.shared();
    private MotoAws aws;
    private FakeConsul consul;
    private String zoneId;
    private Instance live;
    private Instance terminated;

    @BeforeAll
    static void startChef() {
        chef = Goiardi.start();
    }

    @AfterAll
    static void stopChef() {
        if (chef != null) {
            chef.close();
        }
    }

    @BeforeEach
    void world() throws Exception {
        moto.reset();
        MotoAws.pointSdkAtMoto(moto);
        System.setProperty("aws.endpointUrlSts", moto.endpoint());
        aws = new MotoAws(moto);
        zoneId = aws.createZone();
        List<Instance> web = aws.createGroup("web", 2, null);
        live = web.get(0);
        terminated = web.get(1);
        aws.terminate(terminated.instanceId());
        assertThat(aws.state(terminated.instanceId())).isEqualTo("terminated");

        double now = Instant.now().getEpochSecond();
        double twoHoursAgo = now - 7200;
        chef.createNode("live", ec2(live.instanceId(), "us-east-1a", OWN_ACCOUNT, now), List.of());
        chef.createNode("terminated", ec2(terminated.instanceId(), "us-east-1b", OWN_ACCOUNT, twoHoursAgo), List.of());
        chef.createNode("never-old", ec2(NEVER_OLD, "us-east-1a", OWN_ACCOUNT, twoHoursAgo), List.of());
        chef.createNode("never-young", ec2(NEVER_YOUNG, "us-east-1a", OWN_ACCOUNT, now), List.of());
        chef.createNode("other-region", ec2(NEVER_OTHER_REGION, "eu-west-1a", OWN_ACCOUNT, twoHoursAgo), List.of());
        chef.createNode("other-account", ec2(NEVER_OTHER_ACCOUNT, "us-east-1a", OTHER_ACCOUNT, twoHoursAgo), List.of());
        chef.createNode("unknown-account", ec2(NEVER_UNKNOWN_ACCOUNT, "us-east-1a", null, twoHoursAgo), List.of());
        chef.createNode("laptop", Map.of("ohai_time", now), List.of());
        chef.createNode("malformed", ec2("i-../x", "us-east-1a", OWN_ACCOUNT, twoHoursAgo), List.of());

        // Named by asger.route53.record-name ({instanceId}.asg.example.com): the down chain finds them by name.
        aws.putRecord(zoneId, name(live.instanceId()), RRType.A, live.privateIpAddress());
        aws.putRecord(zoneId, name(live.instanceId()), RRType.TXT, OwnershipRecord.valueFor(live.instanceId(), "us-east-1"));
        // Written before records named their region.
        aws.putRecord(zoneId, name(NEVER_RECORD), RRType.A, "10.0.9.9");
        aws.putRecord(zoneId, name(NEVER_RECORD), RRType.TXT, OwnershipRecord.valueFor(NEVER_RECORD));
        aws.putRecord(zoneId, name(NEVER_OTHER_REGION), RRType.A, "10.0.9.8");
        aws.putRecord(zoneId, name(NEVER_OTHER_REGION), RRType.TXT, OwnershipRecord.valueFor(NEVER_OTHER_REGION, "eu-west-1"));
        aws.putRecord(zoneId, "hand-made.asg.example.com.", RRType.TXT, "\"v=spf1 -all\"");

        consul = FakeConsul.start();
        consul.registerNode("dc1", "web-live", "10.0.0.1", Map.of("instance-id", live.instanceId()));
        consul.registerNode("dc1", "web-gone", "10.0.0.2", Map.of("instance-id", NEVER_CONSUL));
        consul.registerNode("dc1", "db-1", "10.0.0.3", Map.of());
    }

    @AfterEach
    void close() {
        aws.close();
        consul.close();
        for (String node : List.of("live", "terminated", "never-old", "never-young", "other-region", "other-account",
                "unknown-account", "laptop", "malformed")) {
            chef.deleteNodeIfExists(node);
        }
    }

    private static String name(String instanceId) {
        return instanceId + ".asg.example.com.";
    }

    private static Map<String, Object> ec2(String instanceId, String zone, String account, double ohaiTime) {
        Map<String, Object> ec2 = new HashMap<>();
        ec2.put("instance_id", instanceId);
        ec2.put("placement_availability_zone", zone);
        if (account != null) {
            ec2.put("account_id", account);
        }
        return Map.of("ec2", ec2, "ohai_time", ohaiTime);
    }

    private Map<String, String> settings(URI queue, URI dlq) {
        Map<String, String> p = new HashMap<>();
        p.put("asger.queue-url", queue.toString());
        p.put("asger.dlq-url", dlq.toString());
        p.put("asger.tasks", "chef,route53,consul");
        p.put("asger.poll-wait-seconds", "1");
        p.put("asger.retry.delay-ms", "50");
        p.put("asger.retry.max-delay-ms", "200");
        p.put("asger.chef.url", chef.url());
        p.put("asger.chef.client-name", Goiardi.ADMIN);
        p.put("asger.chef.key-file", chef.adminKey().toString());
        p.put("asger.chef.delete-client", "false");
        // One page: goiardi's order differs from one search to the next, so its pages overlap (ChefInventoryTest
        // covers paging with Chef Server's answers).
        p.put("asger.route53.zone-id", zoneId);
        p.put("asger.route53.record-name", "{instanceId}.asg.example.com");
        p.put("asger.consul.url", consul.url());
        p.put("asger.reconcile.recheck-seconds", "1");
        return p;
    }

    record Run(int code, String out) {
    }

    private Run reconcile(Map<String, String> settings, String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = ReconcileCommand.run(args, settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private void assertNothingChanged() {
        assertThat(List.of("live", "terminated", "never-old", "never-young", "other-region", "other-account",
                "unknown-account", "laptop", "malformed")).allMatch(chef::nodeExists);
        assertThat(aws.records(zoneId)).containsKeys(name(NEVER_RECORD) + " TXT", name(live.instanceId()) + " A",
                name(NEVER_OTHER_REGION) + " A", "hand-made.asg.example.com. TXT");
        assertThat(consul.nodeNames("dc1")).containsExactlyInAnyOrder("web-live", "web-gone", "db-1");
    }

    @Test
    void theSweepRemovesExactlyTheGhostsAndASecondSweepFindsNothing() throws Exception {
        URI queue = AsgerTestApp.createQueue("reconcile");
        URI dlq = AsgerTestApp.createQueue("reconcile-dlq");

        Run first = reconcile(settings(queue, dlq));

        assertThat(first.code()).as(first.out()).isZero();
        // Ghosts: terminated in EC2; never in EC2 and checked in long ago; a record and a Consul node EC2 does not know twice.
        assertThat(chef.nodeExists("terminated")).isFalse();
        assertThat(chef.nodeExists("never-old")).isFalse();
        assertThat(aws.records(zoneId)).doesNotContainKeys(name(NEVER_RECORD) + " A", name(NEVER_RECORD) + " TXT");
        assertThat(consul.nodeNames("dc1")).containsExactlyInAnyOrder("web-live", "db-1");
        // Everything else stays.
        assertThat(List.of("live", "never-young", "other-region", "other-account", "unknown-account", "laptop",
                "malformed")).allMatch(chef::nodeExists);
        assertThat(aws.records(zoneId)).containsKeys(name(live.instanceId()) + " A", name(live.instanceId()) + " TXT",
                name(NEVER_OTHER_REGION) + " A", name(NEVER_OTHER_REGION) + " TXT", "hand-made.asg.example.com. TXT");
        assertThat(first.out())
                .contains("chef: listed 9, live 1, ghosts 2, enqueued 2, skipped 6")
                .contains("route53: listed 3, live 1, ghosts 1, enqueued 1, skipped 1")
                .contains("consul: listed 2, live 1, ghosts 1, enqueued 1, skipped 0")
                .contains("skipped 1, " + GhostFinder.NO_EC2_DATA + ": laptop")
                .contains("skipped 1, " + GhostFinder.INVALID_ID + ": malformed")
                .contains("skipped 1, " + GhostFinder.OTHER_ACCOUNT + ": other-account")
                .contains("skipped 1, " + GhostFinder.UNKNOWN_ACCOUNT + ": unknown-account")
                .contains("skipped 1, " + GhostFinder.TOO_YOUNG + ": never-young")
                .contains("skipped 1, " + GhostFinder.OTHER_REGION + ": other-region")
                .contains("skipped 1, " + GhostFinder.OTHER_REGION + ": " + name(NEVER_OTHER_REGION))
                .contains("ghost events: 4 enqueued, 4 handled");

        Run second = reconcile(settings(queue, dlq));

        assertThat(second.code()).as(second.out()).isZero();
        assertThat(second.out()).contains("chef: listed 7, live 1, ghosts 0, enqueued 0")
                .contains("route53: listed 2, live 1, ghosts 0").contains("consul: listed 1, live 1, ghosts 0")
                .contains("nothing to wait for");
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        URI queue = AsgerTestApp.createQueue("reconcile");
        URI dlq = AsgerTestApp.createQueue("reconcile-dlq");

        Run run = reconcile(settings(queue, dlq), "--dry-run");

        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("reconcile plan: 4 ghost instance(s)")
                .contains("chef terminated " + terminated.instanceId())
                .contains("chef never-old " + NEVER_OLD)
                .contains("route53 " + name(NEVER_RECORD) + " " + NEVER_RECORD)
                .contains("consul web-gone " + NEVER_CONSUL)
                .contains("(dry run)");
        assertNothingChanged();
        assertThat(depth(queue)).isZero();
    }

    @Test
    void tooManyGhostsStopTheSweepWithExit2AndNothingEnqueued() throws Exception {
        URI queue = AsgerTestApp.createQueue("reconcile");
        URI dlq = AsgerTestApp.createQueue("reconcile-dlq");

        Run run = reconcile(settings(queue, dlq), "--max-deletions", "3");

        assertThat(run.code()).as(run.out()).isEqualTo(ReconcileCommand.GUARD_STOPPED);
        assertThat(run.out()).contains("4 ghost instance ids, more than asger.reconcile.max-deletions (3)");
        assertNothingChanged();
        assertThat(depth(queue)).isZero();
    }

    @Test
    void theDaemonsTimerSweepOnlyEnqueuesAndItsConsumersHandleTheGhosts() throws Exception {
        Map<String, String> settings = settings(URI.create("http://unused"), URI.create("http://unused-dlq"));
        settings.remove("asger.queue-url");
        settings.remove("asger.dlq-url");
        settings.put("asger.reconcile.interval-minutes", "60");
        // The timer as configured waits an hour; here it fires once, soon.
        try (AsgerTestApp app = AsgerTestApp.start(settings, List.of(), List.of(), context -> {
            try {
                AdviceWith.adviceWith(context, "reconcile-on-timer",
                        a -> a.replaceFromWith("timer:reconcile-now?repeatCount=1&delay=500"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })) {
            org.awaitility.Awaitility.await("ghosts handled").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !chef.nodeExists("never-old") && !chef.nodeExists("terminated")
                            && !consul.hasNode("web-gone"));
            app.awaitDrained(Duration.ofSeconds(30));
            assertThat(aws.records(zoneId)).doesNotContainKey(name(NEVER_RECORD) + " TXT");
            assertThat(app.logText()).contains("reconcile: enqueued DOWN for ghost " + NEVER_OLD)
                    .contains("format=reconcile");
            assertThat(app.dlq()).isEmpty();
        }
        assertThat(chef.nodeExists("live")).isTrue();
    }

    private static int depth(URI queue) {
        try (var sqs = io.asger.aws.AwsClients.localSqs(AsgerTestApp.sqsEndpoint())) {
            var a = sqs.getQueueAttributes(r -> r.queueUrl(queue.toString()).attributeNamesWithStrings("All")).attributes();
            return Integer.parseInt(a.get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(a.get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
    }
}
