package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.asger.peers.Moto;
import io.asger.peers.Route53Front;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.RRType;

/** The batcher against moto, through a Route53Front that adds Route 53's rate limit and batch rejection. */
class ZoneChangeBatcherIT {

    private final Moto moto = Moto.shared();
    private MotoAws aws;
    private String zoneId;
    private Route53Front front;
    private Route53Client client;
    private ZoneChangeBatcher batcher;

    @BeforeEach
    void zone() {
        moto.reset();
        aws = new MotoAws(moto);
        zoneId = aws.createZone();
    }

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
        if (client != null) {
            client.close();
        }
        if (front != null) {
            front.close();
        }
        aws.close();
    }

    private ZoneChangeBatcher batcher(double frontLimit) throws Exception {
        front = new Route53Front(moto.endpointUri(), frontLimit);
        client = Route53Client.builder().endpointOverride(front.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        batcher = new ZoneChangeBatcher(client);
        batcher.setZoneId("/hostedzone/" + zoneId);
        batcher.setRequestsPerSecond(0);
        batcher.setRetryDelayMs(50);
        return batcher;
    }

    private static String ip(int i) {
        return "10.0.1." + (10 + i);
    }

    private static String id(int i) {
        return String.format("i-%017x", 0xabc000L + i);
    }

    private static String name(int i) {
        return "host-" + i + "." + MotoAws.ZONE_NAME;
    }

    private static RecordOutcome await(CompletableFuture<RecordOutcome> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    @Test
    void eventsThatArriveTogetherShareOneChangeBatch() throws Exception {
        batcher(0).setBatchWindowMs(300);
        List<CompletableFuture<RecordOutcome>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(batcher.upsert(name(i), ip(i), id(i)));
        }

        for (CompletableFuture<RecordOutcome> r : results) {
            assertThat(await(r).getKind()).isEqualTo(RecordOutcome.Kind.UPSERTED);
        }
        assertThat(front.changeBatches()).isEqualTo(1);
        assertThat(aws.record(zoneId, name(7), "A")).contains(ip(7));
        assertThat(aws.record(zoneId, name(7), "TXT")).contains(OwnershipRecord.valueFor(id(7)));
        assertThat(aws.records(zoneId)).hasSize(40);
    }

    @Test
    void aRejectedChangeFailsOnlyItsOwnEventAndTheOthersAreWritten() throws Exception {
        batcher(0).setBatchWindowMs(300);
        front.rejectChangesTo(name(5));
        List<CompletableFuture<RecordOutcome>> results = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            results.add(batcher.upsert(name(i), ip(i), id(i)));
        }

        for (int i = 0; i < 9; i++) {
            if (i == 5) {
                CompletableFuture<RecordOutcome> bad = results.get(i);
                assertThatThrownBy(() -> await(bad)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining(name(5));
            } else {
                assertThat(await(results.get(i)).getKind()).isEqualTo(RecordOutcome.Kind.UPSERTED);
                assertThat(aws.record(zoneId, name(i), "A")).contains(ip(i));
            }
        }
        assertThat(aws.record(zoneId, name(5), "A")).isEmpty();
    }

    @Test
    void throttlingIsRetriedUntilEveryChangeIsDone() throws Exception {
        batcher(5);
        batcher.setBatchWindowMs(0);
        batcher.setMaxBatchEvents(1); // one event per call: many calls, sent without pacing, to be throttled
        List<CompletableFuture<RecordOutcome>> results = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            results.add(batcher.upsert(name(i), ip(i), id(i)));
        }

        for (CompletableFuture<RecordOutcome> r : results) {
            assertThat(await(r).getKind()).isEqualTo(RecordOutcome.Kind.UPSERTED);
        }
        assertThat(front.throttled()).isPositive();
        assertThat(aws.records(zoneId)).hasSize(30);
    }

    @Test
    void removeDeletesExactlyWhatItOwnsAndLeavesForeignRecords() throws Exception {
        batcher(0);
        await(batcher.upsert(name(1), ip(1), id(1)));
        aws.putRecord(zoneId, name(2), RRType.A, "192.0.2.2");

        RecordOutcome mine = await(batcher.remove(id(1), name(1)));
        RecordOutcome foreign = await(batcher.remove(id(2), name(2)));
        RecordOutcome again = await(batcher.remove(id(1), name(1)));

        assertThat(mine.getKind()).isEqualTo(RecordOutcome.Kind.DELETED);
        assertThat(foreign.getKind()).isEqualTo(RecordOutcome.Kind.FOREIGN);
        assertThat(again.getKind()).isEqualTo(RecordOutcome.Kind.ABSENT);
        assertThat(batcher.getForeignRecordsLeft()).isEqualTo(1);
        assertThat(aws.records(zoneId)).containsOnlyKeys(name(2) + " A").containsEntry(name(2) + " A", "192.0.2.2");
    }

    @Test
    void removeWithoutANameFindsTheRecordsByTheirOwnershipRecord() throws Exception {
        batcher(0);
        await(batcher.upsert("old-template-name." + MotoAws.ZONE_NAME, ip(3), id(3)));
        await(batcher.upsert(name(4), ip(4), id(4)));

        RecordOutcome removed = await(batcher.remove(id(3), null));

        assertThat(removed.getKind()).isEqualTo(RecordOutcome.Kind.DELETED);
        assertThat(aws.records(zoneId)).containsOnlyKeys(name(4) + " A", name(4) + " TXT");
    }

    @Test
    void aNameOutsideTheZoneFailsThatEventOnly() throws Exception {
        batcher(0).setBatchWindowMs(200);
        CompletableFuture<RecordOutcome> outside = batcher.upsert("host.other.example.org.", ip(1), id(1));
        CompletableFuture<RecordOutcome> inside = batcher.upsert(name(2), ip(2), id(2));

        assertThatThrownBy(() -> await(outside)).cause().isInstanceOf(InvalidRecordName.class)
                .hasMessageContaining("not in hosted zone");
        assertThat(await(inside).getKind()).isEqualTo(RecordOutcome.Kind.UPSERTED);
    }

    @Test
    void dryRunOnlyReportsTheChange() throws Exception {
        batcher(0).setDryRun(true);

        RecordOutcome outcome = await(batcher.upsert(name(1), ip(1), id(1)));

        assertThat(outcome.getKind()).isEqualTo(RecordOutcome.Kind.DRY_RUN);
        assertThat(outcome.getSummary()).startsWith("dry-run: would UPSERT A " + name(1) + " 60 " + ip(1));
        assertThat(aws.records(zoneId)).isEmpty();
        assertThat(front.changeBatches()).isZero();
    }
}
