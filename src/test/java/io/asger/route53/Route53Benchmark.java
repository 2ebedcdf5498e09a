package io.asger.route53;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.peers.Moto;
import io.asger.peers.Route53Front;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * How long N terminations take against Route 53's rate limit, with and without batching. Not a test: it prints.
 * Route 53 is moto behind a Route53Front that answers Throttling above 5 requests/s. The zone holds the N
 * instances' A and TXT records (asger's). First all N removals are handed to the batcher at once (as after a large
 * scale-in, if every event were in flight together), then the same N terminate events go through SQS and the whole
 * application, then (for comparison) through the batcher one event per call.
 *
 * <p>Arguments: [N (1000)] [N without batching (same)]. Run with scripts/bench-route53.sh.
 */
public final class Route53Benchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int unbatchedN = args.length > 1 ? Integer.parseInt(args[1]) : n;
        Moto moto = Moto.shared();
        System.out.printf("route53 benchmark: %d terminations, Route 53 limited to 5 requests/s (Throttling above)%n", n);
        run(moto, "with batching", n, true);
        runThroughSqs(moto, n, "2");
        runThroughSqs(moto, n, "10");
        if (unbatchedN > 0) {
            run(moto, "without batching", unbatchedN, false);
        }
        moto.stop();
        System.exit(0);
    }

    private static void run(Moto moto, String label, int n, boolean batching) throws Exception {
        moto.reset();
        try (MotoAws aws = new MotoAws(moto); Route53Front front = new Route53Front(moto.endpointUri(), 5)) {
            String zoneId = aws.createZone();
            seed(aws.route53, zoneId, n);
            try (Route53Client client = Route53Client.builder().endpointOverride(front.endpoint()).region(Region.AWS_GLOBAL)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build();
                 ZoneChangeBatcher batcher = new ZoneChangeBatcher(client)) {
                batcher.setZoneId(zoneId);
                if (!batching) {
                    batcher.setBatchWindowMs(0);
                    batcher.setMaxBatchEvents(1);
                }
                long start = System.nanoTime();
                List<CompletableFuture<RecordOutcome>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    results.add(batcher.remove(id(i), name(i)));
                }
                int deleted = 0;
                for (CompletableFuture<RecordOutcome> r : results) {
                    if (r.get(30, TimeUnit.MINUTES).getKind() == RecordOutcome.Kind.DELETED) {
                        deleted++;
                    }
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                int left = aws.records(zoneId).size();
                System.out.printf("  %-17s %5d terminations in %6.1f s: %d deleted, %d records left, %d Route 53 requests"
                                + " (%d ChangeResourceRecordSets, %d batches), %d answered Throttling%n",
                        label, n, took.toMillis() / 1000.0, deleted, left, batcher.getRequests(), front.changeBatches(),
                        batcher.getBatches(), front.throttled());
            }
        }
    }

    /**
     * The whole application: N terminate events in the SQS queue, the intake and task routes, route53 with its
     * defaults. How many events share a batch depends on how many the SQS consumers have in flight at once.
     */
    private static void runThroughSqs(Moto moto, int n, String concurrency) throws Exception {
        moto.reset();
        try (MotoAws aws = new MotoAws(moto); Route53Front front = new Route53Front(moto.endpointUri(), 5)) {
            String zoneId = aws.createZone();
            seed(aws.route53, zoneId, n);
            MotoAws.pointSdkAtMoto(moto);
            System.setProperty("aws.endpointUrlRoute53", front.endpoint().toString());
            try (AsgerTestApp app = AsgerTestApp.start(Map.of(
                    "asger.tasks", "route53",
                    "asger.concurrency", concurrency,
                    "asger.route53.zone-id", zoneId,
                    "asger.route53.record-name", "web-{instanceId}.asg.example.com"))) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i += 10) {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int j = i; j < Math.min(n, i + 10); j++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id("m" + j)
                                .messageBody(TestEvents.snsTerminate(id(j), "web")).build());
                    }
                    app.sqs().sendMessageBatch(b -> b.queueUrl(app.queueUrl().toString()).entries(entries));
                }
                app.awaitDrained(Duration.ofMinutes(30));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                ZoneChangeBatcher batcher = app.context().getRegistry()
                        .lookupByNameAndType("route53Batcher", ZoneChangeBatcher.class);
                System.out.printf("  %-17s %5d terminations in %6.1f s: %d records left, %d dead-lettered, %d Route 53"
                                + " requests (%d ChangeResourceRecordSets, %d batches, %.1f events per batch),"
                                + " %d answered Throttling%n",
                        "via SQS, conc. " + concurrency, n, took.toMillis() / 1000.0, aws.records(zoneId).size(),
                        app.depth(app.dlqUrl()), batcher.getRequests(), front.changeBatches(), batcher.getBatches(),
                        (double) n / Math.max(1, batcher.getBatches()), front.throttled());
            }
        }
    }

    /** The records asger would have written for N instances, put straight into moto. */
    private static void seed(Route53Client route53, String zoneId, int n) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            changes.add(upsert(name(i), RRType.A, "10.1." + (i / 250) + "." + (i % 250 + 1)));
            changes.add(upsert(name(i), RRType.TXT, OwnershipRecord.valueFor(id(i))));
            if (changes.size() >= 500 || i == n - 1) {
                List<Change> batch = List.copyOf(changes);
                route53.changeResourceRecordSets(b -> b.hostedZoneId(zoneId).changeBatch(c -> c.changes(batch)));
                changes.clear();
            }
        }
    }

    private static Change upsert(String name, RRType type, String value) {
        return Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(ResourceRecordSet.builder().name(name)
                .type(type).ttl(60L).resourceRecords(ResourceRecord.builder().value(value).build()).build()).build();
    }

    private static String id(int i) {
        return String.format("i-%017x", 0x5ca1e000L + i);
    }

    private static String name(int i) {
        return "web-" + id(i) + "." + MotoAws.ZONE_NAME; // as the template web-{instanceId}.asg.example.com names it
    }

    private Route53Benchmark() {
    }
}
