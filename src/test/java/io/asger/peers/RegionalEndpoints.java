package io.asger.peers;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Lets a test see which real AWS endpoint a client chose, without reaching AWS: while {@link #redirectTo} is set,
 * every request an SDK client addresses to {@code *.amazonaws.com} is recorded by host and sent to the given local
 * server instead. The SDK loads this interceptor for every client in the test JVM (listed in
 * software/amazon/awssdk/global/handlers/execution.interceptors); unset, it changes nothing.
 */
public final class RegionalEndpoints implements ExecutionInterceptor {

    private static volatile URI target;
    private static final List<String> HOSTS = new CopyOnWriteArrayList<>();

    /** Sends requests for AWS hosts to {@code local} (null: stop) and forgets the hosts seen so far. */
    public static void redirectTo(URI local) {
        HOSTS.clear();
        target = local;
    }

    /** The AWS hosts requests were addressed to while redirecting, in order. */
    public static List<String> hosts() {
        return List.copyOf(HOSTS);
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        SdkHttpRequest request = context.httpRequest();
        URI local = target;
        if (local == null || !request.host().endsWith(".amazonaws.com")) {
            return request;
        }
        HOSTS.add(request.host());
        return request.toBuilder().protocol(local.getScheme()).host(local.getHost()).port(local.getPort()).build();
    }
}
