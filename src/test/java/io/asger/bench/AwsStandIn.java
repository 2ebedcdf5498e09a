package io.asger.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.asger.TestEvents;
import io.asger.route53.OwnershipRecord;

/**
 * A fast stand-in, on loopback, for the three AWS APIs the route53 task's down path calls, and STS, answered in their
 * own protocols as the AWS SDK expects them (moto is the real peer of the tests, but far too slow to be a yardstick).
 * Point {@code AWS_ENDPOINT_URL_ROUTE_53}, {@code AWS_ENDPOINT_URL_EC2}, {@code AWS_ENDPOINT_URL_AUTO_SCALING} and
 * {@code AWS_ENDPOINT_URL_STS} at {@link #endpoint()}.
 * <ul>
 *   <li>STS {@code GetCallerIdentity} (Query protocol): the credentials are of the test events' account
 *   ({@link TestEvents#ACCOUNT}).</li>
 *   <li>EC2 {@code DescribeInstances} (Query protocol): no reservation, as EC2 answers for a terminated instance it
 *   has forgotten. Auto Scaling {@code DescribeTags}: no tags (the group has no asger:record-name tag).</li>
 *   <li>Route 53 (REST XML), hosted zone {@link #ZONE_ID} named {@link #ZONE_NAME}: {@code GetHostedZone} (its record
 *   set count is the live one), {@code ListResourceRecordSets} from a name and type with {@code maxitems} and paging
 *   as Route 53 pages (names in order; A before TXT), {@code ChangeResourceRecordSets}: every DELETE must name a
 *   record set that exists (else 400 InvalidChangeBatch, and nothing changes, as Route 53 applies a batch whole);
 *   the deleted instances' arrivals are recorded. Every instance seeded with {@link #seed} has, at
 *   {@code <instance id>.asg.internal.}, an A record and asger's TXT ownership record.</li>
 * </ul>
 */
final class AwsStandIn implements AutoCloseable {

    static final String ZONE_ID = "ZBENCH0000000000000";
    static final String ZONE_NAME = "asg.internal.";
    private static final String R53 = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final Pattern CHANGE = Pattern.compile(
            "<Change>\\s*<Action>([A-Z]+)</Action>.*?<Name>([^<]+)</Name>\\s*<Type>([A-Z]+)</Type>", Pattern.DOTALL);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    /** Live record names (with the trailing dot) and the instance each belongs to. */
    private final NavigableMap<String, String> live = new ConcurrentSkipListMap<>();
    final Arrivals recordDeletes = new Arrivals();
    final AtomicLong route53Requests = new AtomicLong();
    final AtomicLong ec2Requests = new AtomicLong();
    final AtomicLong stsRequests = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    AwsStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static String recordName(String instanceId) {
        return instanceId + "." + ZONE_NAME;
    }

    static String address(String instanceId) {
        int n = Integer.parseUnsignedInt(instanceId.substring(instanceId.length() - 6), 16);
        return "10." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    void seed(Collection<String> instanceIds) {
        instanceIds.forEach(id -> live.put(recordName(id), id));
    }

    int liveRecordSets() {
        return live.size() * 2;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/2013-04-01/hostedzone/")) {
                route53Requests.incrementAndGet();
                route53(exchange, path.substring("/2013-04-01/hostedzone/".length()), body);
                return;
            }
            Map<String, String> form = form(body);
            String action = form.getOrDefault("Action", "");
            if (action.equals("DescribeInstances")) {
                ec2Requests.incrementAndGet();
                reply(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse "
                        + "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>" + UUID.randomUUID()
                        + "</requestId><reservationSet/></DescribeInstancesResponse>");
            } else if (action.equals("GetCallerIdentity")) {
                // asger asks once at start-up whose its credentials are (AccountClients): the events' account.
                stsRequests.incrementAndGet();
                reply(exchange, 200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<GetCallerIdentityResult><Arn>arn:aws:iam::" + TestEvents.ACCOUNT + ":user/asger-bench</Arn>"
                        + "<UserId>AIDABENCH</UserId><Account>" + TestEvents.ACCOUNT + "</Account></GetCallerIdentityResult>"
                        + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                        + "</GetCallerIdentityResponse>");
            } else if (action.equals("DescribeTags")) {
                reply(exchange, 200, "<DescribeTagsResponse xmlns=\"http://autoscaling.amazonaws.com/doc/2011-01-01/\">"
                        + "<DescribeTagsResult><Tags/></DescribeTagsResult><ResponseMetadata><RequestId>"
                        + UUID.randomUUID() + "</RequestId></ResponseMetadata></DescribeTagsResponse>");
            } else {
                refused.incrementAndGet();
                reply(exchange, 400, "<Response><Errors><Error><Code>InvalidAction</Code><Message>not served by the "
                        + "benchmark's stand-in: " + action + "</Message></Error></Errors><RequestID>x</RequestID></Response>");
            }
        }
    }

    private void route53(HttpExchange exchange, String rest, String body) throws IOException {
        rest = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
        String zone = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (!zone.equals(ZONE_ID)) {
            refused.incrementAndGet();
            error(exchange, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + zone);
            return;
        }
        String method = exchange.getRequestMethod();
        if (rest.equals(zone) && method.equals("GET")) {
            reply(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetHostedZoneResponse xmlns=\"" + R53
                    + "\"><HostedZone><Id>/hostedzone/" + ZONE_ID + "</Id><Name>" + ZONE_NAME + "</Name><CallerReference>"
                    + "bench</CallerReference><Config><PrivateZone>true</PrivateZone></Config><ResourceRecordSetCount>"
                    + liveRecordSets() + "</ResourceRecordSetCount></HostedZone><VPCs><VPC><VPCRegion>"
                    + Bench.REGION + "</VPCRegion><VPCId>vpc-0bench</VPCId></VPC></VPCs></GetHostedZoneResponse>");
        } else if (rest.equals(zone + "/rrset") && method.equals("GET")) {
            reply(exchange, 200, list(form(exchange.getRequestURI().getRawQuery())));
        } else if (rest.equals(zone + "/rrset") && method.equals("POST")) {
            change(exchange, body);
        } else {
            refused.incrementAndGet();
            error(exchange, 400, "InvalidInput", "not served by the benchmark's stand-in: " + method + " " + rest);
        }
    }

    /** ListResourceRecordSets from name/type, at most maxitems sets, with Route 53's paging fields. */
    String list(Map<String, String> query) {
        String from = query.get("name");
        String fromType = query.get("type");
        int max = Integer.parseInt(query.getOrDefault("maxitems", "300"));
        List<String[]> sets = new ArrayList<>();
        String[] next = null;
        NavigableMap<String, String> tail = from == null ? live : live.tailMap(normalize(from), true);
        outer:
        for (Map.Entry<String, String> e : tail.entrySet()) {
            for (String type : new String[] {"A", "TXT"}) {
                if (e.getKey().equals(from == null ? null : normalize(from)) && "TXT".equals(fromType) && type.equals("A")) {
                    continue;
                }
                if (sets.size() == max) {
                    next = new String[] {e.getKey(), type};
                    break outer;
                }
                sets.add(new String[] {e.getKey(), type, e.getValue()});
            }
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListResourceRecordSetsResponse xmlns=\"")
                .append(R53).append("\"><ResourceRecordSets>");
        for (String[] s : sets) {
            String value = s[1].equals("A") ? address(s[2]) : xmlEscape(OwnershipRecord.valueFor(s[2], Bench.REGION));
            xml.append("<ResourceRecordSet><Name>").append(s[0]).append("</Name><Type>").append(s[1])
                    .append("</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>").append(value)
                    .append("</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>");
        }
        xml.append("</ResourceRecordSets><IsTruncated>").append(next != null).append("</IsTruncated>");
        if (next != null) {
            xml.append("<NextRecordName>").append(next[0]).append("</NextRecordName><NextRecordType>").append(next[1])
                    .append("</NextRecordType>");
        }
        return xml.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>").toString();
    }

    private synchronized void change(HttpExchange exchange, String body) throws IOException {
        Matcher m = CHANGE.matcher(body);
        List<String> deleted = new ArrayList<>();
        while (m.find()) {
            String name = normalize(m.group(2));
            if (m.group(1).equals("DELETE")) {
                if (!live.containsKey(name)) {
                    refused.incrementAndGet();
                    error(exchange, 400, "InvalidChangeBatch", "[Tried to delete resource record set [name='" + name
                            + "', type='" + m.group(3) + "'] but it was not found]");
                    return;
                }
                deleted.add(name);
            }
        }
        for (String name : deleted) {
            String id = live.remove(name);
            if (id != null) {
                recordDeletes.arrived(id);
            }
        }
        reply(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ChangeResourceRecordSetsResponse xmlns=\"" + R53
                + "\"><ChangeInfo><Id>/change/C" + UUID.randomUUID().toString().replace("-", "").substring(0, 14).toUpperCase()
                + "</Id><Status>PENDING</Status><SubmittedAt>2026-12-02T00:00:00.000Z</SubmittedAt></ChangeInfo>"
                + "</ChangeResourceRecordSetsResponse>");
    }

    private static String normalize(String name) {
        String n = name.toLowerCase();
        return n.endsWith(".") ? n : n + ".";
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }

    static Map<String, String> form(String encoded) {
        Map<String, String> out = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        reply(exchange, status, "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + R53 + "\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + xmlEscape(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>");
    }

    private static void reply(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] out = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
