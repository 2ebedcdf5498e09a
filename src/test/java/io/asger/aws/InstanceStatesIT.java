package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.asger.peers.Moto;
import io.asger.route53.MotoAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;

/** Batch lookups against moto: one unknown id in a batch makes EC2 refuse all of it, so the batch is split. */
class InstanceStatesIT {

    private final Moto moto = Moto.shared();
    private MotoAws aws;

    @BeforeEach
    void account() {
        moto.reset();
        MotoAws.pointSdkAtMoto(moto);
        aws = new MotoAws(moto);
    }

    @AfterEach
    void close() {
        aws.close();
    }

    @Test
    void aBatchWithUnknownIdsIsSplitDownToThemAndTheRestAreAnswered() {
        List<Instance> web = aws.createGroup("web", 3, null);
        aws.terminate(web.get(2).instanceId());
        List<String> ids = new ArrayList<>(web.stream().map(Instance::instanceId).toList());
        ids.add(1, "i-0dead00000000000a");
        ids.add("i-0dead00000000000b");

        InstanceStates states = new InstanceStates(region -> aws.ec2);
        Map<String, String> found = states.states("us-east-1", ids);

        assertThat(found).containsEntry(web.get(0).instanceId(), "running")
                .containsEntry(web.get(1).instanceId(), "running")
                .containsEntry(web.get(2).instanceId(), "terminated")
                .containsEntry("i-0dead00000000000a", InstanceFacts.ABSENT)
                .containsEntry("i-0dead00000000000b", InstanceFacts.ABSENT)
                .hasSize(5);
        assertThat(states.groupOf(web.get(0).instanceId())).isEqualTo("web");
        // 5 ids, 2 unknown: the batch, its halves, and the halves of each half that still held an unknown id.
        assertThat(states.requests()).isGreaterThan(1).isLessThan(10);
    }

    @Test
    void knownIdsTakeOneRequestABatch() {
        List<Instance> web = aws.createGroup("web", 2, null);
        InstanceStates states = new InstanceStates(region -> aws.ec2);

        assertThat(states.states("us-east-1", web.stream().map(Instance::instanceId).toList()))
                .containsOnlyKeys(web.get(0).instanceId(), web.get(1).instanceId());
        assertThat(states.requests()).isEqualTo(1);
    }
}
