package io.asger.route53;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.asger.TaskRoutes;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * routes/route53.camel.yaml in the shared task-route harness ({@link TaskRoutes}): events go to direct:route53-up /
 * -down exactly as run-one-task sends them. (Route53AppIT runs the whole application behind a real queue.)
 */
final class Route53Routes implements AutoCloseable {

    private final TaskRoutes routes;

    Route53Routes(Map<String, String> properties) throws Exception {
        routes = TaskRoutes.load("route53", properties);
    }

    private static AsgEvent event(String direction, String instanceId, String groupName) {
        return AsgEvent.builder("up".equals(direction) ? EventType.UP : EventType.DOWN)
                .instanceId(instanceId).groupName(groupName).messageId("m-" + instanceId).build();
    }

    /** Sends the event into direct:route53-{direction}; completes with the exchange when the route is done. */
    CompletableFuture<Exchange> send(String direction, String instanceId, String groupName) {
        return routes.send(event(direction, instanceId, groupName));
    }

    /** Sends and waits; the body (a RecordOutcome or a message), or the exception the route ended with. */
    Object call(String direction, String instanceId, String groupName) throws Exception {
        return routes.call(event(direction, instanceId, groupName));
    }

    ZoneChangeBatcher batcher() {
        return context().getRegistry().lookupByNameAndType("route53Batcher", ZoneChangeBatcher.class);
    }

    CamelContext context() {
        return routes.context();
    }

    @Override
    public void close() throws Exception {
        routes.close();
    }
}
