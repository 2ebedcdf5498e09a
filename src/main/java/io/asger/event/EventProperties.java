package io.asger.event;

import io.asger.ExchangeProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Copies what the steps after route-by-event-type read of the event into plain exchange properties: its instance id
 * ({@code asgerInstanceId}), group ({@code asgerGroup}), type as text ({@code asgerEventType}) and direction
 * ({@code asgerDirection}). Every log line about the message carries the first three (io.asger.ops.MessageLogContext);
 * the choices compare the type, run-one-task calls {@code direct:TASK-DIRECTION}, the shipped tasks name the instance.
 *
 * <p>Why a processor: in a Camel expression, {@code ${exchangeProperty.event.instanceId}} (or {@code ${body.type}}) is
 * an OGNL call through the bean language, which copies the whole exchange for each read; read at each step, that was
 * a tenth of asger's own CPU per event (issue 17).
 */
public class EventProperties implements Processor {

    @Override
    public void process(Exchange exchange) {
        AsgEvent event = exchange.getProperty(ExchangeProperties.EVENT, AsgEvent.class);
        if (event == null) {
            throw new IllegalStateException("no event: route-by-event-type sets the exchange property "
                    + ExchangeProperties.EVENT + " before " + EventProperties.class.getSimpleName());
        }
        exchange.setProperty(ExchangeProperties.INSTANCE_ID, event.getInstanceId());
        exchange.setProperty(ExchangeProperties.GROUP, event.getGroupName());
        exchange.setProperty(ExchangeProperties.EVENT_TYPE, String.valueOf(event.getType()));
        exchange.setProperty(ExchangeProperties.DIRECTION, event.getDirection());
    }
}
