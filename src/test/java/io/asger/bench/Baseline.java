package io.asger.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asger.chef.ChefKeyLoader;
import io.asger.chef.ChefRequestSigner;
import io.asger.chef.ChefSearchQuery;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import io.asger.route53.OwnershipRecord;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The yardstick: the work asger's tasks do for terminate events, as a minimal hand-written loop with no Camel.
 * N threads, each: SQS long-poll receive of 10; for each message, Jackson parse of the SNS envelope and of the
 * notification inside (autoscaling notification, lifecycle hook message or EventBridge event); the tasks, in asger's
 * down order (consul, route53, chef), each for the messages of the receive in parallel on 10 × N worker threads (as
 * many messages in flight as asger holds at concurrency N); then one DeleteMessageBatch for the messages.
 * <ul>
 *   <li>consul: GET /v1/catalog/nodes?node-meta=instance-id:ID, PUT /v1/catalog/deregister for the node found</li>
 *   <li>route53: EC2 DescribeInstances of each instance (as asger's route53 task), then for the messages of the
 *   receive together: ListResourceRecordSets from each record's name (maxitems 20, as asger reads a name) and one
 *   ChangeResourceRecordSets deleting the A and TXT records whose TXT says they are the instance's; Route 53 calls
 *   spaced to the same requests per second as asger's (asger.route53.requests-per-second)</li>
 *   <li>chef: the partial search and the DELETEs of client and node, signed by asger's own
 *   io.asger.chef.ChefRequestSigner</li>
 * </ul>
 * HTTP calls over Apache HttpClient 5 (what camel-http uses), pooled as camel-http pools it, without its retries as
 * asger configures it; AWS clients built as asger builds them (AWS SDK with its Apache client). No retries, no dead
 * letters, no metrics, no logs per event: the physical limit of this work on this box.
 *
 * <p>Arguments: queue-url threads tasks (comma separated, down order). System properties: bench.chef.url,
 * bench.chef.client-name, bench.chef.key-file, bench.consul.url, bench.route53.zone-id,
 * bench.route53.requests-per-second. Prints "baseline ready" once its threads poll; runs until killed. AWS_REGION,
 * AWS_ENDPOINT_URL_* and credentials from the environment, as for asger.
 */
public final class Baseline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    private static final byte[] PARTIAL_SEARCH = "{\"name\":[\"name\"]}".getBytes(StandardCharsets.UTF_8);

    private final SqsClient sqs;
    private final String queueUrl;
    private final List<String> tasks;
    private final String chefUrl;
    private final ChefRequestSigner signer = new ChefRequestSigner();
    private final ChefSearchQuery query = new ChefSearchQuery();
    private final CloseableHttpClient http;
    private final String consulUrl;
    private final Ec2Client ec2;
    private final Route53Client route53;
    private final String zoneId;
    private final long nanosPerRoute53Call;
    private long nextRoute53Call;
    private final ExecutorService workers;

    Baseline(String queueUrl, List<String> tasks, int threads) {
        this.queueUrl = queueUrl;
        // As many workers as asger has at this concurrency: 10 per consumer.
        this.workers = Executors.newFixedThreadPool(10 * threads);
        this.tasks = tasks;
        this.sqs = SqsClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
        this.chefUrl = System.getProperty("bench.chef.url");
        if (tasks.contains("chef")) {
            signer.setClientName(System.getProperty("bench.chef.client-name"));
            signer.setKey(ChefKeyLoader.load(Path.of(System.getProperty("bench.chef.key-file"))));
        }
        this.consulUrl = System.getProperty("bench.consul.url");
        this.zoneId = System.getProperty("bench.route53.zone-id");
        this.nanosPerRoute53Call = (long) (1e9 / Double.parseDouble(System.getProperty("bench.route53.requests-per-second", "100")));
        if (tasks.contains("route53")) {
            ec2 = Ec2Client.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
            route53 = Route53Client.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
            route53Call();
            route53.getHostedZone(r -> r.id(zoneId));
        } else {
            ec2 = null;
            route53 = null;
        }
        // camel-http's defaults: 200 connections in all, 20 per route; asger turns the client's own retries off.
        http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(200).setMaxConnPerRoute(20).build())
                .disableAutomaticRetries()
                .build();
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[1]);
        Baseline baseline = new Baseline(args[0], List.of(args[2].split(",")), threads);
        List<Thread> pollers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(baseline::poll, "baseline-" + i);
            t.start();
            pollers.add(t);
        }
        System.out.println("baseline ready: " + threads + " thread(s) polling " + args[0]);
        System.out.flush();
        for (Thread t : pollers) {
            t.join();
        }
    }

    private void poll() {
        while (true) {
            try {
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(20).visibilityTimeout(60)).messages();
                List<DeleteMessageBatchRequestEntry> done = new ArrayList<>(messages.size());
                List<String> down = new ArrayList<>(messages.size());
                for (Message m : messages) {
                    String instanceId = terminated(m.body());
                    if (instanceId != null) {
                        down.add(instanceId);
                    }
                    done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                            .receiptHandle(m.receiptHandle()).build());
                }
                for (String task : tasks) {
                    switch (task) {
                        case "consul" -> inParallel(down, this::consulDown);
                        case "route53" -> route53Down(down);
                        case "chef" -> inParallel(down, this::chefDown);
                        default -> throw new IllegalArgumentException("unknown task " + task);
                    }
                }
                if (!done.isEmpty()) {
                    sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
                }
            } catch (Exception e) {
                System.err.println("baseline: " + e);
            }
        }
    }

    /** The instance a message says terminated; null when it is no terminate event. */
    static String terminated(String body) throws Exception {
        JsonNode root = JSON.readTree(body);
        JsonNode event = root.has("Message") ? JSON.readTree(root.get("Message").asText()) : root;
        String instanceId;
        boolean down;
        if (event.has("detail-type")) {
            instanceId = event.path("detail").path("EC2InstanceId").asText();
            String type = event.get("detail-type").asText();
            down = type.equals("EC2 Instance Terminate Successful") || type.equals("EC2 Instance-terminate Lifecycle Action");
        } else if (event.has("LifecycleTransition")) {
            instanceId = event.path("EC2InstanceId").asText();
            down = event.get("LifecycleTransition").asText().equals("autoscaling:EC2_INSTANCE_TERMINATING");
        } else {
            instanceId = event.path("EC2InstanceId").asText();
            down = event.path("Event").asText().equals("autoscaling:EC2_INSTANCE_TERMINATE");
        }
        return down && INSTANCE_ID.matcher(instanceId).matches() ? instanceId : null;
    }

    private void consulDown(String instanceId) throws Exception {
        String found = http.execute(new HttpUriRequestBase("GET", URI.create(consulUrl + "/v1/catalog/nodes?node-meta="
                + java.net.URLEncoder.encode("instance-id:" + instanceId, StandardCharsets.UTF_8))), response -> {
                    String text = EntityUtils.toString(response.getEntity());
                    if (response.getCode() != 200) {
                        throw new IllegalStateException("Consul node lookup answered " + response.getCode() + ": " + text);
                    }
                    return text;
                });
        for (JsonNode node : JSON.readTree(found)) {
            HttpUriRequestBase put = new HttpUriRequestBase("PUT", URI.create(consulUrl + "/v1/catalog/deregister"));
            put.setEntity(new ByteArrayEntity(JSON.writeValueAsBytes(Map.of("Node", node.get("Node").asText())),
                    ContentType.APPLICATION_JSON));
            http.execute(put, response -> {
                if (response.getCode() != 200) {
                    throw new IllegalStateException("Consul deregister answered " + response.getCode());
                }
                EntityUtils.consume(response.getEntity());
                return null;
            });
        }
    }

    /** Runs the step for every instance on the workers, and waits for all; the first failure fails the receive. */
    private void inParallel(List<String> instanceIds, Step step) throws Exception {
        List<Future<?>> running = new ArrayList<>(instanceIds.size());
        for (String id : instanceIds) {
            running.add(workers.submit(() -> {
                step.run(id);
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
    }

    interface Step {
        void run(String instanceId) throws Exception;
    }

    private void route53Down(List<String> instanceIds) throws Exception {
        if (instanceIds.isEmpty()) {
            return;
        }
        List<Change> deletes = java.util.Collections.synchronizedList(new ArrayList<>());
        inParallel(instanceIds, id -> {
            ec2.describeInstances(r -> r.instanceIds(id));
            String name = id + ".asg.internal.";
            route53Call();
            List<ResourceRecordSet> sets = route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordName(name)
                    .maxItems("20")).resourceRecordSets().stream().filter(set -> set.name().equals(name)).toList();
            boolean ours = sets.stream().anyMatch(set -> set.type() == RRType.TXT && set.resourceRecords().stream()
                    .anyMatch(v -> OwnershipRecord.ownerOf(v.value()).filter(id::equals).isPresent()));
            if (ours) {
                sets.forEach(set -> deletes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(set).build()));
            }
        });
        if (!deletes.isEmpty()) {
            route53Call();
            route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(deletes)));
        }
    }

    /** Spaces the Route 53 calls of all threads to the configured rate, as asger spaces its own. */
    private void route53Call() {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextRoute53Call);
            nextRoute53Call = slot + nanosPerRoute53Call;
            wait = slot - now;
        }
        if (wait > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void chefDown(String instanceId) throws Exception {
        JsonNode found = JSON.readTree(chef("POST", "/search/node", "?q=" + query.build(instanceId).getUrlEncoded(),
                PARTIAL_SEARCH));
        for (JsonNode row : found.path("rows")) {
            String node = row.path("data").path("name").asText();
            chef("DELETE", "/clients/" + node, "", null);
            chef("DELETE", "/nodes/" + node, "", null);
        }
    }

    private String chef(String method, String path, String query, byte[] body) throws Exception {
        String fullPath = URI.create(chefUrl).getRawPath() + path;
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(chefUrl + path + query));
        Map<String, String> headers = signer.signedHeaders(method, fullPath, body == null ? new byte[0] : body, Instant.now());
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        }
        return http.execute(request, response -> {
            int status = response.getCode();
            String text = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            if (status >= 300 && !(status == 404 && "DELETE".equals(method))) {
                throw new IllegalStateException("Chef " + method + " " + path + " answered " + status + ": " + text);
            }
            return text;
        });
    }
}
