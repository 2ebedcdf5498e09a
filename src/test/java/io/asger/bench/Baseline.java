package io.asger.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The yardstick: the work asger's chef task does for a terminate event, as a minimal hand-written loop with no Camel.
 * N threads, each: SQS long-poll receive of 10; for each message, Jackson parse of the SNS envelope and of the
 * notification inside (autoscaling notification, lifecycle hook message or EventBridge event), the Chef partial
 * search and the DELETEs of client and node, signed by asger's own io.asger.chef.ChefRequestSigner, over Apache
 * HttpClient 5 (what camel-http uses) pooled as camel-http pools it, without its retries as asger configures it;
 * then one DeleteMessageBatch for the messages. The SQS client is built as asger builds it (AWS SDK with its Apache
 * client). No retries, no dead letters, no metrics, no logs per event: the physical limit of this work on this box.
 *
 * <p>Arguments: queue-url chef-url client-name key-file threads. Prints "baseline ready" once its threads poll;
 * runs until killed. AWS_REGION, AWS_ENDPOINT_URL_SQS and credentials from the environment, as for asger.
 */
public final class Baseline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INSTANCE_ID = Pattern.compile("i-(?:[0-9a-f]{8}|[0-9a-f]{17})");
    private static final byte[] PARTIAL_SEARCH = "{\"name\":[\"name\"]}".getBytes(StandardCharsets.UTF_8);

    private final SqsClient sqs;
    private final String queueUrl;
    private final String chefUrl;
    private final ChefRequestSigner signer = new ChefRequestSigner();
    private final ChefSearchQuery query = new ChefSearchQuery();
    private final CloseableHttpClient http;

    Baseline(String queueUrl, String chefUrl, String clientName, Path keyFile) {
        this.queueUrl = queueUrl;
        this.chefUrl = chefUrl;
        this.sqs = SqsClient.builder().httpClientBuilder(ApacheHttpClient.builder()).build();
        signer.setClientName(clientName);
        signer.setKey(ChefKeyLoader.load(keyFile));
        // camel-http's defaults: 200 connections in all, 20 per route; asger turns the client's own retries off.
        http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(200).setMaxConnPerRoute(20).build())
                .disableAutomaticRetries()
                .build();
    }

    public static void main(String[] args) throws Exception {
        Baseline baseline = new Baseline(args[0], args[1], args[2], Path.of(args[3]));
        int threads = Integer.parseInt(args[4]);
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
                for (Message m : messages) {
                    handle(m.body());
                    done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                            .receiptHandle(m.receiptHandle()).build());
                }
                if (!done.isEmpty()) {
                    sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
                }
            } catch (Exception e) {
                System.err.println("baseline: " + e);
            }
        }
    }

    /** One message: which instance terminated (or nothing to do), then the chef task's calls. */
    void handle(String body) throws Exception {
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
        if (!down || !INSTANCE_ID.matcher(instanceId).matches()) {
            return;
        }
        chefDown(instanceId);
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
