package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.asger.errors.Failures;
import io.asger.peers.Moto;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.route53.model.RRType;

/** routes/route53.camel.yaml driven with launch and terminate events, against Auto Scaling, EC2 and Route 53 in moto. */
class Route53RoutesIT {

    private static final String TEMPLATE = "{groupName}-{privateIpDashed}.asg.example.com";

    private final Moto moto = Moto.shared();
    private MotoAws aws;
    private String zoneId;
    private Route53Routes routes;

    @BeforeEach
    void account() throws Exception {
        moto.reset();
        MotoAws.pointSdkAtMoto(moto);
        aws = new MotoAws(moto);
        zoneId = aws.createZone();
        routes = start(Map.of());
    }

    private Route53Routes start(Map<String, String> extra) throws Exception {
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "asger.route53.zone-id", zoneId,
                "asger.route53.record-name", TEMPLATE,
                "asger.route53.batch-window-ms", "300"));
        props.putAll(extra);
        return new Route53Routes(props);
    }

    @AfterEach
    void close() throws Exception {
        routes.close();
        aws.close();
    }

    private static String nameOf(String group, Instance i) {
        return group + "-" + i.privateIpAddress().replace('.', '-') + ".asg.example.com.";
    }

    private List<Exchange> sendAll(String direction, List<Instance> instances, String group) throws Exception {
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (Instance i : instances) {
            sent.add(routes.send(direction, i.instanceId(), group));
        }
        List<Exchange> done = new ArrayList<>();
        for (CompletableFuture<Exchange> f : sent) {
            Exchange e = f.get();
            assertThat(e.getException()).as("route failure for %s", e.getProperty("event")).isNull();
            done.add(e);
        }
        return done;
    }

    @Test
    void launchEventsWriteAnARecordWithTheInstancesIpAndAnOwnershipRecord() throws Exception {
        List<Instance> web = aws.createGroup("web", 3, null);

        sendAll("up", web, "web");

        for (Instance i : web) {
            assertThat(aws.record(zoneId, nameOf("web", i), "A")).contains(i.privateIpAddress());
            assertThat(aws.record(zoneId, nameOf("web", i), "TXT"))
                    .contains("\"heritage=asger,asger/instance-id=" + i.instanceId() + ",asger/region=us-east-1\"");
        }
        assertThat(aws.records(zoneId)).hasSize(6);
    }

    @Test
    void terminateEventsRemoveTheRecordsOfTheTerminatedInstancesOnly() throws Exception {
        List<Instance> web = aws.createGroup("web", 3, null);
        sendAll("up", web, "web");

        aws.terminate(web.get(0).instanceId());
        aws.terminate(web.get(1).instanceId());
        sendAll("down", web.subList(0, 2), "web");

        assertThat(aws.records(zoneId)).containsOnlyKeys(nameOf("web", web.get(2)) + " A", nameOf("web", web.get(2)) + " TXT");
    }

    @Test
    void aForeignRecordWithTheSameNameIsLeftAloneAndCounted() throws Exception {
        Instance i = aws.createGroup("web", 1, null).get(0);
        aws.putRecord(zoneId, nameOf("web", i), RRType.A, "192.0.2.1");

        Object up = routes.call("up", i.instanceId(), "web");
        aws.terminate(i.instanceId());
        Object down = routes.call("down", i.instanceId(), "web");

        assertThat(((RecordOutcome) up).getKind()).isEqualTo(RecordOutcome.Kind.FOREIGN);
        assertThat(((RecordOutcome) down).getKind()).isEqualTo(RecordOutcome.Kind.FOREIGN);
        assertThat(aws.records(zoneId)).containsOnlyKeys(nameOf("web", i) + " A")
                .containsEntry(nameOf("web", i) + " A", "192.0.2.1");
        assertThat(routes.batcher().getForeignRecordsLeft()).isEqualTo(2);
    }

    @Test
    void aLaunchEventForAnInstanceAlreadyTerminatedCreatesNothing() throws Exception {
        Instance i = aws.createGroup("web", 1, null).get(0);
        aws.terminate(i.instanceId());
        assertThat(aws.state(i.instanceId())).isEqualTo("terminated");

        Object body = routes.call("up", i.instanceId(), "web");

        assertThat(body).asString().contains("it is terminated, not pending or running");
        assertThat(aws.records(zoneId)).isEmpty();
    }

    @Test
    void duplicateEventsLeaveTheSameState() throws Exception {
        List<Instance> web = aws.createGroup("web", 2, null);
        Instance first = web.get(0);

        sendAll("up", List.of(first, first, web.get(1)), "web");
        Object again = routes.call("up", first.instanceId(), "web");
        var afterUp = aws.records(zoneId);

        assertThat(((RecordOutcome) again).getKind()).isEqualTo(RecordOutcome.Kind.UNCHANGED);
        assertThat(afterUp).hasSize(4).containsEntry(nameOf("web", first) + " A", first.privateIpAddress());

        aws.terminate(first.instanceId());
        sendAll("down", List.of(first, first), "web");
        Object downAgain = routes.call("down", first.instanceId(), "web");

        assertThat(((RecordOutcome) downAgain).getKind()).isEqualTo(RecordOutcome.Kind.ABSENT);
        assertThat(aws.records(zoneId)).containsOnlyKeys(nameOf("web", web.get(1)) + " A", nameOf("web", web.get(1)) + " TXT");
    }

    @Test
    void aGroupsRecordNameTagOverridesTheTemplate() throws Exception {
        Instance special = aws.createGroup("batch", 1, "{instanceId}.jobs.asg.example.com").get(0);
        Instance plain = aws.createGroup("web", 1, null).get(0);

        Object specialUp = routes.call("up", special.instanceId(), "batch");
        routes.call("up", plain.instanceId(), "web");

        assertThat(specialUp).asString().contains(" " + special.instanceId() + ".jobs.asg.example.com. ");
        assertThat(aws.record(zoneId, special.instanceId() + ".jobs.asg.example.com.", "A")).contains(special.privateIpAddress());
        assertThat(aws.record(zoneId, nameOf("web", plain), "A")).contains(plain.privateIpAddress());

        aws.terminate(special.instanceId());
        routes.call("down", special.instanceId(), "batch");
        assertThat(aws.records(zoneId)).hasSize(2);
    }

    @Test
    void aTerminateEventForAnInstanceEc2NoLongerKnowsFindsItsRecordsByOwnership() throws Exception {
        // Launched long ago: EC2 has forgotten it, so its name (which needs its IP) cannot be computed again.
        String gone = "i-0fedcba9876543210";
        aws.putRecord(zoneId, "web-10-9-9-9.asg.example.com.", RRType.A, "10.9.9.9");
        aws.putRecord(zoneId, "web-10-9-9-9.asg.example.com.", RRType.TXT, OwnershipRecord.valueFor(gone));

        Object body = routes.call("down", gone, "web");

        assertThat(((RecordOutcome) body).getKind()).isEqualTo(RecordOutcome.Kind.DELETED);
        assertThat(aws.records(zoneId)).isEmpty();
    }

    @Test
    void aGroupWhoseNameIsNotADnsNameFailsPermanentlyOnLaunchButItsRecordsAreStillRemovedOnTerminate() throws Exception {
        Instance i = aws.createGroup("web_blue", 1, null).get(0);
        // Written under an earlier, legal template.
        aws.putRecord(zoneId, "old-name.asg.example.com.", RRType.A, i.privateIpAddress());
        aws.putRecord(zoneId, "old-name.asg.example.com.", RRType.TXT, OwnershipRecord.valueFor(i.instanceId()));

        assertThatThrownBy(() -> routes.call("up", i.instanceId(), "web_blue"))
                .satisfies(e -> assertThat(new Failures().isPermanent(e)).isTrue())
                .rootCause().isInstanceOf(InvalidRecordName.class).hasMessageContaining("'web_blue-");
        aws.terminate(i.instanceId());
        Object down = routes.call("down", i.instanceId(), "web_blue");

        assertThat(((RecordOutcome) down).getKind()).isEqualTo(RecordOutcome.Kind.DELETED);
        assertThat(aws.records(zoneId)).isEmpty();
    }

    @Test
    void withAddressPublicTheRecordHoldsThePublicIp() throws Exception {
        routes.close();
        routes = start(Map.of("asger.route53.address", "public",
                "asger.route53.record-name", "{publicIpDashed}.public.asg.example.com"));
        Instance i = aws.createGroup("web", 1, null, true).get(0);
        assertThat(i.publicIpAddress()).isNotBlank();

        routes.call("up", i.instanceId(), "web");

        assertThat(aws.record(zoneId, i.publicIpAddress().replace('.', '-') + ".public.asg.example.com.", "A"))
                .contains(i.publicIpAddress());
    }

    @Test
    void dryRunLogsTheChangeAndMakesNone() throws Exception {
        routes.close();
        routes = start(Map.of("asger.dry-run", "true"));
        Instance i = aws.createGroup("web", 1, null).get(0);

        Object body = routes.call("up", i.instanceId(), "web");

        assertThat(body).asString().startsWith("dry-run: would UPSERT A " + nameOf("web", i) + " 60 " + i.privateIpAddress());
        assertThat(aws.records(zoneId)).isEmpty();
    }
}
