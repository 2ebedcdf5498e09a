package io.asger.route53;

import java.time.Duration;

import io.asger.aws.AwsClients;
import io.asger.aws.Lazy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.asger.errors.PermanentFailure;
import io.asger.reconcile.InventoryItem;
import io.asger.errors.TransientFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;

/**
 * Gathers the record changes of events that arrive close together for one hosted zone into one
 * ChangeResourceRecordSets call: Route 53 allows 5 requests per second per account, so one call per event cannot keep
 * up with a scale-in of hundreds of instances.
 *
 * <p>Each event gets a future that completes when its own change is done. A batch waits
 * {@code asger.route53.batch-window-ms} after its first event, reads the zone once (the names it touches, or all of
 * it), then sends one change batch of up to 1,000 records. Route 53 applies a batch all or nothing: when it rejects
 * one (InvalidChangeBatch), the batch is split in halves and each half sent again, so one bad change fails only its
 * own event and never marks the others done. Two events for the same name never share a batch.
 */
public final class ZoneChangeBatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZoneChangeBatcher.class);

    /** Route 53's limits per ChangeResourceRecordSets request. */
    static final int MAX_RECORDS = 1000;
    static final int MAX_VALUE_CHARS = 32000;

    private final Lazy<Route53Client> ownClient;
    private String roleArn;
    private String externalId;
    private software.amazon.awssdk.services.sts.StsClient roleSts;
    private software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider roleCredentials;
    private Route53Client route53;
    private String zoneId;
    private long ttl = 60;
    private long windowMs = 200;
    private int maxEvents = Integer.MAX_VALUE;
    private boolean dryRun;
    private double requestsPerSecond = 5;
    private int maxAttempts = 8;
    private long retryDelayMs = 200;
    private long retryMaxDelayMs = 5000;

    private final LinkedBlockingDeque<Pending> pending = new LinkedBlockingDeque<>();
    private final AtomicLong foreignRecordsLeft = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private volatile Route53Calls calls;
    private volatile ZoneRecords.Zone zone;
    private Thread worker;
    private ExecutorService completions;
    private volatile boolean closed;

    private record Pending(RecordChange change, CompletableFuture<RecordOutcome> result, long enqueuedNanos) {
    }

    /** With a Route 53 client built when the first event arrives. */
    public ZoneChangeBatcher() {
        this.ownClient = new Lazy<>(this::ownRoute53);
    }

    public ZoneChangeBatcher(Route53Client route53) {
        this.ownClient = null;
        this.route53 = route53;
    }

    /** Writes the instance's A record and its ownership TXT record. */
    public CompletableFuture<RecordOutcome> upsert(String name, String address, String instanceId) {
        return upsert(name, address, instanceId, null);
    }

    /** @param region named in the ownership record, so that the reconcile sweep looks for the instance there */
    public CompletableFuture<RecordOutcome> upsert(String name, String address, String instanceId, String region) {
        if (name == null || address == null || address.isEmpty()) {
            // A pending instance may not have its public address yet: worth retrying.
            return CompletableFuture.failedFuture(new TransientFailure("instance " + instanceId
                    + " has no " + (name == null ? "address for its record name" : "address for " + name) + " yet"));
        }
        return submit(RecordChange.upsert(name, address, instanceId, region, ttl));
    }

    /**
     * Deletes the instance's records: at {@code name} if it is given, and wherever the ownership record names the
     * instance when it is not (the whole zone is read then).
     */
    public CompletableFuture<RecordOutcome> remove(String instanceId, String name) {
        return submit(RecordChange.remove(instanceId, name));
    }

    private CompletableFuture<RecordOutcome> submit(RecordChange change) {
        if (closed) {
            return CompletableFuture.failedFuture(new TransientFailure("route53 batcher is stopped"));
        }
        try {
            start();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<RecordOutcome> result = new CompletableFuture<>();
        pending.add(new Pending(change, result, System.nanoTime()));
        return result;
    }

    /**
     * The records asger owns in the zone, for the reconcile sweep: one item per ownership TXT record (name, instance,
     * and the region where the record names one). Reads the whole zone, paced like every other Route 53 call.
     */
    public List<InventoryItem> inventory() {
        start();
        ZoneRecords records = ZoneRecords.readAll(route53, calls, zone());
        List<InventoryItem> items = new ArrayList<>();
        records.owned().forEach((name, value) -> items.add(new InventoryItem("route53", name,
                OwnershipRecord.ownerOf(value).orElseThrow(), OwnershipRecord.regionOf(value).orElse(null), null,
                false, null)));
        return items;
    }

    public synchronized void start() {
        if (worker != null || closed) {
            return;
        }
        if (zoneId == null || zoneId.isBlank()) {
            throw new PermanentFailure("asger.route53.zone-id is not set: the route53 task needs the hosted zone's id");
        }
        if (route53 == null) {
            route53 = ownClient.get();
        }
        calls = new Route53Calls(requestsPerSecond, maxAttempts, Duration.ofMillis(retryDelayMs),
                Duration.ofMillis(retryMaxDelayMs));
        AtomicInteger n = new AtomicInteger();
        // Events continue their route on these threads, never on the batcher's own.
        completions = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "route53-done-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        worker = new Thread(this::run, "route53-batcher-" + zoneId);
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Pending> left = new ArrayList<>();
        pending.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new TransientFailure("route53 batcher stopped")));
        if (completions != null) {
            completions.shutdown();
        }
        if (ownClient != null) {
            ownClient.close();
        }
        if (roleCredentials != null) {
            roleCredentials.close();
            roleSts.close();
        }
    }

    private void run() {
        while (!closed) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = pending.take();
                long wait = TimeUnit.MILLISECONDS.toNanos(windowMs) - (System.nanoTime() - first.enqueuedNanos());
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                batch.add(first);
                int estimate = first.change().estimatedWeight();
                Pending next;
                while (estimate < MAX_RECORDS && batch.size() < maxEvents && (next = pending.poll()) != null) {
                    batch.add(next);
                    estimate += next.change().estimatedWeight();
                }
                process(batch);
            } catch (InterruptedException e) {
                batch.forEach(p -> fail(p, new TransientFailure("route53 batcher stopped")));
                return;
            } catch (RuntimeException | Error e) {
                LOG.warn("route53: batch of {} events failed: {}", batch.size(), e.toString());
                batch.forEach(p -> fail(p, e));
            }
        }
    }

    private void process(List<Pending> batch) {
        ZoneRecords.Zone z = zone();
        List<Pending> ready = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean byOwner = false;
        for (Pending p : batch) {
            String name = p.change().name();
            if (name != null && !z.contains(name)) {
                fail(p, new InvalidRecordName("record name " + name + " is not in hosted zone " + z.id() + " ("
                        + z.name() + ")"));
                continue;
            }
            ready.add(p);
            if (name != null) {
                names.add(name);
            }
            byOwner |= p.change().needsOwnerIndex();
        }
        if (ready.isEmpty()) {
            return;
        }
        ZoneRecords records = ZoneRecords.read(route53, calls, z, names, byOwner);
        if (records.isWholeZone()) {
            zone = new ZoneRecords.Zone(z.id(), z.name(), records.recordSetCount());
        }

        List<Pending> planned = new ArrayList<>();
        List<Pending> deferred = new ArrayList<>();
        Set<String> touched = new HashSet<>();
        int recordCount = 0;
        int chars = 0;
        for (Pending p : ready) {
            RecordChange change = p.change();
            change.plan(records);
            boolean collides = change.touched().stream().anyMatch(touched::contains);
            boolean full = recordCount + change.weight() > MAX_RECORDS || chars + change.valueChars() > MAX_VALUE_CHARS;
            if (collides || (full && !planned.isEmpty())) {
                // Route 53 rejects two changes to one name in a batch; the zone will be read again for it.
                deferred.add(p);
                continue;
            }
            touched.addAll(change.touched());
            recordCount += change.weight();
            chars += change.valueChars();
            planned.add(p);
        }
        for (int i = deferred.size() - 1; i >= 0; i--) {
            pending.addFirst(deferred.get(i));
        }
        batches.incrementAndGet();
        send(z, planned);
    }

    /** Sends the planned changes; on a rejected batch, sends each half again. */
    private void send(ZoneRecords.Zone z, List<Pending> planned) {
        List<Change> changes = new ArrayList<>();
        planned.forEach(p -> changes.addAll(p.change().changes()));
        if (changes.isEmpty()) {
            planned.forEach(p -> done(p, p.change().outcome()));
            return;
        }
        if (dryRun) {
            LOG.info("dry-run: would send ChangeResourceRecordSets to hosted zone {} with {} changes: {}", z.id(),
                    changes.size(), RecordChange.describe(changes));
            planned.forEach(p -> done(p, p.change().outcome().asDryRun()));
            return;
        }
        try {
            calls.call("ChangeResourceRecordSets " + z.id(), () -> route53.changeResourceRecordSets(r -> r
                    .hostedZoneId(z.id())
                    .changeBatch(b -> b.comment("asger: " + planned.size() + " instance events").changes(changes))));
            LOG.info("route53: hosted zone {}: {} changes for {} events", z.id(), changes.size(), planned.size());
            planned.forEach(p -> done(p, p.change().outcome()));
        } catch (AwsServiceException e) {
            if (planned.size() > 1 && e.statusCode() == 400 && !Route53Calls.isRetryable(e)) {
                LOG.info("route53: hosted zone {} rejected a batch of {} events ({}); sending it in halves", z.id(),
                        planned.size(), Route53Calls.errorCode(e));
                int half = planned.size() / 2;
                send(z, new ArrayList<>(planned.subList(0, half)));
                send(z, new ArrayList<>(planned.subList(half, planned.size())));
            } else {
                planned.forEach(p -> fail(p, e));
            }
        }
    }

    private synchronized ZoneRecords.Zone zone() {
        if (zone == null) {
            zone = ZoneRecords.describe(route53, calls, zoneId);
        }
        return zone;
    }

    private void done(Pending p, RecordOutcome outcome) {
        if (outcome.isForeign()) {
            foreignRecordsLeft.incrementAndGet();
        }
        completions.execute(() -> p.result().complete(outcome));
    }

    private void fail(Pending p, Throwable e) {
        completions.execute(() -> p.result().completeExceptionally(e));
    }

    /** Events that found a record asger does not own at their name, and left it alone. */
    public long getForeignRecordsLeft() {
        return foreignRecordsLeft.get();
    }

    /** Route 53 requests sent so far, retries included. */
    public long getRequests() {
        return calls == null ? 0 : calls.requests();
    }

    public long getBatches() {
        return batches.get();
    }

    /**
     * asger.route53.role-arn: the zone's account, when it is not the one asger's default credentials belong to. Route 53
     * is global: one role, whichever account or region an instance is in.
     */
    public void setRoleArn(String roleArn) {
        this.roleArn = roleArn == null || roleArn.isBlank() ? null : roleArn.trim();
    }

    /** asger.aws.external-id, sent with the AssumeRole of {@link #setRoleArn}. */
    public void setExternalId(String externalId) {
        this.externalId = externalId == null || externalId.isBlank() ? null : externalId.trim();
    }

    private Route53Client ownRoute53() {
        if (roleArn == null) {
            return AwsClients.route53();
        }
        roleSts = AwsClients.sts(null);
        roleCredentials = AwsClients.assumeRole(roleSts, roleArn, externalId);
        return AwsClients.route53(roleCredentials);
    }

    public void setZoneId(String zoneId) {
        // Route 53 answers ids as /hostedzone/Z...; either form is accepted.
        this.zoneId = zoneId == null ? null : zoneId.replaceFirst("^/?hostedzone/", "");
    }

    public void setTtl(long ttl) {
        this.ttl = ttl;
    }

    public void setBatchWindowMs(long windowMs) {
        this.windowMs = Math.max(0, windowMs);
    }

    /** At most this many events per batch; 1 turns batching off (for comparison). */
    public void setMaxBatchEvents(int maxEvents) {
        this.maxEvents = Math.max(1, maxEvents);
    }

    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public void setRequestsPerSecond(double requestsPerSecond) {
        this.requestsPerSecond = requestsPerSecond;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public void setRetryDelayMs(long retryDelayMs) {
        this.retryDelayMs = retryDelayMs;
    }

    public void setRetryMaxDelayMs(long retryMaxDelayMs) {
        this.retryMaxDelayMs = retryMaxDelayMs;
    }
}
